package llmrouter_test

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"math"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/llmrouter/llmrouter"
	"github.com/llmrouter/llmrouter/routertest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tmc/langchaingo/llms"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		require.NoError(t, os.WriteFile(path, got, 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run go test -run %s . -update to create it", t.Name())
	assert.Equal(t, string(want), string(got))
}

var goldenTime = time.Date(2025, 3, 4, 5, 6, 7, 890_000_000, time.UTC)

// goldenDecision is a deterministic resilient call: the cheap model is rate
// limited once, retried after a backoff, and answers.
func goldenDecision(t *testing.T, opts ...llmrouter.Option) (*llmrouter.Decision, *llms.ContentResponse) {
	t.Helper()
	clock := routertest.NewClock(goldenTime).SetAutoAdvance(true)
	cheap := routertest.NewProvider(cheapCard,
		routertest.Response{Err: errors.New("API returned unexpected status code: 429: slow down"), Latency: 40 * time.Millisecond},
		routertest.Response{Text: "hello", InputTokens: 12, OutputTokens: 3, Latency: 250 * time.Millisecond},
	).WithClock(clock)
	ps := []llmrouter.Provider{cheap, routertest.NewProvider(midCard).WithClock(clock), routertest.NewProvider(strongCard).WithClock(clock)}
	r, err := llmrouter.New(ps, append([]llmrouter.Option{
		llmrouter.WithClassifier(llmrouter.HeuristicClassifier{}),
		llmrouter.WithClock(clock),
		llmrouter.WithIDGenerator(func() string { return "d-golden" }),
		llmrouter.WithFallback(llmrouter.Fallback{Rand: half, NoBreaker: true}),
	}, opts...)...)
	require.NoError(t, err)
	ctx := llmrouter.WithHints(context.Background(), llmrouter.Hints{
		User: "ada@example.com", Tier: "pro", Tags: []string{"docs", "beta"}, MaxCost: 0.25, LatencyBudget: 1500 * time.Millisecond,
	})
	resp, err := r.GenerateContent(ctx, human("Say hello to the team, please."), llms.WithMaxTokens(200))
	require.NoError(t, err)
	d, ok := llmrouter.DecisionFrom(resp)
	require.True(t, ok)
	return d, resp
}

func TestDecisionJSONGolden(t *testing.T) {
	d, _ := goldenDecision(t)
	got, err := json.MarshalIndent(d, "", "  ")
	require.NoError(t, err)
	golden(t, "decision.golden.json", append(got, '\n'))

	// The documented units, read back generically.
	var m map[string]any
	require.NoError(t, json.Unmarshal(got, &m))
	assert.Equal(t, "2025-03-04T05:06:07.89Z", m["time"])
	attempts := m["attempts"].([]any)
	require.Len(t, attempts, 2)
	first, second := attempts[0].(map[string]any), attempts[1].(map[string]any)
	assert.Equal(t, 40.0, first["latency_ms"])
	assert.Equal(t, "rate_limit", first["code"])
	assert.Contains(t, first["error"], "429: slow down", "the error's message")
	assert.Equal(t, 125.0, second["wait_ms"], "half of the 250ms base backoff")
	assert.Nil(t, second["error"])
	assert.Equal(t, 1500.0, m["hints"].(map[string]any)["latency_budget_ms"])
	assert.Equal(t, "latin", m["features"].(map[string]any)["script"])
	for _, q := range m["prediction"].(map[string]any)["quality"].([]any) {
		assert.Nil(t, q, "the heuristic has no per-model opinion: NaN is written as null")
	}
	assert.InDelta(t, 12*0.1/1e6+3*0.4/1e6, m["cost_usd"], 1e-15)
}

func TestDecisionJSONRoundTrip(t *testing.T) {
	golden, _ := goldenDecision(t)
	r, _ := threeModels(t)
	routed, err := r.Route(context.Background(), human("hi"))
	require.NoError(t, err)

	failedSink := &lastSink{}
	fr, err := llmrouter.New([]llmrouter.Provider{
		routertest.NewProvider(cheapCard, fail(errors.New("API returned unexpected status code: 401: bad key"))),
		routertest.NewProvider(midCard, fail(errors.New("API returned unexpected status code: 429: slow down"))),
	}, llmrouter.WithSink(failedSink))
	require.NoError(t, err)
	_, callErr := fr.GenerateContent(context.Background(), human("hi"))
	require.Error(t, callErr)
	failed := failedSink.last()
	require.NotNil(t, failed)

	nonFinite := *routed
	nonFinite.Prediction = llmrouter.Prediction{Quality: []float64{math.NaN(), math.Inf(1), math.Inf(-1)}, Difficulty: math.Inf(1), Confidence: math.NaN()}
	nonFinite.Cost = math.Inf(1)

	for name, d := range map[string]*llmrouter.Decision{
		"golden": golden, "route only": routed, "all failed": failed, "non-finite": &nonFinite, "zero": {},
	} {
		t.Run(name, func(t *testing.T) {
			first, err := json.Marshal(d)
			require.NoError(t, err)
			var back llmrouter.Decision
			require.NoError(t, json.Unmarshal(first, &back))
			second, err := json.Marshal(&back)
			require.NoError(t, err)
			assert.JSONEq(t, string(first), string(second))
			assert.Equal(t, string(first), string(second))

			assert.Equal(t, d.ID, back.ID)
			assert.True(t, d.Time.Equal(back.Time), "%v vs %v", d.Time, back.Time)
			assert.Equal(t, d.Latency, back.Latency)
			assert.Equal(t, d.Plan, back.Plan)
			assert.Equal(t, d.Hints, back.Hints)
			require.Len(t, back.Attempts, len(d.Attempts))
			for i, a := range d.Attempts {
				b := back.Attempts[i]
				assert.Equal(t, a.Wait, b.Wait)
				assert.Equal(t, a.Code, b.Code)
				if a.Err == nil {
					assert.NoError(t, b.Err)
				} else {
					assert.EqualError(t, b.Err, a.Err.Error())
				}
			}
			if d.Err == nil {
				assert.NoError(t, back.Err)
			} else {
				assert.EqualError(t, back.Err, d.Err.Error())
			}
		})
	}

	// An error read back keeps its message and its code, not its type.
	var back llmrouter.Decision
	b, err := json.Marshal(failed)
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(b, &back))
	assert.ErrorIs(t, back.Attempts[0].Err, llms.ErrAuthentication)
	assert.ErrorIs(t, back.Attempts[1].Err, llms.ErrRateLimit)
	assert.NotErrorIs(t, back.Attempts[1].Err, llms.ErrAuthentication)
	var afe *llmrouter.AllFailedError
	assert.False(t, errors.As(back.Err, &afe), "the aggregate comes back as a message, not as *AllFailedError")
}

