package llmrouter_test

import (
	"context"
	"math"
	"strconv"
	"testing"
	"time"

	"github.com/llmrouter/llmrouter"
	"github.com/llmrouter/llmrouter/internal/linear"
	"github.com/llmrouter/llmrouter/routertest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tmc/langchaingo/llms"
)

// fixed predicts the given qualities, in model order.
func fixed(q ...float64) llmrouter.Classifier {
	return llmrouter.ClassifierFunc(func(_ context.Context, _ *llmrouter.Features, _ []llmrouter.ModelCard, p *llmrouter.Prediction) error {
		copy(p.Quality, q)
		return nil
	})
}

func routing(q []float64, cost []float64, hints llmrouter.Hints) *llmrouter.Routing {
	models := []llmrouter.ModelCard{cheapCard, midCard, strongCard}
	r := &llmrouter.Routing{Features: &llmrouter.Features{Tokens: 100}, Prediction: &llmrouter.Prediction{}, Hints: hints, Models: models}
	for i, m := range models {
		r.Candidates = append(r.Candidates, llmrouter.Candidate{Model: m.Name, Index: i, Quality: q[i], Cost: cost[i]})
	}
	return r
}

func planNames(p []llmrouter.Step) []string {
	out := []string{}
	for _, s := range p {
		out = append(out, s.Model)
	}
	return out
}

func TestCheapestAdequate(t *testing.T) {
	cost := []float64{1, 2, 10}
	tests := []struct {
		name    string
		tau     float64
		quality []float64
		want    []string
		reason  string
	}{
		{"cheapest reaches τ", 0.7, []float64{0.75, 0.8, 0.95}, []string{"cheap", "mid", "strong"}, llmrouter.ReasonCheapestAdequate},
		{"only the strong reaches τ", 0.7, []float64{0.5, 0.6, 0.9}, []string{"strong", "mid", "cheap"}, llmrouter.ReasonCheapestAdequate},
		{"mid reaches τ: then strong, then cheap", 0.7, []float64{0.5, 0.72, 0.9}, []string{"mid", "strong", "cheap"}, llmrouter.ReasonCheapestAdequate},
		{"none reaches τ: best first", 0.99, []float64{0.5, 0.8, 0.7}, []string{"mid", "strong", "cheap"}, llmrouter.ReasonBestAvailable},
		{"zero τ means the default 0.7", 0, []float64{0.69, 0.7, 0.9}, []string{"mid", "strong", "cheap"}, llmrouter.ReasonCheapestAdequate},
		{"NaN quality ranks last", 0.9, []float64{math.NaN(), 0.8, 0.7}, []string{"mid", "strong", "cheap"}, llmrouter.ReasonBestAvailable},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := routing(tt.quality, cost, llmrouter.Hints{})
			require.NoError(t, llmrouter.CheapestAdequate{MinQuality: tt.tau}.Apply(r))
			assert.Equal(t, tt.want, planNames(r.Plan))
			assert.Equal(t, tt.reason, r.Plan[0].Reason)
		})
	}
}

func TestThreshold(t *testing.T) {
	tests := []struct {
		name    string
		quality []float64
		cutoff  float64
		removed int // index removed before the rule, -1 none
		want    []string
	}{
		{"gap above cutoff: strong", []float64{0.5, 0, 0.9}, 0.3, -1, []string{"strong", "cheap"}},
		{"gap below cutoff: weak", []float64{0.7, 0, 0.9}, 0.3, -1, []string{"cheap", "strong"}},
		{"gap equal to cutoff: strong", []float64{0.6, 0, 0.9}, 0.3, -1, []string{"strong", "cheap"}},
		{"weak removed: strong only", []float64{0.7, 0, 0.9}, 0.3, 0, []string{"strong"}},
		{"strong removed: weak only", []float64{0.5, 0, 0.9}, 0.3, 2, []string{"cheap"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := routing(tt.quality, []float64{1, 2, 3}, llmrouter.Hints{})
			if tt.removed >= 0 {
				r.Remove(tt.removed, "test")
			}
			require.NoError(t, llmrouter.Threshold{Strong: "strong", Weak: "cheap", Cutoff: tt.cutoff}.Apply(r))
			assert.Equal(t, tt.want, planNames(r.Plan))
		})
	}
}

