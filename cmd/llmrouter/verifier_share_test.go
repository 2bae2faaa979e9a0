package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/llmrouter/llmrouter/verify"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// train-verifier -share 0 saves a verifier that escalates nothing on the
// training answers, as its message says; verify.TrainOptions reads a zero
// Share as the default 0.3, so the file held 0.3's cutoff (and Info().Share
// 0.3) while the command printed 'escalates 0.0% of the training answers'.
func TestTrainVerifierShareZero(t *testing.T) {
	dir := t.TempDir()
	var b strings.Builder
	for i := range 40 {
		ws := i % 2
		answer := fmt.Sprintf("%d + %d = %d. The answer is %d.", i, i, 2*i, 2*i)
		if ws == 0 {
			answer = fmt.Sprintf("I am not sure, maybe around %d? I cannot check.", i)
		}
		fmt.Fprintf(&b, `{"id":"q%d","prompt":"What is %d + %d?","outcomes":{"big":{"score":1,"answer":"%d"},"small":{"score":%d,"answer":%q}}}`+"\n",
			i, i, i, 2*i, ws, answer)
	}
	data := filepath.Join(dir, "answers.jsonl")
	require.NoError(t, os.WriteFile(data, []byte(b.String()), 0o644))
	for _, tc := range []struct {
		share string
		want  float64
	}{{"0", 0}, {"0.5", 0.5}} {
		t.Run(tc.share, func(t *testing.T) {
			model := filepath.Join(dir, "v"+tc.share+".bin")
			out := runOK(t, "train-verifier", "-strong", "big", "-weak", "small", "-share", tc.share, "-o", model, data)
			assert.Contains(t, out, fmt.Sprintf("escalates %.1f%% of the training answers", 100*tc.want))
			m, err := verify.Load(model)
			require.NoError(t, err)
			assert.Equal(t, tc.want, m.Info().Share)
			escalated := 0
			for i := range 40 {
				var rec struct {
					Prompt   string
					Outcomes map[string]struct{ Answer string }
				}
				line := strings.Split(b.String(), "\n")[i]
				require.NoError(t, jsonUnmarshal(line, &rec))
				if m.Score(rec.Prompt, rec.Outcomes["small"].Answer) > m.Cutoff() {
					escalated++
				}
			}
			assert.InDelta(t, tc.want*40, escalated, 2, "escalated %d of 40 at cutoff %v", escalated, m.Cutoff())
		})
	}
}

func jsonUnmarshal(s string, v any) error { return json.Unmarshal([]byte(s), v) }

// train-verifier's message gives the share of the training answers the
// saved cutoff escalates, counted, not the -share asked for: with tied
// or sparse scores (here every wrong answer is the same refusal, half the
// data) the quantile table's cutoff can be far from the share asked: the
// command printed 'escalates 30.0%' for a verifier that escalates 5 of
// these 60 answers (8.3%), as predict-verifier counts.
func TestTrainVerifierSharePrintedIsCounted(t *testing.T) {
	dir := t.TempDir()
	var b strings.Builder
	for i := range 60 {
		ws, answer := i%2, fmt.Sprintf("%d", 2*i)
		if ws == 0 {
			answer = "I'm sorry, I can't"
		}
		fmt.Fprintf(&b, `{"id":"q%d","prompt":"What is %d + %d?","outcomes":{"small":{"score":%d,"answer":%q}}}`+"\n", i, i, i, ws, answer)
	}
	data := filepath.Join(dir, "answers.jsonl")
	require.NoError(t, os.WriteFile(data, []byte(b.String()), 0o644))
	model := filepath.Join(dir, "v.bin")
	out := runOK(t, "train-verifier", "-target", "weak-fails", "-strong", "big", "-weak", "small", "-o", model, data)
	m, err := verify.Load(model)
	require.NoError(t, err)
	escalated := 0
	for i := range 60 {
		answer := fmt.Sprintf("%d", 2*i)
		if i%2 == 0 {
			answer = "I'm sorry, I can't"
		}
		if m.Score(fmt.Sprintf("What is %d + %d?", i, i), answer) > m.Cutoff() {
			escalated++
		}
	}
	assert.Contains(t, out, fmt.Sprintf("escalates %.1f%% of the training answers", 100*float64(escalated)/60))
	if escalated != 18 { // 30% of 60
		assert.Contains(t, out, "30.0% was asked for")
	}
}
