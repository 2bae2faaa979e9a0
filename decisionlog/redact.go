package decisionlog

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"regexp"
)

// TextMode says how prompt or answer text is logged.
type TextMode uint8

const (
	// TextOff logs no text: the field is empty. The default.
	TextOff TextMode = iota
	// TextHashed logs "th_" and the first 16 bytes, in hex, of
	// HMAC-SHA-256(Options.HashKey, text): equal texts can be matched,
	// nothing can be read back. Empty text stays empty.
	TextHashed
	// TextFull logs the text (scrubbed of API-key-shaped strings).
	TextFull
)

var textModeNames = [...]string{"off", "hashed", "full"}

// String returns "off", "hashed" or "full".
func (m TextMode) String() string {
	if int(m) < len(textModeNames) {
		return textModeNames[m]
	}
	return fmt.Sprintf("TextMode(%d)", m)
}

func parseTextMode(s string) (TextMode, error) {
	for i, n := range textModeNames {
		if s == n {
			return TextMode(i), nil
		}
	}
	return 0, fmt.Errorf("unknown text mode %q (want off, hashed or full)", s)
}

// minHashKey matches llmrouter.WithUserRedaction's minimum key length.
const minHashKey = 16

// keyedHash is prefix + hex(first 16 bytes of HMAC-SHA-256(key, s)): the
// form llmrouter.WithUserRedaction gives users (prefix "uh_").
func keyedHash(key []byte, prefix, s string) string {
	if s == "" {
		return ""
	}
	m := hmac.New(sha256.New, key)
	m.Write([]byte(s))
	return prefix + hex.EncodeToString(m.Sum(nil)[:16])
}

func (o *Options) text(m TextMode, s string) string {
	switch m {
	case TextFull:
		return s
	case TextHashed:
		return keyedHash(o.HashKey, "th_", s)
	}
	return ""
}

// secretMarkers are substrings without which no secretPatterns match: a
// line holding none of them (nearly every line) skips the regexps.
var secretMarkers = [][]byte{
	[]byte("sk-"), []byte("AIza"), []byte("earer"), []byte("EARER"), []byte("ey="), []byte("EY="),
	[]byte("oken="), []byte("OKEN="), []byte("uth="), []byte("UTH="), []byte("gsk_"), []byte("hf_"),
	[]byte("ghp_"), []byte("github_pat_"), []byte("xai-"), []byte("r8_"), []byte("pplx-"), []byte("AKIA"),
}

// secretPatterns match API keys and tokens as they appear in JSON text;
// group 1, when present, is kept. Values stop at a quote, backslash, & or
// space, so the replacement never breaks the JSON around it.
var secretPatterns = []*regexp.Regexp{
	regexp.MustCompile(`()\b(?:sk-|gsk_|hf_|ghp_|github_pat_|xai-|r8_|pplx-)[A-Za-z0-9_\-]{16,}`),
	regexp.MustCompile(`()AIza[0-9A-Za-z_\-]{30,}`),
	regexp.MustCompile(`()\bAKIA[0-9A-Z]{16}\b`),
	regexp.MustCompile(`(?i)(\bbearer\s+)[A-Za-z0-9._~+/\-]{8,}=*`),
	regexp.MustCompile(`(?i)((?:[?&]|\\u0026)(?:key|api[_-]?key|access[_-]?token|token|auth)=)[^"&\s\\]+`),
}

var redacted = []byte("${1}[REDACTED]")

// scrub replaces API-key-shaped strings in line.
func scrub(line []byte) []byte {
	found := false
	for _, m := range secretMarkers {
		if bytes.Contains(line, m) {
			found = true
			break
		}
	}
	if !found {
		return line
	}
	for _, re := range secretPatterns {
		line = re.ReplaceAll(line, redacted)
	}
	return line
}
