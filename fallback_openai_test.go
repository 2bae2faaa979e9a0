package llmrouter_test

import (
	"context"
	"strings"
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

// openaiRouter builds a router over three models, each a real langchaingo
// openai client talking to its own fake server, with fb (Clock and Rand
// defaulted to an auto-advancing fake clock and half).
func openaiRouter(t *testing.T, fb llmrouter.Fallback, cards ...llmrouter.ModelCard) (*llmrouter.Router, []*openaitest.Server, *lastSink) {
	t.Helper()
	if len(cards) == 0 {
		cards = []llmrouter.ModelCard{cheapCard, midCard, strongCard}
	}
	if fb.Clock == nil {
		fb.Clock = routertest.NewClock(time.Now()).SetAutoAdvance(true)
	}
	if fb.Rand == nil {
		fb.Rand = half
	}
	var ps []llmrouter.Provider
	var srvs []*openaitest.Server
	for _, c := range cards {
		srv := openaitest.New(t)
		llm, err := openai.New(openai.WithBaseURL(srv.URL), openai.WithToken("test"), openai.WithModel("gpt-4o-mini"))
		require.NoError(t, err)
		ps = append(ps, llmrouter.NewProvider(c, llm))
		srvs = append(srvs, srv)
	}
	sink := &lastSink{}
	r, err := llmrouter.New(ps, llmrouter.WithFallback(fb), llmrouter.WithSink(sink))
	require.NoError(t, err)
	return r, srvs, sink
}

func TestOpenAIClientFaults(t *testing.T) {
	tests := []struct {
		name    string
		fb      llmrouter.Fallback
		cards   []llmrouter.ModelCard
		faults  [][]openaitest.Response // per server, before the default "ok"
		want    []string
		calls   []int // requests per server
		wantErr []error
		check   func(t *testing.T, d *llmrouter.Decision)
	}{
		{
			name:   "429 with Retry-After: retried on the same model after the hint",
			faults: [][]openaitest.Response{{openaitest.RateLimited(3 * time.Second)}},
			want:   []string{"cheap:rate_limit", "cheap:ok"},
			calls:  []int{2, 0, 0},
			check: func(t *testing.T, d *llmrouter.Decision) {
				assert.Equal(t, 3*time.Second, d.Attempts[1].Wait, "the 3s hint beats the 125ms jitter")
				assert.ErrorIs(t, d.Attempts[0].Err, llms.ErrRateLimit)
			},
		},
		{
			name:   "429 with a Retry-After beyond MaxRetryWait: next model",
			fb:     llmrouter.Fallback{MaxRetryWait: time.Second},
			faults: [][]openaitest.Response{{openaitest.RateLimited(20 * time.Second)}},
			want:   []string{"cheap:rate_limit", "mid:ok"},
			calls:  []int{1, 1, 0},
		},
		{
			name:   "500 then 503: retried, then answered",
			faults: [][]openaitest.Response{{openaitest.ServerError(), openaitest.Unavailable()}},
			want:   []string{"cheap:provider_unavailable", "cheap:provider_unavailable", "cheap:ok"},
			calls:  []int{3, 0, 0},
		},
		{
			name:   "503 on every try: next model",
			faults: [][]openaitest.Response{{openaitest.Unavailable(), openaitest.Unavailable(), openaitest.Unavailable()}},
			want:   []string{"cheap:provider_unavailable", "cheap:provider_unavailable", "cheap:provider_unavailable", "mid:ok"},
			calls:  []int{3, 1, 0},
		},
		{
			name: "context-length 400: the next model with a larger window",
			cards: []llmrouter.ModelCard{
				{Name: "cheap", InputPerMTok: 0.1, OutputPerMTok: 0.4, ContextWindow: 16000, Quality: 0.6},
				{Name: "mid", InputPerMTok: 0.5, OutputPerMTok: 1.5, ContextWindow: 8000, Quality: 0.75},
				strongCard,
			},
			faults: [][]openaitest.Response{{openaitest.ContextLengthExceeded()}},
			want:   []string{"cheap:token_limit", "mid:skipped", "strong:ok"},
			calls:  []int{1, 0, 1},
		},
		{
			name:   "malformed JSON: a provider fault, retried",
			faults: [][]openaitest.Response{{openaitest.MalformedJSON()}},
			want:   []string{"cheap:provider_unavailable", "cheap:ok"},
			calls:  []int{2, 0, 0},
		},
		{
			name:    "401: stop",
			faults:  [][]openaitest.Response{{openaitest.Unauthorized()}},
			want:    []string{"cheap:authentication"},
			calls:   []int{1, 0, 0},
			wantErr: []error{llmrouter.ErrAllFailed, llms.ErrAuthentication},
		},
		{
			name:   "insufficient quota: next model, no retry",
			faults: [][]openaitest.Response{{openaitest.InsufficientQuota()}},
			want:   []string{"cheap:quota_exceeded", "mid:ok"},
			calls:  []int{1, 1, 0},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, srvs, sink := openaiRouter(t, tt.fb, tt.cards...)
			for i, f := range tt.faults {
				srvs[i].Enqueue(f...)
			}
			resp, err := r.GenerateContent(context.Background(), human("What is two plus two?"))
			d := sink.last()
			require.NotNil(t, d)
			assert.Equal(t, tt.want, codes(d), d.Explain())
			for i, n := range tt.calls {
				assert.Len(t, srvs[i].Requests(), n, "requests to server %d", i)
			}
			if tt.wantErr != nil {
				for _, e := range tt.wantErr {
					assert.ErrorIs(t, err, e)
				}
			} else {
				require.NoError(t, err)
				assert.Equal(t, "ok", resp.Choices[0].Content)
			}
			if tt.check != nil {
				tt.check(t, d)
			}
		})
	}
}

