package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/llmrouter/llmrouter"
	"github.com/llmrouter/llmrouter/decisionlog"
	"github.com/llmrouter/llmrouter/routertest"
	"github.com/llmrouter/llmrouter/verify"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tmc/langchaingo/llms"
)

// The pipeline README documents: a deployment logs decisions with their
// answers, gets feedback, exports with decisionlog.ExportVerifier and trains
// a verifier from that file with train-verifier. The export used to write
// rows train-verifier refused ("no outcomes").
func TestTrainVerifierFromDecisionLog(t *testing.T) {
	dir := t.TempDir()
	logDir := filepath.Join(dir, "log")
	exported := filepath.Join(dir, "verifier.jsonl")
	model := filepath.Join(dir, "v.bin")
	clock := routertest.NewClock(time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC))

	// The cheap model answers right, hedges wrongly, or fails (the router
	// then falls back to the strong model, which always answers right).
	const n = 40
	cheap := routertest.NewProvider(llmrouter.ModelCard{Name: "cheap", InputPerMTok: 0.1, OutputPerMTok: 0.4, ContextWindow: 8000, Quality: 0.6}).WithClock(clock)
	strong := routertest.NewProvider(llmrouter.ModelCard{Name: "strong", InputPerMTok: 5, OutputPerMTok: 15, ContextWindow: 128000, Quality: 0.9}).WithClock(clock)
	prompts := make([]string, n)
	sums := make(map[string]int, n)
	for i := range n {
		a, b := 3+i, 7+2*i
		prompts[i] = fmt.Sprintf("What is %d + %d?", a, b)
		sums[prompts[i]] = a + b
		right := routertest.Response{Text: fmt.Sprintf("%d + %d = %d. The answer is %d.", a, b, a+b, a+b), InputTokens: 20, OutputTokens: 15, Latency: 100 * time.Millisecond}
		switch i % 4 {
		case 0, 1:
			cheap.Then(right)
		case 2:
			cheap.Then(routertest.Response{Text: "I'm not sure, maybe it is around 10? I cannot check this.", InputTokens: 20, OutputTokens: 15, Latency: 100 * time.Millisecond})
		default:
			cheap.Then(routertest.Fail(errors.New("overloaded")))
		}
		strong.Then(right)
	}

	log, err := decisionlog.Open(logDir, decisionlog.Options{PromptText: decisionlog.TextFull, AnswerText: decisionlog.TextFull, Clock: clock})
	require.NoError(t, err)
	var mu sync.Mutex
	answered := map[string]string{} // decision id → model
	r, err := llmrouter.New([]llmrouter.Provider{cheap, strong}, llmrouter.WithClock(clock),
		llmrouter.WithSink(log, llmrouter.SinkFunc(func(d *llmrouter.Decision) { mu.Lock(); answered[d.ID] = d.Answered; mu.Unlock() })))
	require.NoError(t, err)
	type graded struct {
		id    string
		score float64
	}
	var grades []graded
	for _, p := range prompts {
		resp, err := r.GenerateContent(context.Background(), []llms.MessageContent{llms.TextParts(llms.ChatMessageTypeHuman, p)})
		require.NoError(t, err)
		log.RecordAnswer(resp)
		d, ok := llmrouter.DecisionFrom(resp)
		require.True(t, ok)
		id := d.ID
		score := 0.0
		if strings.Contains(resp.Choices[0].Content, fmt.Sprintf("The answer is %d.", sums[p])) {
			score = 1
		}
		grades = append(grades, graded{id, score})
	}
	require.NoError(t, log.Close())

	// Feedback days later, from another process.
	clock.Advance(48 * time.Hour)
	fb, err := decisionlog.Open(logDir, decisionlog.Options{Clock: clock})
	require.NoError(t, err)
	for _, g := range grades {
		require.NoError(t, fb.Feedback(context.Background(), g.id, g.score, "graded"))
	}
	require.NoError(t, fb.Close())

	mu.Lock()
	byModel := map[string]int{}
	for _, m := range answered {
		byModel[m]++
	}
	mu.Unlock()
	require.Equal(t, n, byModel["cheap"]+byModel["strong"], "every request answered")
	require.Greater(t, byModel["cheap"], 10, "the cheap model answers most")
	require.Positive(t, byModel["strong"], "failed cheap calls fall back to strong")

	f, err := os.Create(exported)
	require.NoError(t, err)
	st, err := decisionlog.ExportVerifier(logDir, f)
	require.NoError(t, err)
	require.NoError(t, f.Close())
	require.Equal(t, n, st.Rows, st.String())

	tv := []string{"train-verifier", "-strong", "strong", "-weak", "cheap"}
	t.Run("weak-fails trains from the weak model's grades", func(t *testing.T) {
		var stdout, stderr bytes.Buffer
		require.Equal(t, 0, run(append(tv, "-target", "weak-fails", "-o", model, exported), &stdout, &stderr), stderr.String())
		assert.Contains(t, stdout.String(), fmt.Sprintf("%d examples from %d of %d records (%d of them with the weak model's outcome only); %d records without the weak model skipped\n",
			byModel["cheap"], byModel["cheap"], n, byModel["cheap"], byModel["strong"]))
		m, err := verify.Load(model)
		require.NoError(t, err)
		assert.Equal(t, verify.TargetWeakFails, m.Info().Target)
		assert.Equal(t, byModel["cheap"], m.Info().Rows)
		assert.Equal(t, []verify.Pair{{Strong: "strong", Weak: "cheap"}}, m.Info().Pairs)
		good := m.Score("What is 5 + 9?", "5 + 9 = 14. The answer is 14.")
		bad := m.Score("What is 5 + 9?", "I'm not sure, maybe it is around 10? I cannot check this.")
		assert.Greater(t, bad, good, "the wrong, hedged answer is the one to escalate")
	})
	t.Run("gain needs the strong model's outcome", func(t *testing.T) {
		var stdout, stderr bytes.Buffer
		require.Equal(t, 1, run(append(tv, "-o", filepath.Join(dir, "gain.bin"), exported), &stdout, &stderr))
		assert.Contains(t, stderr.String(), exported+": line ")
		assert.Contains(t, stderr.String(), "target gain needs the strong model's outcome")
		assert.Contains(t, stderr.String(), fmt.Sprintf(`only the weak model "cheap"'s outcome, not the strong model "strong"'s (as %d of %d records)`, byModel["cheap"], n))
		assert.Contains(t, stderr.String(), "-target weak-fails")
		assert.NoFileExists(t, filepath.Join(dir, "gain.bin"))
	})
	t.Run("cv needs both models", func(t *testing.T) {
		var stdout, stderr bytes.Buffer
		require.Equal(t, 1, run(append(tv, "-target", "weak-fails", "-cv", "2", exported), &stdout, &stderr))
		assert.Contains(t, stderr.String(), exported+": line ")
		assert.Contains(t, stderr.String(), "-cv and -l2-grid rate the cascade, which needs the strong model's outcome")
		assert.Contains(t, stderr.String(), "drop -cv and -l2-grid")
	})
}

