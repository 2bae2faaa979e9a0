package decisionlog

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"

	"github.com/llmrouter/llmrouter/internal/secret"
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

// scrub replaces API-key-shaped strings in line (see internal/secret).
func scrub(line []byte) []byte { return secret.Bytes(line) }
