package config_test

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/llmrouter/llmrouter/config"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tmc/langchaingo/llms"
)

var update = flag.Bool("update", false, "rewrite testdata/broken.golden")

// good is a valid head the broken files below vary.
const good = `models:
  - name: mini
    provider: openai
    api_model: gpt-4o-mini
    api_key_env: OPENAI_API_KEY
    quality: 0.72
  - name: big
    provider: anthropic
    api_model: claude-sonnet-4-0
    api_key_env: ANTHROPIC_API_KEY
    quality: 0.88
`

// brokenFiles are configurations with mistakes operators make; each must
// fail with errors that name the line and the field (the golden file
// holds the exact messages).
var brokenFiles = []struct {
	name, src string
	want      []string // substrings of the errors, in order: "line: field"
}{
	{"unknown top-level field", good + "polcy:\n  rule: threshold\n", []string{"router.yaml:12: polcy: unknown field"}},
	{"unknown model field", strings.Replace(good, "    quality: 0.72\n", "    qualty: 0.72\n", 1), []string{":6: models[0].qualty: unknown field"}},
	{"literal key in api_key_env", strings.Replace(good, "OPENAI_API_KEY", "sk-proj-abc123DEF456ghi789JKL", 1), []string{":5: models[0].api_key_env: looks like an API key itself"}},
	{"api_key field", strings.Replace(good, "    api_key_env: OPENAI_API_KEY\n", "    api_key: sk-abc\n", 1), []string{":2: models[0].api_key_env: required for provider openai", ":5: models[0].api_key: API keys never go in the file"}},
	{"env name with a dash", strings.Replace(good, "OPENAI_API_KEY", "openai-key", 1), []string{":5: models[0].api_key_env: \"openai-key\" is not an environment variable name"}},
	{"negative price", good + "  - name: cheap\n    provider: ollama\n    price_in: -0.5\n", []string{":14: models[2].price_in: must be >= 0"}},
	{"price as text", good + "  - name: cheap\n    provider: ollama\n    price_out: cheap\n", []string{":14: models[2].price_out: want a finite number, got the text \"cheap\""}},
	{"quality above 1", strings.Replace(good, "quality: 0.88", "quality: 88", 1), []string{":11: models[1].quality: must be in (0,1], got 88"}},
	{"quality zero", strings.Replace(good, "quality: 0.72", "quality: 0", 1), []string{":6: models[0].quality: must be in (0,1], got 0"}},
	{"unknown provider kind", strings.Replace(good, "provider: anthropic", "provider: claude", 1), []string{":8: models[1].provider: unknown provider kind \"claude\""}},
	{"missing provider", good + "  - name: local\n", []string{":12: models[2].provider: required"}},
	{"duplicate model name", good + "  - name: mini\n    provider: ollama\n", []string{":12: models[2].name: \"mini\" is already models[0]"}},
	{"bad capability", good + "  - name: local\n    provider: ollama\n    capabilities: vision|audio\n", []string{":14: models[2].capabilities: unknown capability \"audio\""}},
	{"latency without unit", good + "  - name: local\n    provider: ollama\n    typical_latency: 800\n", []string{":14: models[2].typical_latency: want a duration such as \"800ms\""}},
	{"context window as float", good + "  - name: local\n    provider: ollama\n    context_window: 8.5k\n", []string{":14: models[2].context_window: want a whole number"}},
	{"tier names unknown model", good + "tiers:\n  allow:\n    free: [mini, gpt4]\n", []string{":14: tiers.allow.free[1]: unknown model \"gpt4\""}},
	{"default tier not declared", good + "tiers:\n  default: basic\n  allow:\n    free: [mini]\n", []string{":13: tiers.default: tier \"basic\" is not under tiers.allow"}},
	{"threshold unknown strong", good + "policy:\n  rule: threshold\n  strong: gpt-5\n  weak: mini\n", []string{":14: policy.strong: unknown model \"gpt-5\""}},
	{"threshold missing weak", good + "policy:\n  rule: threshold\n  strong: big\n", []string{":12: policy.weak: required with rule: threshold"}},
	{"unknown rule", good + "policy:\n  rule: cheapest\n", []string{":13: policy.rule: unknown rule \"cheapest\""}},
	{"min quality out of range", good + "policy:\n  min_quality: 1.5\n", []string{":13: policy.min_quality: must be in (0,1]"}},
	{"negative retries", good + "fallback:\n  max_retries: -1\n", []string{":13: fallback.max_retries: must be in [0,10]"}},
	{"unknown verifier", good + "fallback:\n  verifier: strict\n", []string{":13: fallback.verifier: unknown verifier \"strict\""}},
	{"backoff max below base", good + "fallback:\n  backoff:\n    base: 2s\n    max: 1s\n", []string{":15: fallback.backoff.max: 1s is less than backoff.base 2s"}},
	{"hedge not a mapping", good + "fallback:\n  hedge: 2s\n", []string{":13: fallback.hedge: want a mapping"}},
	{"budgets: unknown field", good + "budgets:\n  per_user: {day: 5}\n", []string{":13: budgets.per_user: unknown field"}},
	{"budgets: no limits", good + "budgets:\n  default_tier: free\n", []string{":12: budgets.limits: missing: declare at least one limit"}},
	{"budgets: unknown scope", good + "budgets:\n  limits:\n    - {scope: team, usd: 5, window: day}\n", []string{":14: budgets.limits[0].scope: unknown scope \"team\" (want user, tag or global)"}},
	{"budgets: unknown window", good + "budgets:\n  limits:\n    - scope: user\n      usd: 5\n      window: week\n", []string{":16: budgets.limits[0].window: unknown window \"week\" (want minute, hour, day or month)"}},
	{"budgets: negative usd", good + "budgets:\n  limits:\n    - scope: global\n      usd: -1\n      window: month\n", []string{":15: budgets.limits[0].usd: must be at least 0"}},
	{"budgets: usd missing", good + "budgets:\n  limits:\n    - scope: global\n      window: month\n", []string{":14: budgets.limits[0].usd: missing: the USD the window allows (0 lets only free models run)"}},
	{"budgets: tag scope without tag", good + "budgets:\n  limits:\n    - scope: tag\n      usd: 5\n      window: day\n", []string{":14: budgets.limits[0].tag: missing: a tag limit counts the requests carrying this tag"}},
	{"budgets: tag on user scope", good + "budgets:\n  limits:\n    - scope: user\n      tag: summary\n      usd: 5\n      window: day\n", []string{":15: budgets.limits[0].tag: only for scope: tag"}},
	{"budgets: tier not under tiers.allow", good + "tiers:\n  allow: {free: [mini]}\nbudgets:\n  limits:\n    - {scope: user, tier: fre, usd: 1, window: day}\n", []string{":16: budgets.limits[0].tier: tier \"fre\" is not under tiers.allow"}},
	{"budgets: negative ttl and max_per_request", good + "budgets:\n  ttl: -1s\n  max_per_request: -0.5\n  limits:\n    - {scope: global, usd: 5, window: day}\n",
		[]string{":13: budgets.ttl: must be positive", ":14: budgets.max_per_request: must be at least 0"}},
	{"models not a list", "models:\n  name: mini\n", []string{":2: models: want a list"}},
	{"bad base url", strings.Replace(good, "    api_key_env: OPENAI_API_KEY\n", "    api_key_env: OPENAI_API_KEY\n    base_url: localhost:8080\n", 1), []string{":6: models[0].base_url: \"localhost:8080\" is not an http(s) URL"}},
	{"empty field name", strings.Replace(good, "    quality: 0.72\n", "    quality: 0.72\n    \"\": 1\n", 1), []string{":7: models[0]: an empty field name"}},
	{"field defined twice", strings.Replace(good, "    quality: 0.72\n", "    quality: 0.72\n    quality: 0.8\n", 1), []string{":7: models[0].quality: defined twice"}},
	{"not UTF-8", strings.Replace(good, "gpt-4o-mini", "gpt-\xff", 1), []string{"router.yaml:4: not valid YAML: invalid leading UTF-8 octet (byte 20 of the line)"}},
	{"control character", good + "  - name: x\x01\n", []string{"router.yaml:12: not valid YAML: control characters are not allowed (byte 12 of the line)"}},
	{"not YAML on line 1", " %", []string{"router.yaml:1: not valid YAML: found character that cannot start any token"}},
	{"unknown anchor", good + "policy:\n  rule: *rule\n", []string{"router.yaml:13: not valid YAML: unknown anchor 'rule' referenced"}},
	{"not YAML", "models:\n  - name: mini\n   provider: openai\n", []string{"router.yaml:3: not valid YAML"}},
	{"several errors together", good + "  - name: a\n    provider: ollama\n    price_in: -1\n    quality: 2\n    max_output: -3\n",
		[]string{":14: models[2].price_in", ":15: models[2].quality", ":16: models[2].max_output"}},
}

