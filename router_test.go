package llmrouter_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/llmrouter/llmrouter"
	"github.com/llmrouter/llmrouter/routertest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tmc/langchaingo/llms"
	"github.com/tmc/langchaingo/testing/llmtest"
)

var (
	cheapCard  = llmrouter.ModelCard{Name: "cheap", InputPerMTok: 0.1, OutputPerMTok: 0.4, ContextWindow: 8000, Capabilities: llmrouter.JSONMode | llmrouter.Streaming, Quality: 0.6}
	midCard    = llmrouter.ModelCard{Name: "mid", APIModel: "mid-2024", InputPerMTok: 0.5, OutputPerMTok: 1.5, ContextWindow: 32000, Capabilities: llmrouter.Tools | llmrouter.JSONMode | llmrouter.Streaming, Quality: 0.75}
	strongCard = llmrouter.ModelCard{Name: "strong", InputPerMTok: 5, OutputPerMTok: 15, ContextWindow: 128000, Capabilities: llmrouter.Vision | llmrouter.Tools | llmrouter.JSONMode | llmrouter.Streaming, Quality: 0.9}
)

func human(text string) []llms.MessageContent {
	return []llms.MessageContent{llms.TextParts(llms.ChatMessageTypeHuman, text)}
}

func threeModels(t testing.TB, scripts ...[]routertest.Response) (*llmrouter.Router, []*routertest.Provider) {
	t.Helper()
	cards := []llmrouter.ModelCard{cheapCard, midCard, strongCard}
	fakes := make([]*routertest.Provider, 3)
	ps := make([]llmrouter.Provider, 3)
	for i, c := range cards {
		var script []routertest.Response
		if i < len(scripts) {
			script = scripts[i]
		}
		fakes[i] = routertest.NewProvider(c, script...)
		ps[i] = fakes[i]
	}
	r, err := llmrouter.New(ps)
	require.NoError(t, err)
	return r, fakes
}

