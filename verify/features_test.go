package verify

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestCheckEquation(t *testing.T) {
	tests := []struct {
		text    string
		ok, bad bool
	}{
		{"so 3 x 60 = 180 meters", true, false},
		{"so 3 x 60 = 190 meters", true, true},
		{"<<3*60=180>>180", true, false},
		{"<<15+25=45>>", true, true},
		{"15 + 25 * 2 = 65", true, false},
		{"15 + 25 * 2 = 80", true, true},
		{"$1,200 - $200 = $1,000", true, false},
		{"10 / 3 = 3.33", true, false},
		{"20% * 50 = 10", true, false},
		{"8 × 5 = 40", true, false},
		{"12 ÷ 4 = 4", true, true},
		{"100 - 30 - 20 = 50", true, false},
		{"x = 5", false, false},
		{"2x + 3 = 7", false, false},
		{"(15 + 25) * 2 = 80", false, false}, // only "2" is read whole
		{"total = 40", false, false},
		{"5 + 3 = eight", false, false},
		{"1 / 0 = 3", false, false},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			eq := strings.IndexByte(tt.text, '=')
			ok, bad := checkEquation(tt.text, eq)
			assert.Equal(t, tt.ok, ok, "checked")
			assert.Equal(t, tt.bad, bad, "wrong")
		})
	}
}

func TestExtractFeatures(t *testing.T) {
	prompt := "James runs 3 sprints 3 times a week, 60 meters each. How many meters a week?"
	tests := []struct {
		name   string
		answer string
		want   map[int]float64
	}{
		{"worked GSM8K answer", "3 * 60 = 180 meters.\n180 * 3 = 540\n#### 540",
			map[int]float64{fAnsFinalMarker: 1, fAnsTailNumber: 1, fAnsArithAnyWrong: 0, fAnsTruncated: 0, fMathNoTail: 0, fAnsPromptNumsUsed: 1}},
		{"cut short", "He runs 3 * 60 = <<3*6",
			map[int]float64{fAnsTruncated: 1, fAnsFinalMarker: 0}},
		{"wrong arithmetic", "3 * 60 = 190. The answer is 570.",
			map[int]float64{fAnsArithAnyWrong: 1, fAnsFinalMarker: 1, fAnsTailNumber: 1}},
		{"no number", "He runs a lot of meters every week.",
			map[int]float64{fMathNoTail: 1, fAnsTailNumber: 0, fAnsPromptNumsUsed: 0}},
		{"refusal", "I’m sorry, but I can’t help with that.", map[int]float64{fAnsRefusal: 1, fAnsApology: 1}},
		{"empty", " \n ", map[int]float64{fAnsEmpty: 1}},
		{"repeats", "a line\na line\na line\nanother", map[int]float64{fAnsRepeat: 0.5}},
		{"open fence", "```go\nfunc f() {\n", map[int]float64{fAnsFenceOpen: 1}},
		{"unbalanced code", "```go\nfunc f() {\n```\nok.", map[int]float64{fAnsCodeUnbalanced: 1, fAnsFenceOpen: 0}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var x [numFeatures]float64
			extract(prompt, tt.answer, &x)
			for f, v := range tt.want {
				assert.InDelta(t, v, x[f], 1e-9, featureNames[f])
			}
		})
	}
}
