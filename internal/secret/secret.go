// Package secret scrubs API keys and tokens from text bound for logs and
// traces: decision log lines, span status descriptions, slog records.
package secret

import (
	"bytes"
	"regexp"
	"strings"
)

// markers are substrings without which no pattern matches: text holding
// none of them (nearly all of it) skips the regexps.
var markers = []string{
	"sk-", "AIza", "earer", "EARER", "ey=", "EY=",
	"oken=", "OKEN=", "uth=", "UTH=", "gsk_", "hf_",
	"ghp_", "github_pat_", "xai-", "r8_", "pplx-", "AKIA",
}

var markerBytes = func() [][]byte {
	b := make([][]byte, len(markers))
	for i, m := range markers {
		b[i] = []byte(m)
	}
	return b
}()

// patterns match API keys and tokens as they appear in plain or JSON text;
// group 1, when present, is kept. Values stop at a quote, backslash, & or
// space, so the replacement never breaks the JSON around it.
var patterns = []*regexp.Regexp{
	regexp.MustCompile(`()\b(?:sk-|gsk_|hf_|ghp_|github_pat_|xai-|r8_|pplx-)[A-Za-z0-9_\-]{16,}`),
	regexp.MustCompile(`()AIza[0-9A-Za-z_\-]{30,}`),
	regexp.MustCompile(`()\bAKIA[0-9A-Z]{16}\b`),
	regexp.MustCompile(`(?i)(\bbearer\s+)[A-Za-z0-9._~+/\-]{8,}=*`),
	regexp.MustCompile(`(?i)((?:[?&]|\\u0026)(?:key|api[_-]?key|access[_-]?token|token|auth)=)[^"&\s\\]+`),
}

// Redacted is what replaces a secret.
const Redacted = "[REDACTED]"

var replacement = "${1}" + Redacted

// Bytes returns b with API-key-shaped strings replaced by Redacted (b
// itself when it holds none). Safe for concurrent use.
func Bytes(b []byte) []byte {
	found := false
	for _, m := range markerBytes {
		if bytes.Contains(b, m) {
			found = true
			break
		}
	}
	if !found {
		return b
	}
	r := []byte(replacement)
	for _, re := range patterns {
		b = re.ReplaceAll(b, r)
	}
	return b
}

// String is Bytes for a string; it does not allocate when s holds no
// marker of a secret.
func String(s string) string {
	found := false
	for _, m := range markers {
		if strings.Contains(s, m) {
			found = true
			break
		}
	}
	if !found {
		return s
	}
	for _, re := range patterns {
		s = re.ReplaceAllString(s, replacement)
	}
	return s
}