func TestFilters(t *testing.T) {
	tests := []struct {
		name    string
		policy  llmrouter.Policy
		feat    llmrouter.Features
		hints   llmrouter.Hints
		removed map[string]string
	}{
		{"images need vision", llmrouter.CapabilityFilter{}, llmrouter.Features{Images: 1}, llmrouter.Hints{},
			map[string]string{"cheap": "lacks vision (set ModelCard.Capabilities to include llmrouter.Vision)", "mid": "lacks vision (set ModelCard.Capabilities to include llmrouter.Vision)"}},
		{"tools need tools", llmrouter.CapabilityFilter{}, llmrouter.Features{Tools: 2}, llmrouter.Hints{},
			map[string]string{"cheap": "lacks tools (set ModelCard.Capabilities to include llmrouter.Tools)"}},
		{"tool calls in history need tools", llmrouter.CapabilityFilter{}, llmrouter.Features{ToolCalls: 1}, llmrouter.Hints{},
			map[string]string{"cheap": "lacks tools (set ModelCard.Capabilities to include llmrouter.Tools)"}},
		{"vision and tools", llmrouter.CapabilityFilter{}, llmrouter.Features{Images: 1, Tools: 1}, llmrouter.Hints{},
			map[string]string{"cheap": "lacks vision|tools (set ModelCard.Capabilities to include llmrouter.Vision|llmrouter.Tools)", "mid": "lacks vision (set ModelCard.Capabilities to include llmrouter.Vision)"}},
		{"context window with max tokens", llmrouter.ContextWindowFilter{}, llmrouter.Features{Tokens: 7000, MaxTokens: 1001}, llmrouter.Hints{},
			map[string]string{"cheap": "context window 8000 < 8001 tokens needed"}},
		{"context window with a MaxTokens that overflows the sum", llmrouter.ContextWindowFilter{}, llmrouter.Features{Tokens: 7000, MaxTokens: math.MaxInt}, llmrouter.Hints{},
			map[string]string{"cheap": "context window 8000 < " + strconv.Itoa(math.MaxInt) + " tokens needed",
				"mid": "context window 32000 < " + strconv.Itoa(math.MaxInt) + " tokens needed", "strong": "context window 128000 < " + strconv.Itoa(math.MaxInt) + " tokens needed"}},
		{"context window fits exactly", llmrouter.ContextWindowFilter{}, llmrouter.Features{Tokens: 7000, MaxTokens: 1000}, llmrouter.Hints{}, map[string]string{}},
		{"context window default reserve", llmrouter.ContextWindowFilter{}, llmrouter.Features{Tokens: 31800}, llmrouter.Hints{},
			map[string]string{"cheap": "context window 8000 < 32056 tokens needed", "mid": "context window 32000 < 32056 tokens needed"}},
		{"budget", llmrouter.BudgetFilter{}, llmrouter.Features{}, llmrouter.Hints{MaxCost: 2.5},
			map[string]string{"strong": "estimated cost $10.000000 > limit $2.500000"}},
		{"latency", llmrouter.LatencyFilter{}, llmrouter.Features{}, llmrouter.Hints{LatencyBudget: time.Second}, map[string]string{}},
		{"tier", llmrouter.TierFilter{Tiers: map[string][]string{"free": {"cheap"}}}, llmrouter.Features{}, llmrouter.Hints{Tier: "free"},
			map[string]string{"mid": `not allowed on tier "free"`, "strong": `not allowed on tier "free"`}},
		{"tier default", llmrouter.TierFilter{Tiers: map[string][]string{"free": {"cheap", "mid"}}, Default: "free"}, llmrouter.Features{}, llmrouter.Hints{},
			map[string]string{"strong": `not allowed on tier "free"`}},
		{"unknown tier, lenient", llmrouter.TierFilter{Tiers: map[string][]string{"free": {"cheap"}}, Lenient: true}, llmrouter.Features{}, llmrouter.Hints{Tier: "gold"}, map[string]string{}},
		{"unknown tier: fails closed", llmrouter.TierFilter{Tiers: map[string][]string{"free": {"cheap"}}}, llmrouter.Features{}, llmrouter.Hints{Tier: "gold"},
			map[string]string{"cheap": `tier "gold" is not configured`, "mid": `tier "gold" is not configured`, "strong": `tier "gold" is not configured`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := routing([]float64{0.5, 0.6, 0.9}, []float64{1, 2, 10}, tt.hints)
			f := tt.feat
			r.Features = &f
			require.NoError(t, tt.policy.Apply(r))
			got := map[string]string{}
			for _, c := range r.Candidates {
				if c.Removed != "" {
					got[c.Model] = c.Removed
				}
			}
			assert.Equal(t, tt.removed, got)
		})
	}
}

