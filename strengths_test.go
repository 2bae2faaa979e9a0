package llmrouter_test

import (
	"context"
	"strings"
	"testing"

	"github.com/llmrouter/llmrouter"
	"github.com/llmrouter/llmrouter/routertest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tmc/langchaingo/llms"
)

// strengthRouter builds a router over cards whose predicted quality is the
// card's Quality (a classifier with fixed per-model figures) and whose
// label is label, so adequacy is explicit in each test row.
func strengthRouter(t *testing.T, label string, policy llmrouter.Policy, cards ...llmrouter.ModelCard) *llmrouter.Router {
	t.Helper()
	ps := make([]llmrouter.Provider, len(cards))
	for i, c := range cards {
		ps[i] = routertest.NewProvider(c)
	}
	cl := llmrouter.ClassifierFunc(func(_ context.Context, _ *llmrouter.Features, models []llmrouter.ModelCard, p *llmrouter.Prediction) error {
		for i, m := range models {
			p.Quality[i] = m.Quality
		}
		p.Label = label
		return nil
	})
	opts := []llmrouter.Option{llmrouter.WithClassifier(cl)}
	if policy != nil {
		opts = append(opts, llmrouter.WithPolicy(policy))
	}
	r, err := llmrouter.New(ps, opts...)
	require.NoError(t, err)
	return r
}

