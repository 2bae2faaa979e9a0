package verify

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/llmrouter/llmrouter"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tmc/langchaingo/llms"
)

func answerTo(prompt, text string) *llmrouter.Answer {
	return &llmrouter.Answer{
		Model:    "small",
		Messages: []llms.MessageContent{llms.TextParts(llms.ChatMessageTypeHuman, prompt)},
		Response: &llms.ContentResponse{Choices: []*llms.ContentChoice{{Content: text}}},
	}
}

// rejectedScore returns the score Verify rejected with.
func rejectedScore(t *testing.T, m *Model, a *llmrouter.Answer) float64 {
	t.Helper()
	var rej *RejectedError
	require.True(t, errors.As(m.Verify(context.Background(), a), &rej))
	return rej.Score
}

// TestVerifyKeepsRejectedPrompts: a rejection keeps its prompt read, the
// next Verify of the same prompt uses it, an acceptance keeps nothing, and
// a prompt of the same length and slot is never taken for another.
func TestVerifyKeepsRejectedPrompts(t *testing.T) {
	base := Default()
	const prompt, answer = "James runs 3 sprints of 60 meters. How far?", "He runs 180 meters.\n#### 180"

	t.Run("accepting keeps nothing", func(t *testing.T) {
		m := base.WithCutoff(1)
		m.memo = new(promptMemo)
		require.NoError(t, m.Verify(context.Background(), answerTo(prompt, answer)))
		assert.Nil(t, m.memo.get(prompt))
		a := answerTo(prompt, answer)
		assert.Zero(t, testing.AllocsPerRun(20, func() {
			_ = m.Verify(context.Background(), a)
		}), "Verify allocates nothing when it accepts")
	})

	t.Run("rejecting keeps the prompt for the next attempt", func(t *testing.T) {
		m := base.WithCutoff(0)
		m.memo = new(promptMemo)
		assert.Equal(t, m.Score(prompt, answer), rejectedScore(t, m, answerTo(prompt, answer)))
		p := m.memo.get(prompt)
		require.NotNil(t, p)
		assert.Equal(t, ReadPrompt(prompt), *p)
		// The next Verify reads the kept prompt, not the text: swap in
		// another prompt's reading and its score follows.
		other := ReadPrompt("Write a Python function that sorts a list.")
		m.memo.put(prompt, &other)
		assert.Equal(t, m.ScorePrompt(&other, answer), rejectedScore(t, m, answerTo(prompt, answer)))
		assert.NotEqual(t, m.Score(prompt, answer), m.ScorePrompt(&other, answer), "the two readings must differ for this test to tell")
	})

	t.Run("a prompt of the same length is not taken for another", func(t *testing.T) {
		m := base.WithCutoff(0)
		m.memo = new(promptMemo)
		a, b := "What is 12 + 30? J", "What is 17 + 25? J"
		require.Equal(t, memoSlot(a), memoSlot(b))
		rejectedScore(t, m, answerTo(a, "It is 42."))
		assert.Nil(t, m.memo.get(b))
		assert.Equal(t, m.Score(b, "It is 42."), rejectedScore(t, m, answerTo(b, "It is 42.")))
	})

	t.Run("copies share the memo; a nil memo keeps none", func(t *testing.T) {
		m := base.WithCutoff(0)
		m.memo = new(promptMemo)
		rejectedScore(t, m, answerTo(prompt, answer))
		assert.NotNil(t, m.WithCutoff(0.5).memo.get(prompt))
		// Only the zero Model has a nil memo, and its Verify fails
		// (TestZeroModelVerify); the nil memo's get and put keep nothing.
		var none *promptMemo
		p := ReadPrompt(prompt)
		none.put(prompt, &p)
		assert.Nil(t, none.get(prompt))
	})
}

// TestVerifyMemoConcurrent verifies many prompts, sharing the memo's slots,
// from many goroutines at once (run with -race): every score is Score's.
func TestVerifyMemoConcurrent(t *testing.T) {
	m := Default().WithCutoff(0)
	m.memo = new(promptMemo)
	prompts := make([]string, 40)
	for i := range prompts {
		prompts[i] = fmt.Sprintf("Tom has %d apples and buys %d more. How many?", i, 2*i+1)
	}
	const answer = "He has 7 apples.\n#### 7"
	want := make([]float64, len(prompts))
	for i, p := range prompts {
		want[i] = m.Score(p, answer)
	}
	var wg sync.WaitGroup
	bad := make(chan string, 8)
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for r := 0; r < 50; r++ {
				k := (r*7 + g*13) % len(prompts)
				var rej *RejectedError
				if err := m.Verify(context.Background(), answerTo(prompts[k], answer)); !errors.As(err, &rej) || rej.Score != want[k] {
					select {
					case bad <- fmt.Sprintf("prompt %d: %v, want score %v", k, err, want[k]):
					default:
					}
					return
				}
			}
		}()
	}
	wg.Wait()
	close(bad)
	for msg := range bad {
		t.Error(msg)
	}
}
