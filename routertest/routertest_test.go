package routertest_test

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/llmrouter/llmrouter"
	"github.com/llmrouter/llmrouter/routertest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tmc/langchaingo/llms"
)

func human(s string) []llms.MessageContent {
	return []llms.MessageContent{llms.TextParts(llms.ChatMessageTypeHuman, s)}
}

func TestProviderScript(t *testing.T) {
	boom := errors.New("boom")
	p := routertest.NewProvider(llmrouter.ModelCard{Name: "m"},
		routertest.Response{Text: "one", InputTokens: 3, OutputTokens: 1},
		routertest.Fail(boom),
		routertest.Response{Text: "last"},
	)
	ctx := context.Background()

	resp, err := p.GenerateContent(ctx, human("a"), llms.WithTemperature(0.5))
	require.NoError(t, err)
	assert.Equal(t, "one", resp.Choices[0].Content)
	assert.Equal(t, 3, resp.Choices[0].GenerationInfo["PromptTokens"])
	assert.Equal(t, 1, resp.Choices[0].GenerationInfo["CompletionTokens"])

	_, err = p.GenerateContent(ctx, human("b"))
	assert.ErrorIs(t, err, boom)

	for range 3 { // the last response repeats
		resp, err = p.GenerateContent(ctx, human("c"))
		require.NoError(t, err)
		assert.Equal(t, "last", resp.Choices[0].Content)
		assert.Nil(t, resp.Choices[0].GenerationInfo, "no usage scripted, none reported")
	}
	calls := p.Calls()
	require.Len(t, calls, 5)
	assert.Equal(t, 0.5, calls[0].Options.Temperature)
	assert.Equal(t, "a", calls[0].Messages[0].Parts[0].(llms.TextContent).Text)
	assert.Equal(t, 5, p.CallCount())

	empty := routertest.NewProvider(llmrouter.ModelCard{Name: "e"})
	out, err := empty.Call(ctx, "hi")
	require.NoError(t, err)
	assert.Equal(t, "ok", out, "an empty script answers ok")
	_, err = routertest.NewProvider(llmrouter.ModelCard{Name: "f"}, routertest.Fail(nil)).Call(ctx, "hi")
	assert.ErrorIs(t, err, routertest.ErrInjected)
}

func TestProviderStreamsAndLatency(t *testing.T) {
	clock := routertest.NewClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	p := routertest.NewProvider(llmrouter.ModelCard{Name: "m"},
		routertest.Response{Text: "Hello world", Chunks: []string{"Hello", " world"}, Latency: 2 * time.Second},
		routertest.Response{Text: "whole"},
		routertest.Response{Chunks: []string{"par"}, Err: errors.New("cut")},
	).WithClock(clock)
	var got []string
	stream := llms.WithStreamingFunc(func(_ context.Context, c []byte) error { got = append(got, string(c)); return nil })

	_, err := p.GenerateContent(context.Background(), human("x"), stream)
	require.NoError(t, err)
	assert.Equal(t, []string{"Hello", " world"}, got)
	assert.Equal(t, time.Date(2026, 1, 1, 0, 0, 2, 0, time.UTC), clock.Now(), "latency advances the clock")

	got = nil
	_, err = p.GenerateContent(context.Background(), human("x"), stream)
	require.NoError(t, err)
	assert.Equal(t, []string{"whole"}, got, "no chunks scripted: the text in one chunk")

	got = nil
	_, err = p.GenerateContent(context.Background(), human("x"), stream)
	require.EqualError(t, err, "cut")
	assert.Equal(t, []string{"par"}, got)

	stop := errors.New("caller stops")
	p.Then(routertest.Response{Chunks: []string{"a", "b"}})
	_, err = p.GenerateContent(context.Background(), human("x"), llms.WithStreamingFunc(func(context.Context, []byte) error { return stop }))
	assert.ErrorIs(t, err, stop, "a streaming func's error ends the call")
}

func TestProviderBlockUntilCancelled(t *testing.T) {
	p := routertest.NewProvider(llmrouter.ModelCard{Name: "m"}, routertest.Response{Block: true})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { _, err := p.GenerateContent(ctx, human("x")); done <- err }()
	require.True(t, routertest.Eventually(func() bool { return p.CallCount() == 1 }))
	cancel()
	assert.ErrorIs(t, <-done, context.Canceled)
}

