package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/llmrouter/llmrouter"
	"github.com/llmrouter/llmrouter/dataset"
	"github.com/llmrouter/llmrouter/replay"
	"github.com/llmrouter/llmrouter/routertest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tmc/langchaingo/llms"
)

// writeReplayLog logs every record of the outcomes file at path as a
// decision of model pick(i) with propensity prop (omitted when 0), and the
// recorded score as its feedback, in decisionlog's format.
func writeReplayLog(t *testing.T, path, dir string, pick func(i int) string, prop float64) {
	ds, err := dataset.Load(path)
	require.NoError(t, err)
	cards, err := replay.CardsFromOutcomes(ds.Records)
	require.NoError(t, err)
	ps := make([]llmrouter.Provider, len(cards))
	for i, c := range cards {
		ps[i] = routertest.NewProvider(c)
	}
	r, err := llmrouter.New(ps)
	require.NoError(t, err)
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	for i, rec := range ds.Records {
		d, err := r.Route(context.Background(), []llms.MessageContent{llms.TextParts(llms.ChatMessageTypeHuman, rec.Prompt)})
		require.NoError(t, err)
		d.Model = pick(i)
		d.Cost, _ = rec.Outcomes[d.Model].CostValue()
		raw, err := json.Marshal(d)
		require.NoError(t, err)
		if prop > 0 {
			var m map[string]any
			require.NoError(t, json.Unmarshal(raw, &m))
			m["propensity"] = prop
			raw, err = json.Marshal(m)
			require.NoError(t, err)
		}
		require.NoError(t, enc.Encode(map[string]any{"v": 1, "kind": "decision", "prompt_text": "full", "decision": json.RawMessage(raw)}))
		require.NoError(t, enc.Encode(map[string]any{"v": 1, "kind": "feedback", "logged": d.Time, "id": d.ID, "score": rec.Outcomes[d.Model].Score}))
	}
	require.NoError(t, os.MkdirAll(dir, 0o700))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "log.jsonl"), buf.Bytes(), 0o600))
}

func TestReplayCommand(t *testing.T) {
	dir := t.TempDir()
	models := []string{mStrong, mMid, mWeak}
	test := writeSynth(t, dir, "test.jsonl", 0, 60, models...)

	out := runOK(t, "replay", "-outcomes", test, "-policy", "cheapest:0.7")
	assert.Contains(t, out, "in-sample: cards from the replayed file")
	assert.Regexp(t, `exact replay on .*test.jsonl: 60 requests, quality \d\.\d{4}, cost \$0\.\d{6}/request \(60 with a cost\)`, out)

	// A uniformly random logging policy, propensities recorded.
	random := filepath.Join(dir, "random")
	writeReplayLog(t, test, random, func(i int) string { return models[(i*7)%3] }, 1.0/3)
	out = runOK(t, "replay", "-outcomes", test, "-log", random)
	assert.Contains(t, out, "60 decisions, 60 feedback entries, 60 decisions with feedback")
	assert.Contains(t, out, "0 logged with propensity 1 (0 recorded none)")
	assert.Regexp(t, `IPS +quality \d\.\d{4} \[`, out)
	assert.Regexp(t, `doubly robust +quality \d\.\d{4} \[`, out)
	assert.Contains(t, out, "largest importance weight 3.0")

	// A decision logged twice and feedback for an id the log lacks are
	// named, not dropped without a word.
	logFile := filepath.Join(random, "log.jsonl")
	raw, err := os.ReadFile(logFile)
	require.NoError(t, err)
	first, _, _ := bytes.Cut(raw, []byte("\n"))
	extra := append(append([]byte{}, first...), '\n')
	extra = append(extra, []byte(`{"v":1,"kind":"feedback","logged":"2026-01-02T03:04:05Z","id":"no-such-decision","score":1}`+"\n")...)
	require.NoError(t, os.WriteFile(logFile, append(raw, extra...), 0o600))
	out = runOK(t, "replay", "-outcomes", test, "-log", random)
	assert.Contains(t, out, "61 decisions, 61 feedback entries, 60 decisions with feedback; 1 decision line repeats an earlier id (the first kept); feedback for 1 id with no decision in the log left out")

	// A deterministic logging policy (always the weak model, no propensity):
	// the candidate cannot be evaluated where it chooses otherwise.
	det := filepath.Join(dir, "det")
	writeReplayLog(t, test, det, func(int) string { return mWeak }, 0)
	out = runOK(t, "replay", "-log", det, "-cards", test, "-policy", "cheapest:0.9")
	assert.Contains(t, out, "off-policy estimate: not possible:")
	assert.Contains(t, out, "60 recorded none")
	assert.NotRegexp(t, `IPS +quality`, out, "no misleading number")

	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"replay", "-outcomes", test, "-policy", "cheapest:2"}, "TAU in (0,1]"},
		{[]string{"replay", "-outcomes", test, "-policy", "threshold:a,b,0"}, `unknown model "a"`},
		{[]string{"replay", "-outcomes", test, "-policy", "best"}, "want cheapest:TAU"},
		{[]string{"replay", "-log", filepath.Join(dir, "missing"), "-cards", test}, "missing"},
	} {
		var stderr bytes.Buffer
		require.Equal(t, 1, run(tt.args, io.Discard, &stderr), tt.args)
		assert.Contains(t, stderr.String(), tt.want, tt.args)
	}
}
