package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/llmrouter/llmrouter"
	"github.com/llmrouter/llmrouter/config"
	"github.com/llmrouter/llmrouter/internal/anthropictest"
	"github.com/llmrouter/llmrouter/internal/openaitest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tmc/langchaingo/llms"
)

// TestRouterYAMLAgainstLocalServers builds router.yaml's Router with its
// real langchaingo clients pointed at local OpenAI and Anthropic servers,
// and checks each model is reached with its API model and key.
func TestRouterYAMLAgainstLocalServers(t *testing.T) {
	oa, an := openaitest.New(t), anthropictest.New(t)
	f, err := config.Load("router.yaml")
	require.NoError(t, err)
	for i := range f.Models { // the file's models, pointed at the local servers
		f.Models[i].BaseURL = map[string]string{config.KindOpenAI: oa.URL, config.KindAnthropic: an.URL}[f.Models[i].Provider]
	}
	env := map[string]string{"OPENAI_API_KEY": "test-openai", "ANTHROPIC_API_KEY": "test-anthropic"}
	r, err := f.Build(config.BuildOptions{LookupEnv: func(k string) (string, bool) { v, ok := env[k]; return v, ok }})
	require.NoError(t, err)

	cards := r.Models()
	require.Len(t, cards, 3)
	assert.Equal(t, 0.15, cards[0].InputPerMTok, "mini's price comes from the catalog")
	assert.Equal(t, 0.08, cards[1].CachedInputPerMTok, "haiku's cache-read price comes from the catalog")
	assert.Equal(t, 16384, cards[2].MaxOutputTokens, "the file's field wins")

	tests := []struct {
		tier, prompt, want, apiModel string
	}{
		{"free", "What is the capital of Australia?", "mini", "gpt-4o-mini"},
		{"pro", "Prove that there are infinitely many primes. First derive the construction, then prove each step rigorously and explain why it fails without adding 1.", "big", "gpt-4o"},
	}
	for _, tt := range tests {
		ctx := llmrouter.WithHints(context.Background(), llmrouter.Hints{Tier: tt.tier})
		resp, err := r.GenerateContent(ctx, []llms.MessageContent{llms.TextParts(llms.ChatMessageTypeHuman, tt.prompt)})
		require.NoError(t, err)
		d, _ := llmrouter.DecisionFrom(resp)
		assert.Equal(t, tt.want, d.Answered, tt.prompt)
		reqs := oa.Requests()
		require.NotEmpty(t, reqs)
		assert.Equal(t, tt.apiModel, reqs[len(reqs)-1].Model)
	}

	// haiku, the only anthropic model, reached with its own key.
	hr, err := f.Build(config.BuildOptions{
		LookupEnv: func(k string) (string, bool) { v, ok := env[k]; return v, ok },
		Options:   []llmrouter.Option{llmrouter.WithPolicy(llmrouter.DefaultPolicy(llmrouter.TierFilter{Tiers: map[string][]string{"x": {"haiku"}}, Default: "x"}))},
	})
	require.NoError(t, err)
	_, err = hr.GenerateContent(context.Background(), []llms.MessageContent{llms.TextParts(llms.ChatMessageTypeHuman, "hi")})
	require.NoError(t, err)
	areqs := an.Requests()
	require.Len(t, areqs, 1)
	assert.Equal(t, "claude-3-5-haiku-20241022", areqs[0].Model)
	assert.Equal(t, "test-anthropic", areqs[0].APIKey)
}

func TestMissingKeysReportedTogether(t *testing.T) {
	f, err := config.Load("router.yaml")
	require.NoError(t, err)
	_, err = f.Build(config.BuildOptions{LookupEnv: func(string) (string, bool) { return "", false }})
	require.Error(t, err)
	assert.Equal(t, "router.yaml:8: models[0].api_key_env: environment variable OPENAI_API_KEY is not set\n"+
		"router.yaml:14: models[1].api_key_env: environment variable ANTHROPIC_API_KEY is not set\n"+
		"router.yaml:20: models[2].api_key_env: environment variable OPENAI_API_KEY is not set", err.Error())
}

func TestRunDryAndDemoConfig(t *testing.T) {
	var out bytes.Buffer
	require.NoError(t, run(&out, "router.yaml", true))
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	require.Len(t, lines, 2, out.String())
	assert.True(t, strings.HasPrefix(lines[0], `[free] "What is the capital of Australia?" → mini ($`), lines[0])
	assert.Contains(t, lines[1], "[pro] ")
	assert.Contains(t, lines[1], " → big ($", "a hard request on the pro tier goes to the strong model")
	f, err := config.Load("demo.yaml")
	require.NoError(t, err)
	_, err = f.Build(config.BuildOptions{})
	require.NoError(t, err, "fake models need no keys")
}
