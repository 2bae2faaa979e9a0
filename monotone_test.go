package llmrouter_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/llmrouter/llmrouter"
	"github.com/llmrouter/llmrouter/routertest"
	"github.com/stretchr/testify/require"
)

// difficultyOnly predicts only a model-agnostic difficulty, as the default
// classifier does, leaving the router to map it onto the cards.
func difficultyOnly(d *float64) llmrouter.Classifier {
	return llmrouter.ClassifierFunc(func(_ context.Context, _ *llmrouter.Features, _ []llmrouter.ModelCard, p *llmrouter.Prediction) error {
		p.Difficulty = *d
		return nil
	})
}

// Harder must never mean weaker: sweeping the difficulty over [0,1], the
// card strength of the model a policy picks first never decreases. Under
// σ(logit s − logit d) the strong−weak quality gap peaks at middling
// difficulty and shrinks again (0.33 at d 0.82, 0.06 at d 0.99 for priors
// 0.9/0.7), so a gap cutoff once sent the hardest prompts to the weak model.
func TestDifficultyRoutingIsMonotone(t *testing.T) {
	card := func(name string, price, quality float64) llmrouter.ModelCard {
		return llmrouter.ModelCard{Name: name, InputPerMTok: price, OutputPerMTok: price, ContextWindow: 8000, Quality: quality}
	}
	weak, mid, strong := card("weak", 0.1, 0.7), card("mid", 1, 0.8), card("strong", 10, 0.9)
	cheapStrong := card("cheap-strong", 0.05, 0.9) // stronger and cheaper than "weak"
	tests := []struct {
		cards  []llmrouter.ModelCard
		policy llmrouter.Policy
	}{
		{[]llmrouter.ModelCard{weak, strong}, llmrouter.Threshold{Strong: "strong", Weak: "weak", Cutoff: 0.2}},
		{[]llmrouter.ModelCard{weak, strong}, llmrouter.Threshold{Strong: "strong", Weak: "weak", Cutoff: 0.1}},
		{[]llmrouter.ModelCard{weak, strong}, llmrouter.Threshold{Strong: "strong", Weak: "weak", Cutoff: 0.3}},
		{[]llmrouter.ModelCard{weak, mid, strong}, llmrouter.Threshold{Strong: "strong", Weak: "weak", Cutoff: 0.2}},
		{[]llmrouter.ModelCard{weak, mid, strong}, llmrouter.Threshold{Strong: "mid", Weak: "weak", Cutoff: 0.05}},
		{[]llmrouter.ModelCard{weak, strong}, llmrouter.CheapestAdequate{}},
		{[]llmrouter.ModelCard{weak, mid, strong}, llmrouter.CheapestAdequate{}},
		{[]llmrouter.ModelCard{weak, mid, strong}, llmrouter.CheapestAdequate{MinQuality: 0.5}},
		{[]llmrouter.ModelCard{weak, mid, cheapStrong}, llmrouter.CheapestAdequate{MinQuality: 0.9}},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%T%+v/%d cards", tt.policy, tt.policy, len(tt.cards)), func(t *testing.T) {
			var d float64
			ps := make([]llmrouter.Provider, len(tt.cards))
			strength := map[string]float64{}
			for i, c := range tt.cards {
				ps[i] = routertest.NewProvider(c)
				strength[c.Name] = c.Quality
			}
			r, err := llmrouter.New(ps, llmrouter.WithClassifier(difficultyOnly(&d)), llmrouter.WithPolicy(tt.policy))
			require.NoError(t, err)
			prev, prevModel := -1.0, ""
			for k := 0; k <= 200; k++ {
				d = float64(k) / 200
				dec, err := r.Route(context.Background(), human("hello"))
				require.NoError(t, err)
				s := strength[dec.Model]
				require.GreaterOrEqual(t, s, prev, "difficulty %.3f picks %s (strength %v) after %s (strength %v) at an easier difficulty", d, dec.Model, s, prevModel, prev)
				prev, prevModel = s, dec.Model
			}
		})
	}
}