func TestDecisionJSONNonFinite(t *testing.T) {
	tests := []struct {
		name   string
		set    func(d *llmrouter.Decision)
		path   []string
		isNull bool
	}{
		{"NaN quality", func(d *llmrouter.Decision) { d.Prediction.Quality = []float64{math.NaN()} }, []string{"prediction", "quality", "0"}, true},
		{"+Inf quality", func(d *llmrouter.Decision) { d.Prediction.Quality = []float64{math.Inf(1)} }, []string{"prediction", "quality", "0"}, true},
		{"NaN difficulty", func(d *llmrouter.Decision) { d.Prediction.Difficulty = math.NaN() }, []string{"prediction", "difficulty"}, true},
		{"-Inf confidence", func(d *llmrouter.Decision) { d.Prediction.Confidence = math.Inf(-1) }, []string{"prediction", "confidence"}, true},
		{"+Inf cost", func(d *llmrouter.Decision) { d.Cost = math.Inf(1) }, []string{"cost_usd"}, true},
		{"+Inf candidate cost", func(d *llmrouter.Decision) { d.Candidates = []llmrouter.Candidate{{Cost: math.Inf(1)}} }, []string{"candidates", "0", "cost_usd"}, true},
		{"NaN attempt cost", func(d *llmrouter.Decision) { d.Attempts = []llmrouter.Attempt{{Cost: math.NaN()}} }, []string{"attempts", "0", "cost_usd"}, true},
		{"+Inf max cost hint", func(d *llmrouter.Decision) { d.Hints.MaxCost = math.Inf(1) }, []string{"hints", "max_cost_usd"}, true},
		{"NaN code score", func(d *llmrouter.Decision) { d.Features.Code = math.NaN() }, []string{"features", "code"}, true},
		{"finite difficulty stays", func(d *llmrouter.Decision) { d.Prediction.Difficulty = 0.25 }, []string{"prediction", "difficulty"}, false},
		{"tiny cost stays", func(d *llmrouter.Decision) { d.Cost = 1.2e-7 }, []string{"cost_usd"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var d llmrouter.Decision
			tt.set(&d)
			b, err := json.Marshal(&d)
			require.NoError(t, err)
			var m any
			require.NoError(t, json.Unmarshal(b, &m))
			for _, k := range tt.path {
				switch v := m.(type) {
				case map[string]any:
					m = v[k]
				case []any:
					m = v[k[0]-'0']
				}
			}
			if tt.isNull {
				assert.Nil(t, m, string(b))
			} else {
				assert.NotNil(t, m, string(b))
			}
			var back llmrouter.Decision
			require.NoError(t, json.Unmarshal(b, &back))
			b2, err := json.Marshal(&back)
			require.NoError(t, err)
			assert.Equal(t, string(b), string(b2))
		})
	}
	var back llmrouter.Decision
	require.NoError(t, json.Unmarshal([]byte(`{"prediction":{"difficulty":null,"quality":[null,0.5]}}`), &back))
	assert.True(t, math.IsNaN(back.Prediction.Difficulty), "null reads back as NaN, the router's 'unknown'")
	assert.True(t, math.IsNaN(back.Prediction.Quality[0]))
	assert.Equal(t, 0.5, back.Prediction.Quality[1])
}

