package llmrouter_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/llmrouter/llmrouter"
	"github.com/llmrouter/llmrouter/internal/openaitest"
	"github.com/llmrouter/llmrouter/routertest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tmc/langchaingo/llms"
	"github.com/tmc/langchaingo/llms/openai"
)

// plainOpenAIRouter is openaiRouter without WithFallback: the plain plan.
func plainOpenAIRouter(t *testing.T) (*llmrouter.Router, []*openaitest.Server, *lastSink) {
	t.Helper()
	var ps []llmrouter.Provider
	var srvs []*openaitest.Server
	for _, c := range []llmrouter.ModelCard{cheapCard, midCard, strongCard} {
		srv := openaitest.New(t)
		llm, err := openai.New(openai.WithBaseURL(srv.URL), openai.WithToken("test"), openai.WithModel("gpt-4o-mini"))
		require.NoError(t, err)
		ps = append(ps, llmrouter.NewProvider(c, llm))
		srvs = append(srvs, srv)
	}
	sink := &lastSink{}
	r, err := llmrouter.New(ps, llmrouter.WithSink(sink))
	require.NoError(t, err)
	return r, srvs, sink
}

// firstBodyRead is an http.Client whose first response body read that
// returns bytes closes read: the client has received the response headers
// and the server's first chunk.
type firstBodyRead struct {
	once sync.Once
	read chan struct{}
}

func (f *firstBodyRead) Do(req *http.Request) (*http.Response, error) {
	resp, err := http.DefaultClient.Do(req)
	if err == nil {
		resp.Body = &signalBody{ReadCloser: resp.Body, f: f}
	}
	return resp, err
}

type signalBody struct {
	io.ReadCloser
	f *firstBodyRead
}

func (b *signalBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if n > 0 {
		b.f.once.Do(func() { close(b.f.read) })
	}
	return n, err
}

// stallRouter is openaiRouter whose first model's client signals its
// first body read.
func stallRouter(t *testing.T, fb llmrouter.Fallback) (*llmrouter.Router, []*openaitest.Server, *lastSink, *firstBodyRead) {
	t.Helper()
	if fb.Rand == nil {
		fb.Rand = half
	}
	signal := &firstBodyRead{read: make(chan struct{})}
	var ps []llmrouter.Provider
	var srvs []*openaitest.Server
	for i, c := range []llmrouter.ModelCard{cheapCard, midCard, strongCard} {
		srv := openaitest.New(t)
		opts := []openai.Option{openai.WithBaseURL(srv.URL), openai.WithToken("test"), openai.WithModel("gpt-4o-mini")}
		if i == 0 {
			opts = append(opts, openai.WithHTTPClient(signal))
		}
		llm, err := openai.New(opts...)
		require.NoError(t, err)
		ps = append(ps, llmrouter.NewProvider(c, llm))
		srvs = append(srvs, srv)
	}
	sink := &lastSink{}
	r, err := llmrouter.New(ps, llmrouter.WithFallback(fb), llmrouter.WithSink(sink))
	require.NoError(t, err)
	return r, srvs, sink, signal
}

