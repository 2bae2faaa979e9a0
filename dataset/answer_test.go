package dataset

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The answer-carrying files (routellm-gsm8k-answers, arenahard-*) hold each
// model's answer and its length; a verifier learns from them, so reading and
// writing must keep both.
func TestOutcomeAnswerKept(t *testing.T) {
	tests := []struct {
		name  string
		line  string
		want  Outcome
		wrote string
	}{
		{"answer and length", `{"id":"a","prompt":"p","outcomes":{"m":{"score":1,"answer":"#### 42","output_chars":7}}}`,
			Outcome{Score: 1, Answer: "#### 42", OutputChars: 7}, `"m":{"score":1,"answer":"#### 42","output_chars":7}`},
		{"neither", `{"id":"a","prompt":"p","outcomes":{"m":{"score":0.5}}}`,
			Outcome{Score: 0.5}, `"m":{"score":0.5}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ds, err := Read(strings.NewReader(tt.line))
			require.NoError(t, err)
			require.Len(t, ds.Records, 1)
			assert.Equal(t, tt.want, ds.Records[0].Outcomes["m"])
			var buf bytes.Buffer
			require.NoError(t, Write(&buf, ds.Records))
			assert.Contains(t, buf.String(), tt.wrote)
		})
	}
	_, err := Read(strings.NewReader(`{"id":"a","prompt":"p","outcomes":{"m":{"score":1,"output_chars":-3}}}`))
	require.ErrorIs(t, err, ErrRange)
	assert.Contains(t, err.Error(), "outcomes.m.output_chars")
}