func TestProviderStall(t *testing.T) {
	partial := routertest.Response{Text: "partial and the rest", Chunks: []string{"partial "}, Stall: true}
	tests := []struct {
		name     string
		r        routertest.Response
		stream   bool
		wantText string
		wantErr  error
		wantSeen string
	}{
		{name: "streaming: the partial text, nil error, once the context ends", r: partial, stream: true, wantText: "partial ", wantSeen: "partial "},
		// Without Chunks, Text is streamed as one chunk, and that is the
		// text sent so far (the answer used to be empty).
		{name: "streaming Text alone: the text sent", r: routertest.Response{Text: "all sent", Stall: true}, stream: true, wantText: "all sent", wantSeen: "all sent"},
		{name: "not streaming: the context's error", r: partial, wantErr: context.Canceled},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := routertest.NewProvider(llmrouter.ModelCard{Name: "m"}, tt.r)
			ctx, cancel := context.WithCancel(context.Background())
			var seen strings.Builder
			var streamed atomic.Bool
			var opts []llms.CallOption
			if tt.stream {
				opts = append(opts, llms.WithStreamingFunc(func(_ context.Context, c []byte) error { seen.Write(c); streamed.Store(true); return nil }))
			}
			type out struct {
				resp *llms.ContentResponse
				err  error
			}
			done := make(chan out, 1)
			go func() { r, err := p.GenerateContent(ctx, human("x"), opts...); done <- out{r, err} }()
			// Streaming, wait for the chunks: a call counted but cancelled
			// before it streamed returns the context's error (the test
			// failed so about once in a few hundred runs).
			require.True(t, routertest.Eventually(func() bool { return p.CallCount() == 1 && (!tt.stream || streamed.Load()) }))
			select {
			case o := <-done:
				t.Fatalf("returned before its context ended: %v, %v", o.resp, o.err)
			default:
			}
			cancel()
			o := <-done
			if tt.wantErr != nil {
				assert.ErrorIs(t, o.err, tt.wantErr)
				return
			}
			require.NoError(t, o.err)
			assert.Equal(t, tt.wantText, o.resp.Choices[0].Content)
			assert.Equal(t, tt.wantSeen, seen.String())
		})
	}
}

func TestFaultInjectorOnCall(t *testing.T) {
	type key struct{}
	faults := []routertest.Fault{{Name: "boom", Response: routertest.Fail(nil)}}
	var mu sync.Mutex
	seen := map[string][]string{}
	in := routertest.InjectFaults(routertest.NewEcho(llmrouter.ModelCard{Name: "m"}), 0.5, 7, faults...).
		OnCall(func(ctx context.Context, fault string) {
			mu.Lock()
			defer mu.Unlock()
			id, _ := ctx.Value(key{}).(string)
			seen[id] = append(seen[id], fault)
		})
	failed := 0
	for i := range 100 {
		id := strings.Repeat("r", i+1)
		_, err := in.GenerateContent(context.WithValue(context.Background(), key{}, id), human(id))
		want := ""
		if err != nil {
			failed++
			want = "boom"
		}
		assert.Equal(t, []string{want}, seen[id], "call %d", i)
	}
	assert.Equal(t, failed, in.Counts()["boom"])
	assert.Equal(t, 100, in.Calls())
	assert.Greater(t, failed, 20)
	assert.Less(t, failed, 80)
}

func TestProviderConcurrentUse(t *testing.T) {
	var script []routertest.Response
	for i := range 100 {
		script = append(script, routertest.Response{Text: strings.Repeat("x", i+1)})
	}
	p := routertest.NewProvider(llmrouter.ModelCard{Name: "m"}, script...)
	var wg sync.WaitGroup
	seen := make(chan int, 100)
	for range 100 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp, err := p.GenerateContent(context.Background(), human("x"))
			if err == nil {
				seen <- len(resp.Choices[0].Content)
			}
		}()
	}
	wg.Wait()
	close(seen)
	lengths := map[int]bool{}
	for n := range seen {
		lengths[n] = true
	}
	assert.Len(t, lengths, 100, "each scripted response is used exactly once")
	assert.Equal(t, 100, p.CallCount())
}

func TestClock(t *testing.T) {
	var zero routertest.Clock
	assert.Equal(t, time.Unix(0, 0).UTC(), zero.Now(), "the zero clock starts at the epoch")
	c := routertest.NewClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	ch := c.After(time.Minute)
	assert.Equal(t, 1, c.Waiters())
	c.Advance(59 * time.Second)
	select {
	case <-ch:
		t.Fatal("fired early")
	default:
	}
	c.Advance(time.Second)
	assert.Equal(t, time.Date(2026, 1, 1, 0, 1, 0, 0, time.UTC), <-ch)
	assert.Zero(t, c.Waiters())
	assert.Equal(t, []time.Duration{time.Minute}, c.Waits())
}

// A Case that names no expectation (no Want, WantPlan, WantLabel or
// WantErr: a field left out by mistake) fails its subtest saying so; it
// passed, checking nothing. The failing run happens in a child process.
func TestAssertRoutesRejectsCaseWithoutExpectation(t *testing.T) {
	if os.Getenv("ROUTERTEST_CHILD") == "empty-case" {
		r, err := llmrouter.New([]llmrouter.Provider{routertest.NewProvider(llmrouter.ModelCard{Name: "m"})})
		require.NoError(t, err)
		routertest.AssertRoutes(t, r, []routertest.Case{{Name: "forgot Want", Prompt: "hello"}})
		return
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestAssertRoutesRejectsCaseWithoutExpectation$", "-test.v")
	cmd.Env = append(os.Environ(), "ROUTERTEST_CHILD=empty-case")
	out, err := cmd.CombinedOutput()
	var ee *exec.ExitError
	require.ErrorAs(t, err, &ee, "the child run must fail:\n%s", out)
	assert.Contains(t, string(out), `case "forgot Want" checks nothing: set Want, WantPlan, WantLabel or WantErr`)
}
