package bandit_test

import (
	"bytes"
	"context"
	"path/filepath"
	"testing"

	"github.com/llmrouter/llmrouter"
	"github.com/llmrouter/llmrouter/bandit"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A Policy New did not make (its zero value, documented as not usable)
// says so from every method: an error where the method returns one
// (llmrouter.New refuses it through Validate and CheckModels), a panic
// with that text where it does not. Apply, Stats, Feedback and WriteTo
// panicked with a nil pointer dereference, WriteTo holding the policy's
// lock, so a later Save or Stats hung; Validate passed, so llmrouter.New
// took the policy; Update and UpdateDecision called every model unknown.
func TestZeroPolicy(t *testing.T) {
	const want = "bandit: Policy not made by New"
	ctx := context.Background()
	cards := []llmrouter.ModelCard{{Name: "a"}, {Name: "b"}}
	errs := map[string]func(p *bandit.Policy) error{
		"Apply":    func(p *bandit.Policy) error { return p.Apply(&llmrouter.Routing{Models: cards}) },
		"Feedback": func(p *bandit.Policy) error { return p.Feedback(ctx, "x", 1, "") },
		"Update":   func(p *bandit.Policy) error { return p.Update("x", "a", 1) },
		"UpdateDecision": func(p *bandit.Policy) error {
			return p.UpdateDecision(&llmrouter.Decision{ID: "x"}, "a", 1)
		},
		"StartCall": func(p *bandit.Policy) error {
			_, err := p.StartCall(ctx, &llmrouter.Decision{}, llmrouter.Hints{})
			return err
		},
		"WriteTo":     func(p *bandit.Policy) error { _, err := p.WriteTo(&bytes.Buffer{}); return err },
		"ReadFrom":    func(p *bandit.Policy) error { _, err := p.ReadFrom(&bytes.Buffer{}); return err },
		"Save":        func(p *bandit.Policy) error { return p.Save(filepath.Join(t.TempDir(), "s")) },
		"Load":        func(p *bandit.Policy) error { return p.Load(filepath.Join(t.TempDir(), "s")) },
		"Validate":    func(p *bandit.Policy) error { return p.Validate(cards) },
		"CheckModels": func(p *bandit.Policy) error { return p.CheckModels(cards) },
	}
	for name, call := range errs {
		t.Run(name, func(t *testing.T) {
			var p bandit.Policy
			require.NotPanics(t, func() { require.ErrorContains(t, call(&p), want) })
		})
	}
	t.Run("Stats and Record", func(t *testing.T) {
		var p bandit.Policy
		assert.PanicsWithValue(t, want+" (its zero value is not usable)", func() { p.Stats() })
		assert.PanicsWithValue(t, want+" (its zero value is not usable)", func() { p.Record(&llmrouter.Decision{ID: "x"}) })
	})
	t.Run("llmrouter.New", func(t *testing.T) {
		var p bandit.Policy
		_, err := llmrouter.New([]llmrouter.Provider{llmrouter.NewProvider(cards[0], nil), llmrouter.NewProvider(cards[1], nil)},
			llmrouter.WithPolicy(&p))
		require.ErrorContains(t, err, want)
	})
}
