package llmrouter_test

import (
	"context"
	"testing"

	"github.com/llmrouter/llmrouter"
	"github.com/llmrouter/llmrouter/internal/anthropictest"
	"github.com/llmrouter/llmrouter/internal/openaitest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tmc/langchaingo/llms"
	"github.com/tmc/langchaingo/llms/anthropic"
	"github.com/tmc/langchaingo/llms/openai"
)

// haikuCard prices 2,000 input and 500 output tokens at $0.0016 + $0.0020.
var haikuCard = llmrouter.ModelCard{Name: "haiku", InputPerMTok: 0.8, OutputPerMTok: 4, Capabilities: llmrouter.Tools}

var weatherTool = llms.Tool{Type: "function", Function: &llms.FunctionDefinition{
	Name: "get_weather", Description: "Weather in a city",
	Parameters: map[string]any{"type": "object", "properties": map[string]any{"city": map[string]any{"type": "string"}}},
}}

// TestUsageOncePerResponse pins that a response's usage is counted once,
// however many choices the real langchaingo clients copy it onto.
func TestUsageOncePerResponse(t *testing.T) {
	tests := []struct {
		name    string
		model   func(t *testing.T) llms.Model
		opts    []llms.CallOption
		choices int
	}{
		{
			name: "anthropic: text plus tool_use, two choices",
			model: func(t *testing.T) llms.Model {
				srv := anthropictest.New(t)
				srv.Enqueue(anthropictest.Response{
					Blocks: []anthropictest.Block{
						anthropictest.Text("Let me look that up."),
						anthropictest.ToolUse("toolu_1", "get_weather", map[string]any{"city": "Paris"}),
					},
					InputTokens: 2000, OutputTokens: 500,
				})
				llm, err := anthropic.New(anthropic.WithBaseURL(srv.URL), anthropic.WithToken("test"), anthropic.WithModel("claude-3-5-haiku-latest"))
				require.NoError(t, err)
				return llm
			},
			opts:    []llms.CallOption{llms.WithTools([]llms.Tool{weatherTool})},
			choices: 2,
		},
		{
			name: "openai: llms.WithN(2), two choices",
			model: func(t *testing.T) llms.Model {
				srv := openaitest.New(t)
				srv.Enqueue(openaitest.Response{Text: "sunny", PromptTokens: 2000, CompletionTokens: 500})
				llm, err := openai.New(openai.WithBaseURL(srv.URL), openai.WithToken("test"), openai.WithModel("gpt-4o-mini"))
				require.NoError(t, err)
				return llm
			},
			opts:    []llms.CallOption{llms.WithN(2)},
			choices: 2,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := llmrouter.New([]llmrouter.Provider{llmrouter.NewProvider(haikuCard, tt.model(t))})
			require.NoError(t, err)
			resp, err := r.GenerateContent(context.Background(), human("Weather in Paris?"), tt.opts...)
			require.NoError(t, err)
			require.Len(t, resp.Choices, tt.choices, "the client copies the usage onto each of these")
			d, ok := llmrouter.DecisionFrom(resp)
			require.True(t, ok)
			want := llmrouter.Usage{InputTokens: 2000, OutputTokens: 500}
			assert.Equal(t, want, d.Usage)
			require.Len(t, d.Attempts, 1)
			assert.Equal(t, want, d.Attempts[0].Usage)
			assert.InDelta(t, 0.0036, d.Cost, 1e-12)
			assert.InDelta(t, 0.0036, d.Attempts[0].Cost, 1e-12)
			assert.InDelta(t, 0.0036, resp.Choices[0].GenerationInfo[llmrouter.InfoCostUSD], 1e-12)
		})
	}
}