// On a file mixing records with both models, the weak model alone and the
// strong model alone, train-verifier says which records it used and which
// it skipped and why: weak-only records train target weak-fails, and are
// skipped (counted) for target gain and under -cv, which rate the cascade.
func TestTrainVerifierWeakOnlyCounts(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "mixed.jsonl")
	var lines []string
	for i := range 35 {
		weak, ws := "3 * 60 = 180\n#### 180", 1
		if i%2 == 1 {
			weak, ws = "He runs a lot, I think", 0
		}
		small := fmt.Sprintf(`"small":{"score":%d,"answer":%q}`, ws, weak)
		big := `"big":{"score":1,"answer":"180"}`
		var outcomes string
		switch {
		case i < 20:
			outcomes = big + "," + small
		case i < 30:
			outcomes = small
		default:
			outcomes = big
		}
		lines = append(lines, fmt.Sprintf(`{"id":"r%d","prompt":"He runs 3 sprints of 60 meters %d times. How far?","outcomes":{%s}}`, i, i, outcomes))
	}
	require.NoError(t, os.WriteFile(data, []byte(strings.Join(lines, "\n")+"\n"), 0o644))
	tv := []string{"train-verifier", "-strong", "big", "-weak", "small"}
	tests := []struct {
		name string
		args []string
		want string
		rows int
	}{
		{"weak-fails uses them", []string{"-target", "weak-fails"},
			"30 examples from 30 of 35 records (10 of them with the weak model's outcome only); 5 records without the weak model skipped\n", 30},
		{"gain skips them", nil,
			"20 examples from 20 of 35 records; 5 records without the weak model skipped; 10 records with the weak model's outcome only skipped (target gain needs the strong model's outcome)\n", 20},
		{"cv skips them", []string{"-target", "weak-fails", "-cv", "2"},
			"20 examples from 20 of 35 records; 5 records without the weak model skipped; 10 records with the weak model's outcome only skipped (-cv and -l2-grid rate the cascade, which needs the strong model's outcome)\n", 20},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			model := filepath.Join(t.TempDir(), "v.bin")
			var stdout, stderr bytes.Buffer
			args := append(append(append([]string{}, tv...), tt.args...), "-o", model, data)
			require.Equal(t, 0, run(args, &stdout, &stderr), stderr.String())
			assert.Contains(t, stdout.String(), tt.want)
			m, err := verify.Load(model)
			require.NoError(t, err)
			assert.Equal(t, tt.rows, m.Info().Rows, "the saved model trains on the examples counted")
		})
	}
}