func TestLatencyFilterRemovesSlowModels(t *testing.T) {
	slow := strongCard
	slow.TypicalLatency = 3 * time.Second
	r := &llmrouter.Routing{Features: &llmrouter.Features{}, Hints: llmrouter.Hints{LatencyBudget: time.Second},
		Models: []llmrouter.ModelCard{cheapCard, slow}, Candidates: []llmrouter.Candidate{{Model: "cheap"}, {Model: "strong", Index: 1}}}
	require.NoError(t, llmrouter.LatencyFilter{}.Apply(r))
	assert.Empty(t, r.Candidates[0].Removed)
	assert.Equal(t, "typical latency 3s > budget 1s", r.Candidates[1].Removed)
}

// TestRoutingTable is the kind of table a user writes to pin their policy
// in CI: prompts and the models they must go to.
func TestRoutingTable(t *testing.T) {
	rules, err := llmrouter.NewRuleClassifier(llmrouter.RuleSet{
		Rules: []llmrouter.Rule{
			{Label: "code", Keywords: []string{"golang", "stack trace", "function"}},
			{Label: "legal", Pattern: `(?i)\b(contract|liabilit(y|ies))\b`},
			{Label: "long", When: func(f *llmrouter.Features) bool { return f.Tokens > 5000 }},
		},
		Labels: map[string]map[string]float64{
			"code":  {"cheap": 0.4, "mid": 0.85, "strong": 0.9},
			"legal": {"cheap": 0.3, "mid": 0.5, "strong": 0.95},
			"long":  {"cheap": 0.2, "mid": 0.8, "strong": 0.8},
		},
		Fallback: llmrouter.HeuristicClassifier{},
	})
	require.NoError(t, err)
	ps := []llmrouter.Provider{routertest.NewProvider(cheapCard), routertest.NewProvider(midCard), routertest.NewProvider(strongCard)}
	r, err := llmrouter.New(ps, llmrouter.WithClassifier(rules), llmrouter.WithPolicy(llmrouter.Chain(
		llmrouter.TierFilter{Tiers: map[string][]string{"free": {"cheap", "mid"}}},
		llmrouter.DefaultPolicy(),
	)))
	require.NoError(t, err)
	long := make([]byte, 30000)
	for i := range long {
		long[i] = "abcd "[i%5]
	}
	routertest.AssertRoutes(t, r, []routertest.Case{
		{Name: "greeting goes cheap", Prompt: "hello!", Want: "cheap", WantPlan: []string{"cheap", "mid", "strong"}},
		{Name: "code keyword", Prompt: "Why does my Golang program print this stack trace?", Want: "mid", WantLabel: "code"},
		{Name: "two-word keyword", Prompt: "here is a Stack Trace", Want: "mid", WantLabel: "code"},
		{Name: "pattern", Prompt: "Review the liability clause of this contract.", Want: "strong", WantLabel: "legal"},
		{Name: "pattern, free tier", Prompt: "Review the liability clause of this contract.", Hints: llmrouter.Hints{Tier: "free"},
			Want: "mid", WantPlan: []string{"mid", "cheap"}},
		{Name: "features", Prompt: string(long), Want: "mid", WantLabel: "long"},
		{Name: "image needs vision", Messages: []llms.MessageContent{{Role: llms.ChatMessageTypeHuman,
			Parts: []llms.ContentPart{llms.TextPart("what is this?"), llms.ImageURLPart("http://x/y.png")}}}, WantPlan: []string{"strong"}},
		{Name: "image on the free tier", Messages: []llms.MessageContent{{Role: llms.ChatMessageTypeHuman,
			Parts: []llms.ContentPart{llms.TextPart("what is this?"), llms.ImageURLPart("http://x/y.png")}}},
			Hints: llmrouter.Hints{Tier: "free"}, WantErr: llmrouter.ErrNoCandidate},
		{Name: "tools", Prompt: "weather in Oslo?", Options: []llms.CallOption{llms.WithTools([]llms.Tool{{Type: "function",
			Function: &llms.FunctionDefinition{Name: "weather"}}})}, Want: "mid"},
		{Name: "empty", Prompt: "", WantErr: llmrouter.ErrNoMessages},
	})
}