// TestStallAfterFirstChunk: the first model's server sends one chunk and
// then hangs; langchaingo's client returns that chunk with a nil error
// once the attempt's context ends. The router must treat the attempt as
// failed, never return the truncated text as the answer.
func TestStallAfterFirstChunk(t *testing.T) {
	const timeout = 2 * time.Second
	tests := []struct {
		name     string
		fb       llmrouter.Fallback
		stream   bool
		buffered bool
		// advance drives the fake clock after the first attempt's timeout
		// fired (for a backoff before a retry).
		advance   []time.Duration
		want      []string
		calls     []int
		answer    string   // the accepted answer; "" means an error
		streamed  []string // what the caller's StreamingFunc saw
		wantErr   []error
		wantInErr string
	}{
		{
			name: "unbuffered stream: ErrStreamStarted, no fallback", stream: true,
			want: []string{"cheap:timeout"}, calls: []int{1, 0, 0}, streamed: []string{"one "},
			wantErr: []error{llmrouter.ErrStreamStarted, llms.ErrTimeout}, wantInErr: "attempt timed out after 2s",
		},
		{
			name: "buffered stream: next model", fb: llmrouter.Fallback{BufferStreams: true, MaxRetries: -1}, stream: true, buffered: true,
			want: []string{"cheap:timeout", "mid:ok"}, calls: []int{1, 1, 0}, answer: "ok", streamed: []string{"ok"},
		},
		{
			name: "buffered stream: retried as timeouts are", fb: llmrouter.Fallback{BufferStreams: true}, stream: true, buffered: true,
			advance: []time.Duration{125 * time.Millisecond}, // half of the 250ms base backoff
			want:    []string{"cheap:timeout", "cheap:ok"}, calls: []int{2, 0, 0}, answer: "ok", streamed: []string{"ok"},
		},
		{
			name: "not streamed: next model", fb: llmrouter.Fallback{MaxRetries: -1},
			want: []string{"cheap:timeout", "mid:ok"}, calls: []int{1, 1, 0}, answer: "ok",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clock := routertest.NewClock(time.Now())
			tt.fb.Clock, tt.fb.AttemptTimeout = clock, timeout
			r, srvs, sink, signal := stallRouter(t, tt.fb)
			srvs[0].Enqueue(openaitest.Stalled(openaitest.Reply("one two three"), 1))

			first := make(chan struct{})
			var streamed []string
			var opts []llms.CallOption
			if tt.stream {
				opts = append(opts, llms.WithStreamingFunc(func(_ context.Context, c []byte) error {
					if len(c) > 0 {
						if streamed = append(streamed, string(c)); len(streamed) == 1 {
							close(first)
						}
					}
					return nil
				}))
			}
			type out struct {
				resp *llms.ContentResponse
				err  error
			}
			done := make(chan out, 1)
			go func() {
				resp, err := r.GenerateContent(context.Background(), human("hi"), opts...)
				done <- out{resp, err}
			}()
			<-signal.read // the client has the first chunk; the server stalls
			if tt.stream && !tt.buffered {
				<-first // and the chunk reached the caller
			}
			require.True(t, clock.WaitForWaiters(1), "the attempt timeout waits on the clock")
			clock.Advance(timeout)
			for _, d := range tt.advance {
				require.True(t, clock.WaitForWaiters(1))
				clock.Advance(d)
			}
			o := <-done
			d := sink.last()
			require.NotNil(t, d)
			assert.Equal(t, tt.want, codes(d), d.Explain())
			for i, n := range tt.calls {
				assert.Len(t, srvs[i].Requests(), n, "requests to server %d", i)
			}
			assert.Equal(t, tt.streamed, streamed)
			assert.ErrorIs(t, d.Attempts[0].Err, llms.ErrTimeout)
			if tt.answer == "" {
				require.Error(t, o.err, "a truncated answer is not an answer")
				for _, e := range tt.wantErr {
					assert.ErrorIs(t, o.err, e)
				}
				assert.Contains(t, o.err.Error(), tt.wantInErr)
				return
			}
			require.NoError(t, o.err)
			assert.Equal(t, tt.answer, o.resp.Choices[0].Content)
		})
	}
}