func TestDecisionJSONBadInput(t *testing.T) {
	for name, in := range map[string]string{
		"bad time":     `{"time":"yesterday"}`,
		"bad latency":  `{"latency_ms":"fast"}`,
		"bad script":   `{"features":{"script":"klingon"}}`,
		"bad number":   `{"cost_usd":"free"}`,
		"not a object": `[1,2]`,
	} {
		t.Run(name, func(t *testing.T) {
			var d llmrouter.Decision
			assert.Error(t, json.Unmarshal([]byte(in), &d))
		})
	}
}

// The defect as reported: a decision and a routed response under the
// default classifier could not be marshalled ("json: unsupported value:
// NaN", from Prediction.Quality).
func TestDecisionJSONFromGenerateContent(t *testing.T) {
	r, _ := threeModels(t, []routertest.Response{{Text: "hi", InputTokens: 10, OutputTokens: 2}})
	resp, err := r.GenerateContent(context.Background(), human("hello there"))
	require.NoError(t, err)
	d, ok := llmrouter.DecisionFrom(resp)
	require.True(t, ok)
	require.True(t, math.IsNaN(d.Prediction.Quality[0]), "the default classifier leaves per-model quality unknown")

	b, err := json.Marshal(d)
	require.NoError(t, err)
	var back llmrouter.Decision
	require.NoError(t, json.Unmarshal(b, &back))
	assert.Equal(t, d.ID, back.ID)
	assert.Equal(t, d.Answered, back.Answered)
	assert.InDelta(t, d.Prediction.Difficulty, back.Prediction.Difficulty, 1e-12)

	rb, err := json.Marshal(resp)
	require.NoError(t, err)
	var out struct {
		Choices []struct {
			Content        string
			GenerationInfo map[string]json.RawMessage
		}
	}
	require.NoError(t, json.Unmarshal(rb, &out))
	require.Len(t, out.Choices, 1)
	assert.Equal(t, "hi", out.Choices[0].Content)
	var inner llmrouter.Decision
	require.NoError(t, json.Unmarshal(out.Choices[0].GenerationInfo[llmrouter.InfoDecision], &inner))
	assert.Equal(t, d.ID, inner.ID)
	assert.Equal(t, d.Model, inner.Model)
	require.Len(t, inner.Attempts, 1)
	assert.Equal(t, 10, inner.Attempts[0].Usage.InputTokens)
}

