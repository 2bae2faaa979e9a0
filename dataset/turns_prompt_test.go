package dataset_test

import (
	"strings"
	"testing"

	"github.com/llmrouter/llmrouter/dataset"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A record with turns and no prompt gets its first turn as its prompt, as
// Record.Prompt's doc says a multi-turn record's prompt is: every offline
// consumer (train, eval, predict, calibrate, replay, simulate) reads
// Prompt, so such a record trained and predicted on "" silently. Found
// feeding a turns-only record to llmrouter train and predict.
func TestTurnsOnlyRecordPrompt(t *testing.T) {
	in := `{"id":"a","turns":["Prove it.","Now shorter."],"outcomes":{"m":{"score":1}}}
{"id":"b","prompt":"Own prompt","turns":["First turn"],"outcomes":{"m":{"score":1}}}
{"id":"c","prompt":"  ","turns":["Blank prompt, a turn"],"outcomes":{"m":{"score":1}}}
`
	ds, err := dataset.Read(strings.NewReader(in))
	require.NoError(t, err)
	require.Len(t, ds.Records, 3)
	assert.Equal(t, "Prove it.", ds.Records[0].Prompt)
	assert.Equal(t, []string{"Prove it.", "Now shorter."}, ds.Records[0].Turns)
	assert.Equal(t, "Own prompt", ds.Records[1].Prompt, "a prompt given is kept")
	assert.Equal(t, "Blank prompt, a turn", ds.Records[2].Prompt)
}