// TestStallPlainRouterCallerCancels: without WithFallback, the caller's
// cancellation of a call whose server stalled after a chunk returns the
// caller's context error, not the partial text.
func TestStallPlainRouterCallerCancels(t *testing.T) {
	for _, stream := range []bool{true, false} {
		t.Run(map[bool]string{true: "streamed", false: "not streamed"}[stream], func(t *testing.T) {
			r, srvs, sink := plainOpenAIRouter(t)
			arrived := make(chan openaitest.Request, 1)
			stall := openaitest.Stalled(openaitest.Reply("one two three"), 1)
			stall.Arrived = arrived
			srvs[0].Enqueue(stall)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			var opts []llms.CallOption
			if stream {
				opts = append(opts, llms.WithStreamingFunc(func(_ context.Context, c []byte) error {
					if len(c) > 0 {
						cancel() // the caller gives up after the first chunk
					}
					return nil
				}))
			}
			go func() {
				<-arrived
				if !stream {
					cancel()
				}
			}()
			resp, err := r.GenerateContent(ctx, human("hi"), opts...)
			require.Error(t, err, "got %v", resp)
			assert.ErrorIs(t, err, context.Canceled)
			assert.Nil(t, resp)
			d := sink.last()
			assert.Equal(t, []string{"cheap:canceled"}, codes(d), d.Explain())
			assert.Empty(t, srvs[1].Requests(), "no fallback after the caller's cancellation")
		})
	}
}

// TestNotAnAnswerThroughOpenAI: a 200 whose body is not an event stream
// (streamed) or not JSON (not streamed) is a provider fault: retried, then
// the next model, never an empty answer.
func TestNotAnAnswerThroughOpenAI(t *testing.T) {
	tests := []struct {
		name   string
		stream bool
		fault  openaitest.Response
	}{
		{"streamed: HTML instead of events", true, openaitest.NotEventStream()},
		{"streamed: malformed JSON instead of events", true, openaitest.MalformedJSON()},
		{"not streamed: HTML", false, openaitest.NotEventStream()},
		{"not streamed: malformed JSON", false, openaitest.MalformedJSON()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, srvs, sink := openaiRouter(t, llmrouter.Fallback{})
			srvs[0].SetDefault(tt.fault)
			var opts []llms.CallOption
			var streamed string
			if tt.stream {
				opts = append(opts, llms.WithStreamingFunc(func(_ context.Context, c []byte) error {
					streamed += string(c)
					return nil
				}))
			}
			resp, err := r.GenerateContent(context.Background(), human("hi"), opts...)
			require.NoError(t, err)
			assert.Equal(t, "ok", resp.Choices[0].Content)
			d := sink.last()
			want := []string{"cheap:provider_unavailable", "cheap:provider_unavailable", "cheap:provider_unavailable", "mid:ok"}
			assert.Equal(t, want, codes(d), d.Explain())
			assert.ErrorIs(t, d.Attempts[0].Err, llms.ErrProviderUnavailable)
			if tt.stream {
				assert.Equal(t, "ok", streamed)
				assert.ErrorIs(t, d.Attempts[0].Err, llmrouter.ErrEmptyResponse)
			}
			assert.Len(t, srvs[0].Requests(), 3)
		})
	}
}

