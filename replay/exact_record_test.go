package replay_test

import (
	"context"
	"errors"
	"testing"

	"github.com/llmrouter/llmrouter/dataset"
	"github.com/llmrouter/llmrouter/replay"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Exact's errors name the record by id and line, and are a *RecordError
// giving its index, so that a caller that read several files can say which
// (the CLI does); they named the id alone.
func TestExactErrorNamesRecord(t *testing.T) {
	recs := []dataset.Record{
		{ID: "a", Prompt: "p", Line: 1, Outcomes: map[string]dataset.Outcome{"m": {Score: 1}, "n": {Score: 0}}},
		{ID: "b", Prompt: "q", Line: 2, Outcomes: map[string]dataset.Outcome{"n": {Score: 0}}},
	}
	boom := errors.New("boom")
	for _, tc := range []struct {
		name   string
		choose replay.Chooser
		want   string
		cause  error
	}{
		{"no outcome for the choice", func(context.Context, string) (string, error) { return "m", nil },
			`replay: record "b" (line 2): no outcome for "m", the candidate's choice`, nil},
		{"chooser fails", func(_ context.Context, p string) (string, error) {
			if p == "q" {
				return "", boom
			}
			return "m", nil
		}, `replay: record "b" (line 2): boom`, boom},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := replay.Exact(context.Background(), recs, tc.choose)
			require.EqualError(t, err, tc.want)
			var re *replay.RecordError
			require.True(t, errors.As(err, &re))
			assert.Equal(t, 1, re.Index)
			assert.Equal(t, "b", re.ID)
			assert.Equal(t, 2, re.Line)
			if tc.cause != nil {
				assert.ErrorIs(t, err, tc.cause)
			}
		})
	}
	// A record built in memory (line 0) is named by id alone.
	recs[1].Line = 0
	_, err := replay.Exact(context.Background(), recs, func(context.Context, string) (string, error) { return "m", nil })
	require.EqualError(t, err, `replay: record "b": no outcome for "m", the candidate's choice`)
}