func TestStrengthPreference(t *testing.T) {
	const (
		codePrompt  = "Fix this Go function:\n```go\nfunc add(a, b int) int { return a - b }\n```\nIt returns the wrong result; write the corrected code and a unit test."
		mathPrompt  = "Compute the integral of x^2 * sin(x) dx from 0 to pi, and solve 3x^2 - 12x + 9 = 0 for x."
		plainPrompt = "Write a short thank-you note to a colleague."
		ruPrompt    = "Напишите короткое письмо коллеге с благодарностью за помощь."
	)
	img := llms.ImageURLPart("https://example.com/a.png")
	var (
		general = llmrouter.ModelCard{Name: "general", InputPerMTok: 0.1, OutputPerMTok: 0.4, Quality: 0.8}
		coder   = llmrouter.ModelCard{Name: "coder", InputPerMTok: 1, OutputPerMTok: 4, Quality: 0.8, Capabilities: llmrouter.Code}
		weakCod = llmrouter.ModelCard{Name: "weak-coder", InputPerMTok: 0.05, OutputPerMTok: 0.2, Quality: 0.5, Capabilities: llmrouter.Code}
		mathy   = llmrouter.ModelCard{Name: "mathy", InputPerMTok: 0.5, OutputPerMTok: 2, Quality: 0.8, Capabilities: llmrouter.Math}
		polyglo = llmrouter.ModelCard{Name: "polyglot", InputPerMTok: 0.7, OutputPerMTok: 3, Quality: 0.8, Capabilities: llmrouter.Multilingual}
		longCtx = llmrouter.ModelCard{Name: "long", InputPerMTok: 0.8, OutputPerMTok: 3, Quality: 0.8, Capabilities: llmrouter.LongContext}
		seeing  = llmrouter.ModelCard{Name: "seeing", InputPerMTok: 2, OutputPerMTok: 8, Quality: 0.9, Capabilities: llmrouter.Vision}
		coder2  = llmrouter.ModelCard{Name: "coder-dear", InputPerMTok: 3, OutputPerMTok: 12, Quality: 0.9, Capabilities: llmrouter.Code}
	)
	tests := []struct {
		name   string
		cards  []llmrouter.ModelCard
		label  string
		policy llmrouter.Policy
		parts  []llms.ContentPart
		want   []string // the plan, in order
		reason string   // Plan[0]'s reason
	}{
		{"code to the adequate code model though dearer", []llmrouter.ModelCard{general, coder}, "", nil,
			[]llms.ContentPart{llms.TextPart(codePrompt)}, []string{"coder", "general"}, llmrouter.ReasonStrengthAdequate},
		{"cheapest of two adequate code models", []llmrouter.ModelCard{coder2, general, coder}, "", nil,
			[]llms.ContentPart{llms.TextPart(codePrompt)}, []string{"coder", "coder-dear", "general"}, llmrouter.ReasonStrengthAdequate},
		{"inadequate code model is not preferred", []llmrouter.ModelCard{general, weakCod}, "", nil,
			[]llms.ContentPart{llms.TextPart(codePrompt)}, []string{"general", "weak-coder"}, llmrouter.ReasonCheapestAdequate},
		{"plain text: cheapest adequate, strengths ignored", []llmrouter.ModelCard{general, coder}, "", nil,
			[]llms.ContentPart{llms.TextPart(plainPrompt)}, []string{"general", "coder"}, llmrouter.ReasonCheapestAdequate},
		{"label alone calls for the strength", []llmrouter.ModelCard{general, coder}, "code", nil,
			[]llms.ContentPart{llms.TextPart(plainPrompt)}, []string{"coder", "general"}, llmrouter.ReasonStrengthAdequate},
		{"math", []llmrouter.ModelCard{general, coder, mathy}, "", nil,
			[]llms.ContentPart{llms.TextPart(mathPrompt)}, []string{"mathy", "general", "coder"}, llmrouter.ReasonStrengthAdequate},
		{"non-Latin script to the multilingual model", []llmrouter.ModelCard{general, polyglo}, "", nil,
			[]llms.ContentPart{llms.TextPart(ruPrompt)}, []string{"polyglot", "general"}, llmrouter.ReasonStrengthAdequate},
		{"long prompt to the long-context model", []llmrouter.ModelCard{general, longCtx}, "", nil,
			[]llms.ContentPart{llms.TextPart(strings.Repeat("The quarterly report lists revenue by region. ", 800) + "Summarise it.")},
			[]string{"long", "general"}, llmrouter.ReasonStrengthAdequate},
		{"modality mismatch still filtered: code with an image goes to vision", []llmrouter.ModelCard{general, coder, seeing}, "", nil,
			[]llms.ContentPart{llms.TextPart(codePrompt), img}, []string{"seeing"}, llmrouter.ReasonCheapestAdequate},
		{"IgnoreStrengths keeps the plain order", []llmrouter.ModelCard{general, coder}, "",
			llmrouter.DefaultPolicy(llmrouter.CheapestAdequate{IgnoreStrengths: true}),
			[]llms.ContentPart{llms.TextPart(codePrompt)}, []string{"general", "coder"}, llmrouter.ReasonCheapestAdequate},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := strengthRouter(t, tt.label, tt.policy, tt.cards...)
			d, err := r.Route(context.Background(), []llms.MessageContent{{Role: llms.ChatMessageTypeHuman, Parts: tt.parts}})
			require.NoError(t, err)
			var got []string
			for _, s := range d.Plan {
				got = append(got, s.Model)
			}
			assert.Equal(t, tt.want, got)
			assert.Equal(t, tt.reason, d.Plan[0].Reason)
		})
	}
}

// A strength is never required: a code request with no code model on the
// router is served as before.
func TestStrengthNeverRequired(t *testing.T) {
	r := strengthRouter(t, "code", nil,
		llmrouter.ModelCard{Name: "a", InputPerMTok: 0.1, Quality: 0.8},
		llmrouter.ModelCard{Name: "b", InputPerMTok: 1, Quality: 0.9, Capabilities: llmrouter.Math})
	d, err := r.Route(context.Background(), []llms.MessageContent{llms.TextParts(llms.ChatMessageTypeHuman, "func main() { fmt.Println(1) }")})
	require.NoError(t, err)
	assert.Equal(t, "a", d.Plan[0].Model)
	assert.Equal(t, llmrouter.ReasonCheapestAdequate, d.Plan[0].Reason)
	for _, c := range d.Candidates {
		assert.Empty(t, c.Removed, c.Model)
	}
}