func TestBrokenFiles(t *testing.T) {
	require.GreaterOrEqual(t, len(brokenFiles), 20)
	var golden strings.Builder
	for _, tt := range brokenFiles {
		t.Run(tt.name, func(t *testing.T) {
			_, err := config.Parse("router.yaml", []byte(tt.src))
			require.Error(t, err)
			var errs config.Errors
			require.True(t, errors.As(err, &errs), "%T", err)
			for _, e := range errs {
				assert.Positive(t, e.Line, "every error names a line: %v", e)
				if !strings.Contains(e.Msg, "not valid YAML") {
					assert.NotEmpty(t, e.Field, "every error names a field: %v", e)
				}
			}
			msg := err.Error()
			rest := msg
			for _, w := range tt.want {
				i := strings.Index(rest, w)
				require.GreaterOrEqual(t, i, 0, "want %q in\n%s", w, msg)
				rest = rest[i+len(w):]
			}
			fmt.Fprintf(&golden, "== %s\n%s\n", tt.name, msg)
		})
	}
	path := filepath.Join("testdata", "broken.golden")
	if *update {
		require.NoError(t, os.WriteFile(path, []byte(golden.String()), 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run go test ./config -run TestBrokenFiles -update")
	assert.Equal(t, string(want), golden.String())
}

func human(s string) []llms.MessageContent {
	return []llms.MessageContent{llms.TextParts(llms.ChatMessageTypeHuman, s)}
}
