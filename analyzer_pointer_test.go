package llmrouter_test

import (
	"context"
	"testing"

	"github.com/llmrouter/llmrouter"
	"github.com/llmrouter/llmrouter/routertest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A *DefaultAnalyzer is an Analyzer too (its method set holds the value's),
// and its Counter must count the answers as well as the prompt, as the
// value's does: given &DefaultAnalyzer{Counter: c}, prompts were counted
// with c and answers with the built-in estimate, so an answer's estimated
// cost came from another tokenizer than its request's.
func TestPointerDefaultAnalyzerCountsAnswers(t *testing.T) {
	ps := []llmrouter.Provider{routertest.NewProvider(cheapCard), routertest.NewProvider(strongCard)}
	for name, a := range map[string]llmrouter.Analyzer{
		"value":   llmrouter.DefaultAnalyzer{Counter: func(string) int { return 5000 }},
		"pointer": &llmrouter.DefaultAnalyzer{Counter: func(string) int { return 5000 }},
	} {
		t.Run(name, func(t *testing.T) {
			r, err := llmrouter.New(ps, llmrouter.WithAnalyzer(a))
			require.NoError(t, err)
			resp, err := r.GenerateContent(context.Background(), human("hi"))
			require.NoError(t, err)
			d, _ := llmrouter.DecisionFrom(resp)
			assert.Equal(t, 5004, d.Features.Tokens, "5,000 counted + 4 framing tokens")
			assert.Equal(t, 5000, d.Usage.OutputTokens, "the answer's tokens are estimated with the same counter")
		})
	}
}
