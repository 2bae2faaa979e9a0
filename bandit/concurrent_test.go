package bandit_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/llmrouter/llmrouter"
	"github.com/llmrouter/llmrouter/bandit"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestConcurrentRecordFeedbackLoad: Apply, Record (the sink), Feedback,
// Stats, WriteTo and ReadFrom (a state loaded while serving) from many
// goroutines at once, with a MaxPending far below the decisions made (so
// eviction runs meanwhile): no race (run under -race), every Feedback
// succeeds or names an evicted or repeated decision, and the pending
// decisions stay within MaxPending.
func TestConcurrentRecordFeedbackLoad(t *testing.T) {
	const maxPending = 64
	p, err := bandit.New(names, bandit.Options{Seed: 5, MaxPending: maxPending, MaxExploreShare: 0.5})
	require.NoError(t, err)
	var saved bytes.Buffer
	_, err = trained(t, 3).WriteTo(&saved)
	require.NoError(t, err)
	state := saved.Bytes()

	const workers, each = 6, 150
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				id := fmt.Sprintf("%d-%d", w, i)
				r := routing(id, float64(i%2))
				if !assert.NoError(t, p.Apply(r)) {
					return
				}
				p.Record(&llmrouter.Decision{ID: id, Answered: r.Plan[0].Model, Cost: 0.001})
				err := p.Feedback(context.Background(), id, 1, "")
				if err != nil && !errors.Is(err, bandit.ErrUnknownDecision) && !errors.Is(err, bandit.ErrDuplicate) {
					t.Errorf("Feedback %s: %v", id, err)
				}
				_ = p.Stats()
				switch i % 50 {
				case 0:
					var b bytes.Buffer
					assert.NoError(t, func() error { _, err := p.WriteTo(&b); return err }())
				case 25:
					_, err := p.ReadFrom(bytes.NewReader(state))
					assert.NoError(t, err)
				}
			}
		}()
	}
	wg.Wait()
	st := p.Stats()
	assert.LessOrEqual(t, st.Pending, maxPending)
	assert.Positive(t, st.Evicted, "eviction ran meanwhile")
}