func TestPolicyWithoutSelectionRanksByQuality(t *testing.T) {
	ps := []llmrouter.Provider{routertest.NewProvider(cheapCard), routertest.NewProvider(midCard), routertest.NewProvider(strongCard)}
	r, err := llmrouter.New(ps, llmrouter.WithClassifier(fixed(0.9, 0.5, 0.7)), llmrouter.WithPolicy(llmrouter.CapabilityFilter{}))
	require.NoError(t, err)
	d, err := r.Route(context.Background(), human("hi"))
	require.NoError(t, err)
	assert.Equal(t, []string{"cheap", "strong", "mid"}, planNames(d.Plan))
	assert.Equal(t, llmrouter.ReasonByQuality, d.Plan[0].Reason)
}

func TestBadPolicyPlanIsAnError(t *testing.T) {
	ps := []llmrouter.Provider{routertest.NewProvider(cheapCard)}
	r, err := llmrouter.New(ps, llmrouter.WithPolicy(llmrouter.PolicyFunc(func(r *llmrouter.Routing) error {
		r.Plan = append(r.Plan, llmrouter.Step{Model: "ghost", Index: 5})
		return nil
	})))
	require.NoError(t, err)
	_, err = r.Route(context.Background(), human("hi"))
	require.ErrorContains(t, err, `"ghost"`)
}

func TestDifficultyMapsOntoCards(t *testing.T) {
	ps := []llmrouter.Provider{routertest.NewProvider(cheapCard), routertest.NewProvider(midCard), routertest.NewProvider(strongCard)}
	for _, tt := range []struct {
		d    float64
		want string
	}{{0.1, "cheap"}, {0.45, "mid"}, {0.7, "strong"}} {
		cl := llmrouter.ClassifierFunc(func(_ context.Context, _ *llmrouter.Features, _ []llmrouter.ModelCard, p *llmrouter.Prediction) error {
			p.Difficulty = tt.d
			return nil
		})
		r, err := llmrouter.New(ps, llmrouter.WithClassifier(cl))
		require.NoError(t, err)
		d, err := r.Route(context.Background(), human("hi"))
		require.NoError(t, err)
		assert.Equal(t, tt.want, d.Model, "difficulty %.2f\n%s", tt.d, d.Explain())
		for i, c := range d.Candidates {
			assert.InDelta(t, linear.QualityForDifficulty(tt.d, []float64{0.6, 0.75, 0.9}[i]), c.Quality, 1e-12)
		}
	}
}