func TestNewRejectsBadConfig(t *testing.T) {
	p := func(c llmrouter.ModelCard) llmrouter.Provider { return routertest.NewProvider(c) }
	badRules, err := llmrouter.NewRuleClassifier(llmrouter.RuleSet{
		Rules:  []llmrouter.Rule{{Label: "code", Keywords: []string{"golang"}}},
		Labels: map[string]map[string]float64{"code": {"cheap": 0.3, "gpt-5": 0.9}},
	})
	require.NoError(t, err)
	tests := []struct {
		name      string
		providers []llmrouter.Provider
		opts      []llmrouter.Option
		is        error
		contains  string
	}{
		{name: "no providers", is: llmrouter.ErrNoProviders},
		{name: "nil provider", providers: []llmrouter.Provider{nil}, contains: "provider 0 is nil"},
		{name: "typed nil provider", providers: []llmrouter.Provider{p(cheapCard), (*routertest.Provider)(nil)}, contains: "provider 1 is nil"},
		{name: "threshold NaN cutoff", providers: []llmrouter.Provider{p(cheapCard), p(strongCard)},
			opts: []llmrouter.Option{llmrouter.WithPolicy(llmrouter.Threshold{Strong: "strong", Weak: "cheap", Cutoff: math.NaN()})}, contains: "cutoff NaN"},
		{name: "no name", providers: []llmrouter.Provider{p(llmrouter.ModelCard{})}, contains: "no name"},
		{name: "duplicate name", providers: []llmrouter.Provider{p(cheapCard), p(cheapCard)}, contains: `duplicate model name "cheap"`},
		{name: "negative price", providers: []llmrouter.Provider{p(llmrouter.ModelCard{Name: "x", InputPerMTok: -1})}, contains: `"x": prices`},
		{name: "quality out of range", providers: []llmrouter.Provider{p(llmrouter.ModelCard{Name: "x", Quality: 1.5})}, contains: "outside [0,1]"},
		{name: "rule names unknown model", providers: []llmrouter.Provider{p(cheapCard)}, opts: []llmrouter.Option{llmrouter.WithClassifier(badRules)}, contains: `unknown model "gpt-5"`},
		{name: "threshold names unknown model", providers: []llmrouter.Provider{p(cheapCard)},
			opts: []llmrouter.Option{llmrouter.WithPolicy(llmrouter.Chain(llmrouter.Threshold{Strong: "strong", Weak: "cheap"}))}, contains: `unknown model "strong"`},
		{name: "default tier not configured", providers: []llmrouter.Provider{p(cheapCard)},
			opts: []llmrouter.Option{llmrouter.WithPolicy(llmrouter.TierFilter{Tiers: map[string][]string{"pro": {"cheap"}}, Default: "free"})}, contains: `default tier "free" is not in Tiers`},
		{name: "tier names unknown model", providers: []llmrouter.Provider{p(cheapCard)},
			opts: []llmrouter.Option{llmrouter.WithPolicy(llmrouter.TierFilter{Tiers: map[string][]string{"free": {"nano"}}})}, contains: `unknown model "nano"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := llmrouter.New(tt.providers, tt.opts...)
			require.Error(t, err)
			assert.Nil(t, r)
			if tt.is != nil {
				assert.ErrorIs(t, err, tt.is)
			}
			assert.Contains(t, err.Error(), tt.contains)
		})
	}
}

func TestRuleClassifierRejectsBadRules(t *testing.T) {
	tests := []struct {
		name string
		set  llmrouter.RuleSet
		want string
	}{
		{"no label", llmrouter.RuleSet{Rules: []llmrouter.Rule{{}}}, "rule 0 has no label"},
		{"label without row", llmrouter.RuleSet{Rules: []llmrouter.Rule{{Label: "x"}}}, `label "x" has no row`},
		{"bad pattern", llmrouter.RuleSet{Rules: []llmrouter.Rule{{Label: "x", Pattern: "("}}, Labels: map[string]map[string]float64{"x": {}}}, "pattern"},
		{"three-word keyword", llmrouter.RuleSet{Rules: []llmrouter.Rule{{Label: "x", Keywords: []string{"a b c"}}}, Labels: map[string]map[string]float64{"x": {}}}, "one or two words"},
		{"quality out of range", llmrouter.RuleSet{Labels: map[string]map[string]float64{"x": {"m": 2}}}, "outside [0,1]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := llmrouter.NewRuleClassifier(tt.set)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}

func TestRouteRejectsEmptyRequests(t *testing.T) {
	r, _ := threeModels(t)
	for name, msgs := range map[string][]llms.MessageContent{
		"nil":           nil,
		"no parts":      {{Role: llms.ChatMessageTypeHuman}},
		"empty text":    human(""),
		"nil part":      {{Role: llms.ChatMessageTypeHuman, Parts: []llms.ContentPart{nil}}},
		"nil pointer":   {{Role: llms.ChatMessageTypeHuman, Parts: []llms.ContentPart{(*llms.TextContent)(nil)}}},
		"nil image":     {{Role: llms.ChatMessageTypeHuman, Parts: []llms.ContentPart{(*llms.ImageURLContent)(nil)}}},
		"nil binary":    {{Role: llms.ChatMessageTypeHuman, Parts: []llms.ContentPart{(*llms.BinaryContent)(nil)}}},
		"nil tool call": {{Role: llms.ChatMessageTypeAI, Parts: []llms.ContentPart{(*llms.ToolCall)(nil)}}},
		"system empty":  {llms.TextParts(llms.ChatMessageTypeSystem, "")},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := r.Route(context.Background(), msgs)
			assert.ErrorIs(t, err, llmrouter.ErrNoMessages)
			_, err = r.GenerateContent(context.Background(), msgs)
			assert.ErrorIs(t, err, llmrouter.ErrNoMessages)
		})
	}
}

// A nil image pointer beside the text is no image: it used to count as
// one, so the request needed a vision model and every other was removed.
func TestNilImagePointerIsNoImage(t *testing.T) {
	r, _ := threeModels(t)
	msgs := []llms.MessageContent{{Role: llms.ChatMessageTypeHuman, Parts: []llms.ContentPart{llms.TextPart("hi"), (*llms.ImageURLContent)(nil)}}}
	d, err := r.Route(context.Background(), msgs)
	require.NoError(t, err)
	assert.Zero(t, d.Features.Images)
	for _, c := range d.Candidates {
		assert.Empty(t, c.Removed, c.Model)
	}
}

func TestNoCandidateListsEveryReason(t *testing.T) {
	r, fakes := threeModels(t)
	ctx := llmrouter.WithHints(context.Background(), llmrouter.Hints{LatencyBudget: time.Second})
	msgs := []llms.MessageContent{{Role: llms.ChatMessageTypeHuman, Parts: []llms.ContentPart{
		llms.TextPart("What is in this picture?"), llms.ImageURLPart("https://example.com/a.png"),
	}}}
	ctx = llmrouter.WithHints(ctx, llmrouter.Hints{MaxCost: 1e-9})
	_, err := r.GenerateContent(ctx, msgs)
	require.ErrorIs(t, err, llmrouter.ErrNoCandidate)
	var nc *llmrouter.NoCandidateError
	require.ErrorAs(t, err, &nc)
	require.Len(t, nc.Candidates, 3)
	msg := err.Error()
	assert.Contains(t, msg, "cheap: lacks vision")
	assert.Contains(t, msg, "mid: lacks vision")
	assert.Contains(t, msg, "strong: estimated cost")
	assert.Contains(t, msg, "cheap: lacks vision (set ModelCard.Capabilities to include llmrouter.Vision)")
	assert.Equal(t, []string{"lacks vision (set ModelCard.Capabilities to include llmrouter.Vision)", nc.Candidates[2].Removed}, nc.Reasons())
	for _, f := range fakes {
		assert.Zero(t, f.CallCount(), "no model may be called")
	}
}

func TestFallbackToNextModelOnError(t *testing.T) {
	boom := errors.New("API returned unexpected status code: 503: overloaded")
	r, fakes := threeModels(t, []routertest.Response{routertest.Fail(boom)}, []routertest.Response{{Text: "from mid", InputTokens: 10, OutputTokens: 5}})
	resp, err := r.GenerateContent(context.Background(), human("hi"))
	require.NoError(t, err)
	assert.Equal(t, "from mid", resp.Choices[0].Content)
	d, ok := llmrouter.DecisionFrom(resp)
	require.True(t, ok)
	assert.Equal(t, "cheap", d.Model, "the plan chose cheap first")
	assert.Equal(t, "mid", d.Answered)
	require.Len(t, d.Attempts, 2)
	assert.ErrorIs(t, d.Attempts[0].Err, boom)
	assert.Zero(t, d.Attempts[0].Cost, "a failed call is not billed")
	assert.Zero(t, d.Attempts[0].Usage)
	assert.NoError(t, d.Attempts[1].Err)
	assert.InDelta(t, midCard.Cost(10, 5), d.Cost, 1e-15, "the decision's cost is the answering call's")
	assert.Equal(t, 1, fakes[0].CallCount())
	assert.Equal(t, 1, fakes[1].CallCount())
	assert.Zero(t, fakes[2].CallCount())

	info := resp.Choices[0].GenerationInfo
	assert.Equal(t, d.ID, info[llmrouter.InfoDecisionID])
	assert.Equal(t, "mid", info[llmrouter.InfoModel])
	assert.InDelta(t, d.Cost, info[llmrouter.InfoCostUSD], 1e-15)
	assert.Equal(t, 10, info["PromptTokens"], "the provider's own keys are kept")
	assert.Contains(t, d.Explain(), "answered:   mid")
}

func TestAllFailedListsEveryAttempt(t *testing.T) {
	errs := []error{errors.New("e-cheap"), llms.ErrRateLimit, errors.New("e-strong")}
	r, _ := threeModels(t, []routertest.Response{routertest.Fail(errs[0])}, []routertest.Response{routertest.Fail(errs[1])}, []routertest.Response{routertest.Fail(errs[2])})
	_, err := r.GenerateContent(context.Background(), human("hi"))
	require.ErrorIs(t, err, llmrouter.ErrAllFailed)
	assert.ErrorIs(t, err, errs[2], "the last failure decides")
	assert.NotErrorIs(t, err, errs[0])
	assert.NotErrorIs(t, err, llms.ErrRateLimit, "an earlier attempt's cause is listed, not matched")
	var af *llmrouter.AllFailedError
	require.ErrorAs(t, err, &af)
	require.Len(t, af.Attempts, 3)
	assert.Equal(t, llms.ErrCodeRateLimit, af.Attempts[1].Code)
	assert.Contains(t, err.Error(), "(3 attempts); 1. cheap [unknown]: e-cheap; 2. mid [rate_limit]")
}

func TestCancellationStopsAtOnce(t *testing.T) {
	r, fakes := threeModels(t, []routertest.Response{{Block: true}})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := r.GenerateContent(ctx, human("hi"))
		done <- err
	}()
	// Wait until the first model holds the call, then cancel.
	for fakes[0].CallCount() == 0 {
		runtimeGosched()
	}
	cancel()
	err := <-done
	require.ErrorIs(t, err, context.Canceled)
	assert.Zero(t, fakes[1].CallCount(), "no attempt after the caller cancelled")
	assert.Zero(t, fakes[2].CallCount())

	// Already cancelled: no call at all.
	_, err = r.GenerateContent(ctx, human("hi"))
	require.ErrorIs(t, err, context.Canceled)
	assert.Equal(t, 1, fakes[0].CallCount())
}

func TestStreaming(t *testing.T) {
	t.Run("chunks reach the caller", func(t *testing.T) {
		r, _ := threeModels(t, []routertest.Response{{Text: "Hello world", Chunks: []string{"Hello", " world"}}})
		var got []string
		resp, err := r.GenerateContent(context.Background(), human("hi"), llms.WithStreamingFunc(func(_ context.Context, c []byte) error {
			got = append(got, string(c))
			return nil
		}))
		require.NoError(t, err)
		assert.Equal(t, []string{"Hello", " world"}, got)
		assert.Equal(t, "Hello world", resp.Choices[0].Content)
	})
	t.Run("failure before any chunk falls back", func(t *testing.T) {
		r, fakes := threeModels(t, []routertest.Response{routertest.Fail(nil)}, []routertest.Response{{Text: "ok", Chunks: []string{"o", "k"}}})
		var got strings.Builder
		_, err := r.GenerateContent(context.Background(), human("hi"), llms.WithStreamingFunc(func(_ context.Context, c []byte) error {
			got.Write(c)
			return nil
		}))
		require.NoError(t, err)
		assert.Equal(t, "ok", got.String())
		assert.Equal(t, 1, fakes[1].CallCount())
	})
	t.Run("failure after a chunk does not fall back", func(t *testing.T) {
		cut := errors.New("stream cut")
		r, fakes := threeModels(t, []routertest.Response{{Chunks: []string{"partial"}, Err: cut}})
		_, err := r.GenerateContent(context.Background(), human("hi"), llms.WithStreamingFunc(func(context.Context, []byte) error { return nil }))
		require.ErrorIs(t, err, llmrouter.ErrStreamStarted)
		require.ErrorIs(t, err, cut)
		assert.Zero(t, fakes[1].CallCount())
		assert.Zero(t, fakes[2].CallCount())
	})
}

func TestOptionsForwardedWithModelPerTarget(t *testing.T) {
	r, fakes := threeModels(t, []routertest.Response{routertest.Fail(nil)})
	_, err := r.GenerateContent(context.Background(), human("hi"),
		llms.WithModel("caller-model"), llms.WithTemperature(0.3), llms.WithMaxTokens(99), llms.WithStopWords([]string{"END"}))
	require.NoError(t, err)
	cheap, mid := fakes[0].Calls(), fakes[1].Calls()
	require.Len(t, cheap, 1)
	require.Len(t, mid, 1)
	assert.Equal(t, "", cheap[0].Options.Model, "no APIModel: the caller's model name is cleared")
	assert.Equal(t, "mid-2024", mid[0].Options.Model)
	for _, c := range []routertest.Call{cheap[0], mid[0]} {
		assert.Equal(t, 0.3, c.Options.Temperature)
		assert.Equal(t, 99, c.Options.MaxTokens)
		assert.Equal(t, []string{"END"}, c.Options.StopWords)
	}
}

func TestCostFromUsageOrEstimate(t *testing.T) {
	r, _ := threeModels(t, []routertest.Response{{Text: "reported", InputTokens: 1_000_000, OutputTokens: 1_000_000}})
	resp, err := r.GenerateContent(context.Background(), human("hi"))
	require.NoError(t, err)
	d, _ := llmrouter.DecisionFrom(resp)
	assert.InDelta(t, 0.5, d.Cost, 1e-12, "1M in × $0.1 + 1M out × $0.4")
	assert.False(t, d.Usage.Estimated)

	r, _ = threeModels(t, []routertest.Response{{Text: strings.Repeat("word ", 100)}})
	resp, err = r.GenerateContent(context.Background(), human("hi"))
	require.NoError(t, err)
	d, _ = llmrouter.DecisionFrom(resp)
	assert.True(t, d.Usage.Estimated)
	assert.Equal(t, 125, d.Usage.OutputTokens, "500 ASCII bytes / 4")
	assert.Positive(t, d.Usage.InputTokens)
	assert.InDelta(t, cheapCard.Cost(d.Usage.InputTokens, 125), d.Cost, 1e-15)
}

// A provider reporting negative token counts made the decision's cost
// negative (a budget charging it credited the user). Both counts bad: the
// usage is estimated, as when none is reported.
func TestCostNeverNegativeFromBadUsage(t *testing.T) {
	r, _ := threeModels(t, []routertest.Response{{Text: "reported", InputTokens: -1_000_000, OutputTokens: -1_000_000}})
	resp, err := r.GenerateContent(context.Background(), human("hi"))
	require.NoError(t, err)
	d, _ := llmrouter.DecisionFrom(resp)
	assert.True(t, d.Usage.Estimated)
	assert.Positive(t, d.Cost)
}

func TestSinkSeesEveryDecision(t *testing.T) {
	var mu sync.Mutex
	var got []*llmrouter.Decision
	sink := llmrouter.SinkFunc(func(d *llmrouter.Decision) { mu.Lock(); got = append(got, d); mu.Unlock() })
	p := routertest.NewProvider(cheapCard, routertest.Response{Text: "a"}, routertest.Fail(nil))
	r, err := llmrouter.New([]llmrouter.Provider{p}, llmrouter.WithSink(sink))
	require.NoError(t, err)
	_, err = r.GenerateContent(context.Background(), human("one"))
	require.NoError(t, err)
	_, err = r.GenerateContent(context.Background(), human("two"))
	require.Error(t, err)
	require.Len(t, got, 2)
	assert.NoError(t, got[0].Err)
	assert.Equal(t, "cheap", got[0].Answered)
	assert.ErrorIs(t, got[1].Err, llmrouter.ErrAllFailed)
	assert.Empty(t, got[1].Answered)
}

func TestClockAndIDInjected(t *testing.T) {
	clock := routertest.NewClock(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC))
	p := routertest.NewProvider(cheapCard, routertest.Response{Text: "a", Latency: 250 * time.Millisecond}).WithClock(clock)
	n := 0
	r, err := llmrouter.New([]llmrouter.Provider{p}, llmrouter.WithClock(clock),
		llmrouter.WithIDGenerator(func() string { n++; return fmt.Sprintf("id-%d", n) }))
	require.NoError(t, err)
	resp, err := r.GenerateContent(context.Background(), human("hi"))
	require.NoError(t, err)
	d, _ := llmrouter.DecisionFrom(resp)
	assert.Equal(t, "id-1", d.ID)
	assert.Equal(t, time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), d.Time)
	assert.Equal(t, 250*time.Millisecond, d.Attempts[0].Latency)
	assert.Equal(t, 250*time.Millisecond, d.Latency)
}

func TestDefaultIDsAreUnique(t *testing.T) {
	r, _ := threeModels(t)
	seen := map[string]bool{}
	for range 100 {
		d, err := r.Route(context.Background(), human("hi"))
		require.NoError(t, err)
		require.False(t, seen[d.ID], "duplicate id %s", d.ID)
		seen[d.ID] = true
	}
}

// TestConcurrentUse shares one Router between hundreds of goroutines; run
// with -race.
func TestConcurrentUse(t *testing.T) {
	var mu sync.Mutex
	answered := map[string]int{}
	sink := llmrouter.SinkFunc(func(d *llmrouter.Decision) { mu.Lock(); answered[d.Answered]++; mu.Unlock() })
	shared := &llms.ContentResponse{Choices: []*llms.ContentChoice{{Content: "shared", GenerationInfo: map[string]any{"PromptTokens": 3, "CompletionTokens": 4}}}}
	ps := []llmrouter.Provider{
		routertest.NewProvider(cheapCard, routertest.Fail(nil), routertest.Response{Text: "c"}),
		// A provider returning one shared response object: the router must
		// never write into it.
		llmrouter.NewProvider(midCard, llmrouterModelFunc(func() *llms.ContentResponse { return shared })),
		routertest.NewProvider(strongCard, routertest.Response{Text: "s"}),
	}
	r, err := llmrouter.New(ps, llmrouter.WithSink(sink))
	require.NoError(t, err)
	prompts := []string{"hi", "Prove Fermat's little theorem and explain why it holds, step by step.", "Write a Go function with a unit test for quicksort."}
	const goroutines, each = 300, 20
	var wg sync.WaitGroup
	errs := make(chan error, goroutines*each)
	for g := range goroutines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				resp, err := r.GenerateContent(context.Background(), human(prompts[(g+i)%len(prompts)]))
				if err != nil {
					errs <- err
					continue
				}
				if _, ok := llmrouter.DecisionFrom(resp); !ok {
					errs <- errors.New("no decision")
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	total := 0
	for _, n := range answered {
		total += n
	}
	assert.Equal(t, goroutines*each, total)
	assert.Len(t, shared.Choices[0].GenerationInfo, 2, "the provider's map was never written")
}

type llmrouterModelFunc func() *llms.ContentResponse

func (f llmrouterModelFunc) GenerateContent(context.Context, []llms.MessageContent, ...llms.CallOption) (*llms.ContentResponse, error) {
	return f(), nil
}

func (f llmrouterModelFunc) Call(ctx context.Context, prompt string, opts ...llms.CallOption) (string, error) {
	return llms.GenerateFromSinglePrompt(ctx, f, prompt, opts...)
}

func TestNoPanicOnOddInput(t *testing.T) {
	r, _ := threeModels(t)
	big := strings.Repeat("All work and no play makes Jack a dull boy. ", 1<<20/44)
	inputs := map[string][]llms.MessageContent{
		"1 MB prompt":     human(big),
		"invalid UTF-8":   human("\xff\xfe\xfd abc \xc3\x28 \xe2\x82"),
		"only whitespace": human("   \n\t  "),
		"nil parts mixed": {{Role: llms.ChatMessageTypeHuman, Parts: []llms.ContentPart{nil, llms.TextPart("hi"), (*llms.TextContent)(nil)}}},
		"binary parts":    {{Role: llms.ChatMessageTypeHuman, Parts: []llms.ContentPart{llms.BinaryPart("application/pdf", make([]byte, 4096)), llms.BinaryPart("image/png", nil)}}},
		"tool history": {
			llms.TextParts(llms.ChatMessageTypeHuman, "weather?"),
			{Role: llms.ChatMessageTypeAI, Parts: []llms.ContentPart{llms.ToolCall{ID: "1", Type: "function"}}},
			{Role: llms.ChatMessageTypeTool, Parts: []llms.ContentPart{llms.ToolCallResponse{ToolCallID: "1", Content: "sunny"}}},
		},
		"system only":  {llms.TextParts(llms.ChatMessageTypeSystem, "You are terse.")},
		"unknown role": {{Role: "alien", Parts: []llms.ContentPart{llms.TextPart("zzz")}}},
	}
	for name, msgs := range inputs {
		t.Run(name, func(t *testing.T) {
			assert.NotPanics(t, func() {
				d, err := r.Route(context.Background(), msgs)
				if err == nil {
					_ = d.Explain()
				}
				_, _ = r.GenerateContent(context.Background(), msgs)
			})
		})
	}
}

// TestLangchaingoModelSuite runs langchaingo's own model test suite over a
// Router of fake providers.
func TestLangchaingoModelSuite(t *testing.T) {
	ps := []llmrouter.Provider{
		routertest.NewProvider(cheapCard, routertest.Response{Text: "Hello", InputTokens: 5, OutputTokens: 1}),
		routertest.NewProvider(strongCard, routertest.Response{Text: "Hello", InputTokens: 5, OutputTokens: 1}),
	}
	r, err := llmrouter.New(ps)
	require.NoError(t, err)
	llmtest.TestLLM(t, r)
}

// TestRouterClockDrivesFallback checks that WithClock alone makes retries
// wait on the injected clock: no Fallback.Clock needed.
func TestRouterClockDrivesFallback(t *testing.T) {
	clock := routertest.NewClock(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC))
	p := routertest.NewProvider(cheapCard, routertest.Fail(llms.ErrRateLimit), routertest.Response{Text: "after the wait"})
	r, err := llmrouter.New([]llmrouter.Provider{p}, llmrouter.WithClock(clock),
		llmrouter.WithFallback(llmrouter.Fallback{Rand: func() float64 { return 0.5 }}))
	require.NoError(t, err)
	done := make(chan *llms.ContentResponse, 1)
	go func() {
		resp, err := r.GenerateContent(context.Background(), human("hi"))
		assert.NoError(t, err)
		done <- resp
	}()
	require.True(t, clock.WaitForWaiters(1), "the retry waits on the router's clock")
	clock.Advance(time.Minute)
	resp := <-done
	require.NotNil(t, resp)
	assert.Equal(t, "after the wait", resp.Choices[0].Content)
	assert.Equal(t, []time.Duration{125 * time.Millisecond}, clock.Waits(), "full jitter: 0.5 × the 250ms base")
}

// TestManyModels routes among more models than a Decision holds inline.
func TestManyModels(t *testing.T) {
	var ps []llmrouter.Provider
	for i := range 12 {
		ps = append(ps, routertest.NewProvider(llmrouter.ModelCard{
			Name: fmt.Sprintf("m%02d", i), InputPerMTok: float64(i + 1), OutputPerMTok: float64(2 * (i + 1)),
			Quality: 0.5 + 0.04*float64(i),
		}, routertest.Response{Text: fmt.Sprintf("from m%02d", i)}))
	}
	r, err := llmrouter.New(ps)
	require.NoError(t, err)
	easy, err := r.Route(context.Background(), human("What is the capital of France?"))
	require.NoError(t, err)
	hard, err := r.Route(context.Background(), human("Prove that the square root of 2 is irrational, and derive each step rigorously."))
	require.NoError(t, err)
	require.Len(t, easy.Candidates, 12)
	require.Len(t, easy.Plan, 12)
	assert.Less(t, easy.Plan[0].Index, hard.Plan[0].Index, "a harder prompt goes to a stronger model")
	assert.NotEqual(t, easy.Candidates[0].Quality, hard.Candidates[0].Quality, "decisions share no storage")
	resp, err := r.GenerateContent(context.Background(), human("hi"))
	require.NoError(t, err)
	d, _ := llmrouter.DecisionFrom(resp)
	assert.Equal(t, "from "+d.Answered, resp.Choices[0].Content)
}

func TestWithAnalyzerAndTokenCounter(t *testing.T) {
	var seen int
	custom := llmrouter.AnalyzerFunc(func(req *llmrouter.Request, f *llmrouter.Features) {
		seen++
		f.Text = "custom"
		f.Tokens = 9000 // too long for cheap's 8,000-token window
	})
	ps := []llmrouter.Provider{routertest.NewProvider(cheapCard), routertest.NewProvider(strongCard)}
	r, err := llmrouter.New(ps, llmrouter.WithAnalyzer(custom))
	require.NoError(t, err)
	d, err := r.Route(context.Background(), human("hi"))
	require.NoError(t, err)
	assert.Equal(t, 1, seen)
	assert.Equal(t, "custom", d.Features.Text)
	assert.Contains(t, d.Candidates[0].Removed, "context window 8000")

	counted := 0
	r, err = llmrouter.New(ps, llmrouter.WithAnalyzer(llmrouter.DefaultAnalyzer{Counter: func(s string) int { counted++; return 5000 }}))
	require.NoError(t, err)
	resp, err := r.GenerateContent(context.Background(), human("hi"))
	require.NoError(t, err)
	d, _ = llmrouter.DecisionFrom(resp)
	assert.Positive(t, counted, "the counter is used by the analyzer and the usage estimate")
	assert.Equal(t, 5004, d.Features.Tokens, "5,000 counted + 4 framing tokens")
	assert.Equal(t, 5000, d.Usage.OutputTokens, "the answer's tokens are estimated with it too")
}

// README's quickstart prints DecisionFrom(resp).Explain() without checking
// the call; after a failed call resp is nil and so is the decision.
func TestExplainNilDecision(t *testing.T) {
	d, ok := llmrouter.DecisionFrom(nil)
	require.False(t, ok)
	require.NotPanics(t, func() {
		assert.Equal(t, "no decision (the call failed before routing, or the response is not the router's)\n", d.Explain())
	})
}

// Explain's hints line shows the hints that are set, and only those: a
// request with only a cost cap read `user "", tier "", max cost …`.
func TestExplainHintsLine(t *testing.T) {
	r, _ := threeModels(t)
	for _, tc := range []struct {
		hints llmrouter.Hints
		want  string // the hints line; "" none
	}{
		{llmrouter.Hints{}, ""},
		{llmrouter.Hints{MaxCost: 0.5}, "  hints:      max cost $0.500000\n"},
		{llmrouter.Hints{LatencyBudget: time.Second}, "  hints:      latency budget 1s\n"},
		{llmrouter.Hints{Tier: "free"}, "  hints:      tier \"free\"\n"},
		{llmrouter.Hints{User: "u1", Tags: []string{"a", "b"}}, "  hints:      user \"u1\", tags a,b\n"},
		{llmrouter.Hints{User: "u1", Tier: "pro", MaxCost: 0.5}, "  hints:      user \"u1\", tier \"pro\", max cost $0.500000\n"},
	} {
		d, err := r.Route(llmrouter.WithHints(context.Background(), tc.hints), human("hi"))
		require.NoError(t, err)
		var got string
		for _, line := range strings.SplitAfter(d.Explain(), "\n") {
			if strings.HasPrefix(line, "  hints:") {
				got = line
			}
		}
		assert.Equal(t, tc.want, got, "%+v", tc.hints)
	}
}

// A cost cap or latency budget that is negative or NaN is a caller's bug
// (a remaining budget gone below zero); it used to read as "no limit". An
// infinite cost cap (a division by zero) is one too: it read as a cap,
// limiting every attempt's output to DefaultOutputCapTokens, and was
// recorded as a Max of +Inf (null in the decision's JSON).
func TestRouteRejectsBadHints(t *testing.T) {
	r, fakes := threeModels(t)
	for _, h := range []llmrouter.Hints{{MaxCost: -0.01}, {MaxCost: math.NaN()}, {MaxCost: math.Inf(1)}, {LatencyBudget: -time.Second}} {
		ctx := llmrouter.WithHints(context.Background(), h)
		_, err := r.Route(ctx, human("hi"))
		require.Error(t, err, "%+v", h)
		assert.Contains(t, err.Error(), "Hints.")
		_, err = r.GenerateContent(ctx, human("hi"))
		require.Error(t, err, "%+v", h)
	}
	for _, f := range fakes {
		assert.Zero(t, f.CallCount())
	}
}

// openai.New failing leaves a nil *openai.LLM (README's quickstart drops
// that error): a call on it fails saying so, not with a recovered
// nil-pointer panic and its stack; Route, a dry run, still works.
func TestNilModelFailsClearly(t *testing.T) {
	for _, m := range []llms.Model{nil, (*routertest.Provider)(nil)} {
		r, err := llmrouter.New([]llmrouter.Provider{llmrouter.NewProvider(cheapCard, m), llmrouter.NewProvider(strongCard, m)})
		require.NoError(t, err)
		_, err = r.Route(context.Background(), human("hi"))
		require.NoError(t, err)
		_, err = r.GenerateContent(context.Background(), human("hi"))
		require.Error(t, err)
		assert.NotErrorIs(t, err, llmrouter.ErrPanic)
		assert.Contains(t, err.Error(), `model "cheap": NewProvider was given a nil llms.Model`)
		assert.NotContains(t, err.Error(), "goroutine")
	}
}