// TestEmptyAnswer: in resilient mode an answer with no text, no tool call
// and no function call is a failed attempt (retried, then the next
// model) unless Fallback.AllowEmptyAnswers; the plain router returns it.
func TestEmptyAnswer(t *testing.T) {
	empty := routertest.Response{}
	toolOnly := routertest.Response{ToolCalls: []llms.ToolCall{{ID: "1", Type: "function", FunctionCall: &llms.FunctionCall{Name: "f", Arguments: "{}"}}}}
	tests := []struct {
		name   string
		fb     *llmrouter.Fallback // nil: plain router
		script []routertest.Response
		want   []string
		answer string
		err    bool
	}{
		{name: "rejected: retried, then answered", fb: &llmrouter.Fallback{}, script: []routertest.Response{empty, ok("late")},
			want: []string{"cheap:provider_unavailable", "cheap:ok"}, answer: "late"},
		{name: "rejected on every try: next model", fb: &llmrouter.Fallback{}, script: []routertest.Response{empty},
			want: []string{"cheap:provider_unavailable", "cheap:provider_unavailable", "cheap:provider_unavailable", "mid:ok"}, answer: "m"},
		{name: "white space only is empty too", fb: &llmrouter.Fallback{}, script: []routertest.Response{{Text: " \n\t"}},
			want: []string{"cheap:provider_unavailable", "cheap:provider_unavailable", "cheap:provider_unavailable", "mid:ok"}, answer: "m"},
		{name: "a tool call is an answer", fb: &llmrouter.Fallback{}, script: []routertest.Response{toolOnly},
			want: []string{"cheap:ok"}, answer: ""},
		{name: "opt-out: accepted", fb: &llmrouter.Fallback{AllowEmptyAnswers: true}, script: []routertest.Response{empty},
			want: []string{"cheap:ok"}, answer: ""},
		{name: "plain router: accepted", script: []routertest.Response{empty},
			want: []string{"cheap:ok"}, answer: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var r *llmrouter.Router
			sink := &lastSink{}
			if tt.fb != nil {
				r, _, _, sink = resilientSink(t, *tt.fb, tt.script, []routertest.Response{ok("m")})
			} else {
				var err error
				r, err = llmrouter.New([]llmrouter.Provider{routertest.NewProvider(cheapCard, tt.script...), routertest.NewProvider(midCard)},
					llmrouter.WithSink(sink))
				require.NoError(t, err)
			}
			resp, err := r.GenerateContent(context.Background(), human("hi"))
			require.NoError(t, err)
			d := sink.last()
			assert.Equal(t, tt.want, codes(d), d.Explain())
			assert.Equal(t, tt.answer, resp.Choices[0].Content)
			if tt.want[0] == "cheap:provider_unavailable" {
				assert.ErrorIs(t, d.Attempts[0].Err, llmrouter.ErrEmptyResponse)
				assert.ErrorIs(t, d.Attempts[0].Err, llms.ErrProviderUnavailable)
				assert.Contains(t, d.Attempts[0].Err.Error(), "no text, tool call or function call")
			}
		})
	}
	t.Run("every model empty: AllFailedError", func(t *testing.T) {
		r, _, _ := resilient(t, llmrouter.Fallback{MaxRetries: -1}, []routertest.Response{empty}, []routertest.Response{empty}, []routertest.Response{empty})
		_, err := r.GenerateContent(context.Background(), human("hi"))
		require.Error(t, err)
		assert.True(t, errors.Is(err, llmrouter.ErrAllFailed), "%v", err)
	})
}

// TestReasoningAloneIsEmpty: an answer whose only text is reasoning (a
// reasoning model that spent its output limit thinking) is no answer in
// resilient mode: the router moves on as for an empty one, unless
// Fallback.AllowEmptyAnswers, which returns it as it came.
func TestReasoningAloneIsEmpty(t *testing.T) {
	thinker := &funcProvider{card: cheapCard, fn: func(context.Context, *llms.CallOptions) (*llms.ContentResponse, error) {
		return &llms.ContentResponse{Choices: []*llms.ContentChoice{{ReasoningContent: "First, consider…", StopReason: "length"}}}, nil
	}}
	for _, tc := range []struct {
		name        string
		allowEmpty  bool
		want        []string
		wantContent string
	}{
		{"resilient: the next model", false, []string{"cheap:provider_unavailable", "mid:ok"}, "m"},
		{"AllowEmptyAnswers: returned", true, []string{"cheap:ok"}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sink := &lastSink{}
			r, err := llmrouter.New([]llmrouter.Provider{thinker, routertest.NewProvider(midCard, ok("m"))}, llmrouter.WithSink(sink),
				llmrouter.WithClassifier(fixed(0.9, 0.95)),
				llmrouter.WithFallback(llmrouter.Fallback{MaxRetries: -1, AllowEmptyAnswers: tc.allowEmpty}))
			require.NoError(t, err)
			resp, err := r.GenerateContent(context.Background(), human("hi"))
			require.NoError(t, err)
			d := sink.last()
			assert.Equal(t, tc.want, codes(d), d.Explain())
			assert.Equal(t, tc.wantContent, resp.Choices[0].Content)
			if !tc.allowEmpty {
				assert.ErrorIs(t, d.Attempts[0].Err, llmrouter.ErrEmptyResponse)
			} else {
				assert.Equal(t, "First, consider…", resp.Choices[0].ReasoningContent)
			}
		})
	}
}