func TestOpenAIClientSlowHeaders(t *testing.T) {
	clock := routertest.NewClock(time.Now())
	r, srvs, sink := openaiRouter(t, llmrouter.Fallback{Clock: clock, AttemptTimeout: 2 * time.Second, MaxRetries: -1})
	release := make(chan struct{})
	defer close(release)
	arrived := make(chan openaitest.Request, 1)
	srvs[0].Enqueue(openaitest.Hold(openaitest.Reply("late"), release, arrived))
	done := make(chan error, 1)
	go func() {
		_, err := r.GenerateContent(context.Background(), human("hi"))
		done <- err
	}()
	<-arrived // the request reached the server, which holds its headers
	require.True(t, clock.WaitForWaiters(1))
	clock.Advance(2 * time.Second)
	require.NoError(t, <-done)
	d := sink.last()
	assert.Equal(t, []string{"cheap:timeout", "mid:ok"}, codes(d), d.Explain())
	assert.ErrorIs(t, d.Attempts[0].Err, llms.ErrTimeout)
}

func TestOpenAIClientStreamCut(t *testing.T) {
	stream := func(r *llmrouter.Router, ctx context.Context) ([]string, *llms.ContentResponse, error) {
		var got []string
		resp, err := r.GenerateContent(ctx, human("hi"), llms.WithStreamingFunc(func(_ context.Context, c []byte) error {
			if len(c) > 0 {
				got = append(got, string(c))
			}
			return nil
		}))
		return got, resp, err
	}
	t.Run("unbuffered: ErrStreamStarted", func(t *testing.T) {
		r, srvs, sink := openaiRouter(t, llmrouter.Fallback{})
		srvs[0].Enqueue(openaitest.CutStream("one two three four five", 2))
		got, _, err := stream(r, context.Background())
		require.ErrorIs(t, err, llmrouter.ErrStreamStarted)
		assert.Equal(t, []string{"one ", "two "}, got)
		assert.Empty(t, srvs[1].Requests(), "no fallback once text reached the caller")
		d := sink.last()
		require.Len(t, d.Attempts, 1)
		assert.NotEmpty(t, d.Attempts[0].Code)
	})
	t.Run("buffered: the fallback's text only", func(t *testing.T) {
		r, srvs, sink := openaiRouter(t, llmrouter.Fallback{MaxRetries: -1})
		srvs[0].Enqueue(openaitest.CutStream("one two three four five", 2))
		srvs[1].Enqueue(openaitest.Reply("the whole answer"))
		got, resp, err := stream(r, llmrouter.WithHints(context.Background(), llmrouter.Hints{BufferStream: true}))
		require.NoError(t, err)
		assert.Equal(t, []string{"the ", "whole ", "answer"}, got)
		assert.Equal(t, "the whole answer", resp.Choices[0].Content)
		d := sink.last()
		assert.Equal(t, "mid", d.Answered)
		assert.Equal(t, 2, len(d.Attempts), d.Explain())
		assert.True(t, strings.HasPrefix(codes(d)[0], "cheap:"))
	})
}

// Hedging with unbuffered streaming through the real client: the hedge
// cancelled when the first attempt's stream reaches the caller does not
// stop the plan, and the streaming attempt answers.
func TestOpenAIClientHedgedStream(t *testing.T) {
	clock := routertest.NewClock(time.Now())
	finish := make(chan struct{})
	r, srvs, sink := openaiRouter(t, llmrouter.Fallback{Clock: clock, Hedge: llmrouter.Hedge{Delay: time.Second},
		Breaker: onRecorded("mid", finish)})
	start, never := make(chan struct{}), make(chan struct{})
	arrived0, arrived1 := make(chan openaitest.Request, 1), make(chan openaitest.Request, 1)
	slow := openaitest.Hold(openaitest.Reply("slow stream"), start, arrived0)
	slow.Resume, slow.PauseAfter = finish, 1 // the second chunk once the hedge's end is recorded
	srvs[0].Enqueue(slow)
	srvs[1].Enqueue(openaitest.Hold(openaitest.Reply("mid"), never, arrived1))
	var got []string
	var resp *llms.ContentResponse
	done := make(chan error, 1)
	go func() {
		var err error
		resp, err = r.GenerateContent(context.Background(), human("hi"), llms.WithStreamingFunc(func(_ context.Context, c []byte) error {
			if len(c) > 0 {
				got = append(got, string(c))
			}
			return nil
		}))
		done <- err
	}()
	<-arrived0
	require.True(t, clock.WaitForWaiters(1))
	clock.Advance(time.Second)
	<-arrived1 // the hedge is running
	close(start)
	require.NoError(t, <-done)
	assert.Equal(t, []string{"slow ", "stream"}, got)
	assert.Equal(t, "slow stream", resp.Choices[0].Content)
	d := sink.last()
	assert.Equal(t, "cheap", d.Answered, d.Explain())
	assert.Equal(t, []string{"mid:canceled", "cheap:ok"}, codes(d))
	assert.Equal(t, "cancelled: another attempt is streaming to the caller", d.Attempts[0].Next)
}
