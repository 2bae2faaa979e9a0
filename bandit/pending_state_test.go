package bandit_test

import (
	"bytes"
	"context"
	"testing"

	"github.com/llmrouter/llmrouter"
	"github.com/llmrouter/llmrouter/bandit"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Decisions still waiting for their grade are saved with the state: a
// grade that arrives after a restart (into a policy whose models are listed
// in another order, too) joins its decision and teaches the arm exactly as
// it would have before the restart.
func TestPendingSurvivesSaveLoad(t *testing.T) {
	opt := bandit.Options{Seed: 3, CostWeight: 10}
	// canon writes p's state as a policy over names (in that order) reads it.
	canon := func(t *testing.T, p *bandit.Policy) []byte {
		var b bytes.Buffer
		_, err := p.WriteTo(&b)
		require.NoError(t, err)
		c, err := bandit.New(names, opt)
		require.NoError(t, err)
		_, err = c.ReadFrom(&b)
		require.NoError(t, err)
		b.Reset()
		_, err = c.WriteTo(&b)
		require.NoError(t, err)
		return b.Bytes()
	}
	for _, tt := range []struct {
		name     string
		order    []string
		feedback bool   // Feedback (the answered model, from Record) or Update (a named model)
		model    string // the model Update names; "" the Base's choice (its context holds the warm start's bump)
	}{
		{"feedback", names, true, ""},
		{"update", names, false, "c"},
		{"feedback, models reordered", []string{"c", "a", "b"}, true, ""},
		{"update, models reordered", []string{"b", "c", "a"}, false, "c"},
		{"update the Base's choice, models reordered", []string{"b", "c", "a"}, false, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			p, err := bandit.New(names, opt)
			require.NoError(t, err)
			live := ""
			for _, id := range []string{"d0", "d1"} {
				r := routing(id, 1, 0.01, 0.02, 0.03)
				require.NoError(t, llmrouter.DefaultPolicy().Apply(r))
				live = r.Plan[0].Model
				r.Plan = nil
				require.NoError(t, p.Apply(r))
			}
			if tt.model == "" {
				tt.model = live
			}
			p.Record(&llmrouter.Decision{ID: "d1", Answered: "b", Cost: 0.025})
			require.NoError(t, p.Update("d0", "a", 0.7)) // graded before the save
			var buf bytes.Buffer
			_, err = p.WriteTo(&buf)
			require.NoError(t, err)

			q, err := bandit.New(tt.order, opt)
			require.NoError(t, err)
			_, err = q.ReadFrom(bytes.NewReader(buf.Bytes()))
			require.NoError(t, err)
			assert.Equal(t, 2, q.Stats().Pending)
			require.ErrorIs(t, q.Update("d0", "a", 0.7), bandit.ErrDuplicate, "the grade before the save is remembered")
			if tt.feedback {
				require.NoError(t, p.Feedback(context.Background(), "d1", 0.9, ""))
				require.NoError(t, q.Feedback(context.Background(), "d1", 0.9, ""))
			} else {
				require.NoError(t, p.Update("d1", tt.model, 0.4))
				require.NoError(t, q.Update("d1", tt.model, 0.4))
				require.ErrorIs(t, q.Update("d1", tt.model, 0.4), bandit.ErrDuplicate)
			}
			assert.Equal(t, canon(t, p), canon(t, q), "the same arms, counters and pending decisions")
		})
	}
}
