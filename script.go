package llmrouter

import (
	"unicode"
	"unicode/utf8"
)

// Script is the dominant writing system of a text.
type Script uint8

// Scripts the analyzer tells apart.
const (
	ScriptUnknown Script = iota // no letters
	ScriptLatin
	ScriptCyrillic
	ScriptGreek
	ScriptArabic
	ScriptHebrew
	ScriptDevanagari
	ScriptCJK // Han, Hiragana, Katakana and Hangul
	ScriptOther
)

var scriptNames = [...]string{"unknown", "latin", "cyrillic", "greek", "arabic", "hebrew", "devanagari", "cjk", "other"}

// String returns the script's lower-case name ("latin", "cjk", …), or
// "script(n)" for a value outside the constants.
func (s Script) String() string {
	if int(s) < len(scriptNames) {
		return scriptNames[s]
	}
	return "script(" + itoa(int(s)) + ")"
}

func isCJK(r rune) bool {
	if r < 0x2E80 && (r < 0x1100 || r > 0x11FF) {
		// No rune of the four scripts lies below U+2E80 but Hangul Jamo:
		// curly quotes and dashes need no table search.
		return false
	}
	return unicode.Is(unicode.Han, r) || unicode.Is(unicode.Hiragana, r) ||
		unicode.Is(unicode.Katakana, r) || unicode.Is(unicode.Hangul, r)
}

func scriptOf(r rune) Script {
	switch {
	case r < utf8.RuneSelf:
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' {
			return ScriptLatin
		}
		return ScriptUnknown
	case !unicode.IsLetter(r):
		return ScriptUnknown
	case unicode.Is(unicode.Latin, r):
		return ScriptLatin
	case unicode.Is(unicode.Cyrillic, r):
		return ScriptCyrillic
	case unicode.Is(unicode.Greek, r):
		return ScriptGreek
	case unicode.Is(unicode.Arabic, r):
		return ScriptArabic
	case unicode.Is(unicode.Hebrew, r):
		return ScriptHebrew
	case unicode.Is(unicode.Devanagari, r):
		return ScriptDevanagari
	case isCJK(r):
		return ScriptCJK
	}
	return ScriptOther
}
