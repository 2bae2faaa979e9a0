package config_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/llmrouter/llmrouter/config"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A field whose value cannot be read is reported once, by what was wrong
// with it, not again by the range check of the zero left in its place
// ("quality: want a finite number, got the text "NaN"" used to come with
// "quality: must be in (0,1], got 0").
func TestUnreadableFieldReportedOnce(t *testing.T) {
	tests := []struct {
		name, src, field, want string
	}{
		{"quality NaN", "models:\n  - name: a\n    provider: fake\n    quality: NaN\n", "models[0].quality", "want a finite number"},
		{"quality a list", "models:\n  - name: a\n    provider: fake\n    quality: [1]\n", "models[0].quality", "want a finite number"},
		{"provider a list", "models:\n  - name: a\n    provider: [fake]\n", "models[0].provider", "want text"},
		{"min_quality as text", "models:\n  - name: a\n    provider: fake\npolicy:\n  min_quality: high\n", "policy.min_quality", "want a finite number"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := config.Parse("router.yaml", []byte(tt.src))
			var errs config.Errors
			require.True(t, errors.As(err, &errs), "%v", err)
			var got []string
			for _, e := range errs {
				if e.Field == tt.field {
					got = append(got, e.Msg)
				}
			}
			require.Len(t, got, 1, "%v", err)
			assert.Contains(t, got[0], tt.want)
		})
	}
}

// An error quotes at most a short prefix of a wrong value: a long line
// (a generated file, a pasted document) does not come back whole.
func TestErrorQuotesLongValueCut(t *testing.T) {
	long := strings.Repeat("x", 100_000)
	for _, src := range []string{
		"models:\n  - name: a\n    provider: fake\n    quality: " + long + "\n",
		"models" + long + "\n",
	} {
		_, err := config.Parse("router.yaml", []byte(src))
		require.Error(t, err)
		assert.Less(t, len(err.Error()), 500, "%.300s…", err)
		assert.Contains(t, err.Error(), "xxxxxxxx")
	}
}