func TestCapabilitiesText(t *testing.T) {
	tests := []struct {
		caps Capabilities
		text string
	}{
		{0, "none"},
		{llmrouter.Vision, "vision"},
		{llmrouter.Vision | llmrouter.Tools, "vision|tools"},
		{llmrouter.Tools | llmrouter.JSONMode | llmrouter.Streaming, "tools|json|streaming"},
		{llmrouter.Vision | llmrouter.Tools | llmrouter.JSONMode | llmrouter.Streaming, "vision|tools|json|streaming"},
		{llmrouter.Tools | llmrouter.Code | llmrouter.LongContext, "tools|code|long-context"},
		{llmrouter.Math | llmrouter.Multilingual, "math|multilingual"},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			b, err := tt.caps.MarshalText()
			require.NoError(t, err)
			assert.Equal(t, tt.text, string(b))
			var back Capabilities
			require.NoError(t, back.UnmarshalText(b))
			assert.Equal(t, tt.caps, back)

			j, err := json.Marshal(llmrouter.ModelCard{Capabilities: tt.caps})
			require.NoError(t, err)
			assert.Contains(t, string(j), `"Capabilities":"`+tt.text+`"`)
		})
	}

	reads := []struct {
		text string
		caps Capabilities
		err  string
	}{
		{"", 0, ""},
		{"none", 0, ""},
		{"NONE", 0, ""},
		{"tools|vision", llmrouter.Vision | llmrouter.Tools, ""},
		{" Vision | JSON ", llmrouter.Vision | llmrouter.JSONMode, ""},
		{"code|math|multilingual|long-context", llmrouter.Code | llmrouter.Math | llmrouter.Multilingual | llmrouter.LongContext, ""},
		{"tools|Code", llmrouter.Tools | llmrouter.Code, ""},
		{"longcontext", 0, `unknown capability "longcontext"`},
		{"vision|telepathy", 0, `unknown capability "telepathy"`},
		{"vision||tools", 0, `unknown capability ""`},
		{"none|tools", 0, `unknown capability "none"`},
	}
	for _, tt := range reads {
		t.Run("read "+tt.text, func(t *testing.T) {
			c := llmrouter.Streaming // overwritten on success, kept on error
			err := c.UnmarshalText([]byte(tt.text))
			if tt.err != "" {
				require.ErrorContains(t, err, tt.err)
				assert.Equal(t, llmrouter.Streaming, c)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.caps, c)
		})
	}

	var card llmrouter.ModelCard
	require.NoError(t, json.Unmarshal([]byte(`{"Name":"m","Capabilities":"vision|tools"}`), &card))
	assert.Equal(t, llmrouter.Vision|llmrouter.Tools, card.Capabilities)
	require.ErrorContains(t, json.Unmarshal([]byte(`{"Capabilities":"tools|audio"}`), &card), `"audio"`)

	_, err := Capabilities(1 << 12).MarshalText()
	assert.ErrorContains(t, err, "unknown capability bits 0x1000")
}

// Capabilities is short for the test tables.
type Capabilities = llmrouter.Capabilities
