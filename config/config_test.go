package config_test

import (
	"testing"
	"time"

	"github.com/llmrouter/llmrouter"
	"github.com/llmrouter/llmrouter/budget"
	"github.com/llmrouter/llmrouter/config"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSettingsFromFile(t *testing.T) {
	tests := []struct {
		name  string
		src   string
		check func(t *testing.T, f *config.File)
	}{
		{"max_retries 0 means none, not the library default", good + "fallback:\n  max_retries: 0\n", func(t *testing.T, f *config.File) {
			fb, ok := f.FallbackSettings()
			require.True(t, ok)
			assert.Equal(t, -1, fb.MaxRetries)
			assert.Nil(t, fb.Verifier)
		}},
		{"absent fields keep the library defaults", good + "fallback:\n  attempt_timeout: 20s\n  hedge: {delay: 2s, max_extra: 2}\n  verifier: checks|trained\n", func(t *testing.T, f *config.File) {
			fb, ok := f.FallbackSettings()
			require.True(t, ok)
			assert.Equal(t, 0, fb.MaxRetries)
			assert.Equal(t, 20*time.Second, fb.AttemptTimeout)
			assert.Equal(t, llmrouter.Hedge{Delay: 2 * time.Second, MaxExtra: 2}, fb.Hedge)
			assert.NotNil(t, fb.Verifier)
		}},
		{"no fallback section: plain execution", good, func(t *testing.T, f *config.File) {
			_, ok := f.FallbackSettings()
			assert.False(t, ok)
		}},
		{"catalog fills, file wins, catalog: false opts out", good + "  - name: own\n    provider: ollama\n    api_model: gpt-4o\n    catalog: false\n", func(t *testing.T, f *config.File) {
			cards := f.Cards()
			assert.Equal(t, 0.15, cards[0].InputPerMTok)
			assert.Equal(t, 0.72, cards[0].Quality)
			assert.Equal(t, 3.0, cards[1].InputPerMTok)
			assert.Equal(t, 0.0, cards[2].InputPerMTok)
		}},
		{"threshold policy routes by the gap", good + "policy:\n  rule: threshold\n  strong: big\n  weak: mini\n  cutoff: 2\n", func(t *testing.T, f *config.File) {
			r, err := f.Build(config.BuildOptions{Fake: true})
			require.NoError(t, err)
			d, err := r.Route(t.Context(), human("Prove the Riemann hypothesis."))
			require.NoError(t, err)
			assert.Equal(t, "mini", d.Model, "a cutoff of 2 is never reached: always the weak model")
		}},
		{"a declared strength routes code to its model", good + "  - name: coder\n    provider: openai\n    api_model: gpt-4.1\n    api_key_env: OPENAI_API_KEY\n    quality: 0.8\n    capabilities: code\npolicy:\n  min_quality: 0.6\n", func(t *testing.T, f *config.File) {
			cards := f.Cards()
			assert.Equal(t, llmrouter.Vision|llmrouter.Tools|llmrouter.JSONMode|llmrouter.Streaming|llmrouter.Code, cards[2].Capabilities,
				"the strength joins the catalog's capabilities")
			r, err := f.Build(config.BuildOptions{Fake: true})
			require.NoError(t, err)
			code := human("Fix this Go code:\n```go\nfunc add(a, b int) int { return a - b }\n```")
			d, err := r.Route(t.Context(), code)
			require.NoError(t, err)
			assert.Equal(t, "coder", d.Model, "mini is adequate (0.6) and cheaper; the code model is preferred")
			assert.Equal(t, llmrouter.ReasonStrengthAdequate, d.Plan[0].Reason)
			d, err = r.Route(t.Context(), human("What is the capital of Australia?"))
			require.NoError(t, err)
			assert.Equal(t, "mini", d.Model, "no code: the cheapest adequate model")
		}},
		{"ignore_strengths orders by cost alone", good + "  - name: coder\n    provider: openai\n    api_model: gpt-4.1\n    api_key_env: OPENAI_API_KEY\n    quality: 0.8\n    capabilities: code\npolicy:\n  min_quality: 0.6\n  ignore_strengths: true\n", func(t *testing.T, f *config.File) {
			r, err := f.Build(config.BuildOptions{Fake: true})
			require.NoError(t, err)
			d, err := r.Route(t.Context(), human("Fix this Go code:\n```go\nfunc add(a, b int) int { return a - b }\n```"))
			require.NoError(t, err)
			assert.Equal(t, "mini", d.Model)
		}},
		{"budgets degrade then refuse, per user and tier", good + budgetsSection, func(t *testing.T, f *config.File) {
			r, err := f.Build(config.BuildOptions{Fake: true})
			require.NoError(t, err)
			ask := func(h llmrouter.Hints) (string, error) {
				resp, err := r.GenerateContent(llmrouter.WithHints(t.Context(), h),
					human("Prove the Riemann hypothesis, step by step, and explain why each step holds."))
				if err != nil {
					return "", err
				}
				d, _ := llmrouter.DecisionFrom(resp)
				return d.Answered, nil
			}
			alice := llmrouter.Hints{User: "alice"}
			m, err := ask(alice)
			require.NoError(t, err)
			assert.Equal(t, "big", m, "big's estimate ($0.0039) fits the $0.004 a day")
			m, err = ask(alice)
			require.NoError(t, err)
			assert.Equal(t, "mini", m, "what is left no longer pays for big: degraded to mini")
			m, err = ask(llmrouter.Hints{User: "bob"})
			require.NoError(t, err)
			assert.Equal(t, "big", m, "another user has a budget of their own")
			_, err = ask(llmrouter.Hints{User: "carol", Tier: "trial"})
			var ex *budget.ExceededError
			require.ErrorAs(t, err, &ex, "the trial tier's $0 lets no paid model run")
			assert.Contains(t, ex.Budget, "carol")
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := config.Parse("router.yaml", []byte(tt.src))
			require.NoError(t, err)
			tt.check(t, f)
		})
	}
}

func TestHugeInputRejected(t *testing.T) {
	big := make([]byte, config.MaxFileBytes+1)
	_, err := config.Parse("huge.yaml", big)
	require.ErrorContains(t, err, "huge.yaml: larger than")
}

// budgetsSection limits each user to $0.004 a day, and trial users to
// nothing; fake answers are charged their estimated usage.
const budgetsSection = `policy:
  min_quality: 0.8
budgets:
  limits:
    - scope: user
      usd: 0.004
      window: day
    - {scope: user, tier: trial, usd: 0, window: day}
    - {scope: global, usd: 100, window: month, rolling: true}
`
