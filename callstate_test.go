package llmrouter_test

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
	"weak"

	"github.com/llmrouter/llmrouter"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tmc/langchaingo/llms"
)

// keeper answers a call with the text of its last message, or fails when
// that text starts with "fail" and fail is set. It keeps what a careless
// provider might: each call's context, options, applied options and
// streaming callback, which it calls again after returning when asked to.
type keeper struct {
	card llmrouter.ModelCard
	fail bool
	mu   sync.Mutex
	kept map[string]keptCall // by prompt
}

type keptCall struct {
	ctx    context.Context
	opts   []llms.CallOption
	max    int
	stream func(context.Context, []byte) error
}

func newKeeper(card llmrouter.ModelCard, fail bool) *keeper {
	return &keeper{card: card, fail: fail, kept: map[string]keptCall{}}
}

func (k *keeper) Card() llmrouter.ModelCard { return k.card }

func (k *keeper) GenerateContent(ctx context.Context, messages []llms.MessageContent, options ...llms.CallOption) (*llms.ContentResponse, error) {
	var o llms.CallOptions
	for _, opt := range options {
		opt(&o)
	}
	prompt := messages[len(messages)-1].Parts[0].(llms.TextContent).Text
	k.mu.Lock()
	k.kept[prompt+"@"+k.card.Name] = keptCall{ctx: ctx, opts: options, max: o.MaxTokens, stream: o.StreamingFunc}
	k.mu.Unlock()
	if k.fail && strings.HasPrefix(prompt, "fail") {
		return nil, errors.New("the model exploded")
	}
	if o.StreamingFunc != nil {
		if err := o.StreamingFunc(ctx, []byte(prompt)); err != nil {
			return nil, err
		}
	}
	return &llms.ContentResponse{Choices: []*llms.ContentChoice{{
		Content: prompt, GenerationInfo: map[string]any{"PromptTokens": 3, "CompletionTokens": 1},
	}}}, nil
}

func (k *keeper) calls() map[string]keptCall {
	k.mu.Lock()
	defer k.mu.Unlock()
	out := make(map[string]keptCall, len(k.kept))
	for p, c := range k.kept {
		out[p] = c
	}
	return out
}

type callTag struct{}

// TestCallStateNotShared runs concurrent calls in every execution mode and
// checks that no call's state reaches another, during the calls or after:
// each response, its decision and what the provider and the verifier kept
// (context, options, answer) stay the call's own after every other call
// has run, and a streaming callback a provider calls after returning
// reaches no caller. Run it with -race.
func TestCallStateNotShared(t *testing.T) {
	var verified sync.Map // prompt → *llmrouter.Answer
	keepAnswers := llmrouter.VerifierFunc(func(_ context.Context, a *llmrouter.Answer) error {
		verified.Store(a.Messages[len(a.Messages)-1].Parts[0].(llms.TextContent).Text+"@"+a.Model, a)
		return nil
	})
	for _, tc := range []struct {
		name   string
		opts   []llmrouter.Option
		stream bool
	}{
		{"plain", nil, false},
		{"fallback", []llmrouter.Option{llmrouter.WithFallback(llmrouter.Fallback{NoBreaker: true})}, false},
		{"fallback+timeout", []llmrouter.Option{llmrouter.WithFallback(llmrouter.Fallback{NoBreaker: true, AttemptTimeout: time.Minute})}, false},
		{"fallback+hedge", []llmrouter.Option{llmrouter.WithFallback(llmrouter.Fallback{NoBreaker: true, Hedge: llmrouter.Hedge{Delay: time.Minute}})}, false},
		{"fallback+verifier", []llmrouter.Option{llmrouter.WithFallback(llmrouter.Fallback{NoBreaker: true, Verifier: keepAnswers})}, false},
		{"plain streaming", nil, true},
		{"fallback+hedge streaming", []llmrouter.Option{llmrouter.WithFallback(llmrouter.Fallback{NoBreaker: true, Hedge: llmrouter.Hedge{Delay: time.Minute}})}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ks := []*keeper{newKeeper(cheapCard, true), newKeeper(midCard, true), newKeeper(strongCard, false)}
			ps := []llmrouter.Provider{ks[0], ks[1], ks[2]}
			r, err := llmrouter.New(ps, tc.opts...)
			require.NoError(t, err)
			const goroutines, calls = 4, 40
			type outcome struct {
				prompt string
				max    int
				resp   *llms.ContentResponse
				id     string
				cost   float64
				model  string
				chunks *[]string
			}
			outs := make([][]outcome, goroutines)
			var strays sync.WaitGroup
			var wg sync.WaitGroup
			for g := range goroutines {
				wg.Go(func() {
					for i := range calls {
						prompt := fmt.Sprintf("call %d-%d: which is larger, %d or %d?", g, i, g, i)
						if i%3 == 0 {
							prompt = "fail " + prompt
						}
						o := outcome{prompt: prompt, max: 100 + g*calls + i, chunks: new([]string)}
						ctx := context.WithValue(context.Background(), callTag{}, prompt)
						opts := []llms.CallOption{llms.WithMaxTokens(o.max)}
						if tc.stream {
							var mu sync.Mutex
							chunks := o.chunks
							opts = append(opts, llms.WithStreamingFunc(func(_ context.Context, c []byte) error {
								mu.Lock()
								defer mu.Unlock()
								*chunks = append(*chunks, string(c))
								return nil
							}))
						}
						resp, err := r.GenerateContent(ctx, []llms.MessageContent{llms.TextParts(llms.ChatMessageTypeHuman, prompt)}, opts...)
						require.NoError(t, err)
						d, ok := llmrouter.DecisionFrom(resp)
						require.True(t, ok)
						o.resp, o.id, o.cost, o.model = resp, d.ID, d.Cost, d.Answered
						outs[g] = append(outs[g], o)
						if tc.stream && i > 0 {
							// An earlier call's callback, called while other calls run.
							prev := outs[g][i-1]
							kept := ks[2].calls()[prev.prompt+"@strong"]
							strays.Go(func() {
								if kept.stream != nil {
									assert.Error(t, kept.stream(context.Background(), []byte("stray")))
								}
							})
						}
					}
				})
			}
			wg.Wait()
			strays.Wait()
			// After every call: each call's response, decision and kept state
			// are still its own.
			kept := map[string]keptCall{}
			for _, k := range ks {
				for p, c := range k.calls() {
					kept[p] = c
				}
			}
			seen := map[string]bool{}
			for _, calls := range outs {
				for _, o := range calls {
					require.Len(t, o.resp.Choices, 1)
					c := o.resp.Choices[0]
					assert.Equal(t, o.prompt, c.Content)
					d, ok := llmrouter.DecisionFrom(o.resp)
					require.True(t, ok)
					assert.Equal(t, o.id, d.ID)
					assert.False(t, seen[d.ID], "decision %s returned twice", d.ID)
					seen[d.ID] = true
					assert.Equal(t, d.ID, c.GenerationInfo[llmrouter.InfoDecisionID])
					assert.Equal(t, o.model, c.GenerationInfo[llmrouter.InfoModel])
					assert.Equal(t, o.cost, c.GenerationInfo[llmrouter.InfoCostUSD])
					assert.Equal(t, 3, c.GenerationInfo["PromptTokens"])
					assert.Len(t, c.GenerationInfo, 6)
					require.NotEmpty(t, d.Attempts)
					assert.Equal(t, o.model, d.Attempts[len(d.Attempts)-1].Model)
					assert.NoError(t, d.Attempts[len(d.Attempts)-1].Err)
					for _, a := range d.Attempts {
						k, ok := kept[o.prompt+"@"+a.Model]
						if !ok {
							continue // skipped, or a hedge that never reached the provider
						}
						assert.Equal(t, o.prompt, k.ctx.Value(callTag{}), "the context %s's provider kept", a.Model)
						assert.Equal(t, o.max, k.max)
						var again llms.CallOptions
						for _, opt := range k.opts {
							opt(&again)
						}
						assert.Equal(t, o.max, again.MaxTokens, "the options %s's provider kept", a.Model)
					}
					if v, ok := verified.Load(o.prompt + "@" + o.model); ok {
						a := v.(*llmrouter.Answer)
						assert.Equal(t, o.max, a.Options.MaxTokens, "the answer the verifier kept")
						assert.Equal(t, o.prompt, a.Messages[0].Parts[0].(llms.TextContent).Text)
						assert.Equal(t, o.prompt, a.Response.Choices[0].Content)
					} else {
						assert.NotContains(t, tc.name, "verifier", "%s was not verified", o.prompt)
					}
					if tc.stream {
						assert.Equal(t, []string{o.prompt}, *o.chunks, "what the caller's stream got")
					} else {
						assert.Empty(t, *o.chunks)
					}
				}
			}
			// Every kept callback, called once more now, reaches no caller.
			for _, k := range kept {
				if k.stream != nil {
					assert.Error(t, k.stream(context.Background(), []byte("late")))
				}
			}
			for _, calls := range outs {
				for _, o := range calls {
					if tc.stream {
						assert.Equal(t, []string{o.prompt}, *o.chunks)
					}
				}
			}
		})
	}
}

// TestCallerDataNotRetained checks that once a call has returned, nothing
// the router keeps (a decision handed to a sink, a pooled state) holds the
// caller's messages or options, in every execution mode and on failures.
func TestCallerDataNotRetained(t *testing.T) {
	for _, tc := range []struct {
		name   string
		opts   []llmrouter.Option
		stream bool
		fail   bool
	}{
		{"plain", nil, false, false},
		{"plain, every model failing", nil, false, true},
		{"fallback", []llmrouter.Option{llmrouter.WithFallback(llmrouter.Fallback{NoBreaker: true})}, false, false},
		{"fallback, every model failing", []llmrouter.Option{llmrouter.WithFallback(llmrouter.Fallback{NoBreaker: true})}, false, true},
		{"fallback+timeout", []llmrouter.Option{llmrouter.WithFallback(llmrouter.Fallback{NoBreaker: true, AttemptTimeout: time.Minute})}, false, false},
		{"fallback+hedge", []llmrouter.Option{llmrouter.WithFallback(llmrouter.Fallback{NoBreaker: true, Hedge: llmrouter.Hedge{Delay: time.Minute}})}, false, false},
		{"fallback+verifier", []llmrouter.Option{llmrouter.WithFallback(llmrouter.Fallback{NoBreaker: true, Verifier: llmrouter.DefaultVerifier})}, false, false},
		{"plain streaming", nil, true, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fail := map[bool]string{true: "fail "}[tc.fail]
			var decisions []*llmrouter.Decision
			r, err := llmrouter.New([]llmrouter.Provider{newForgetful(cheapCard), newForgetful(midCard), newForgetful(strongCard)},
				append(tc.opts, llmrouter.WithSink(llmrouter.SinkFunc(func(d *llmrouter.Decision) { decisions = append(decisions, d) })))...)
			require.NoError(t, err)
			var msgsGone []weak.Pointer[llms.MessageContent]
			var optGone []weak.Pointer[[64]byte]
			for i := range 4 {
				msgs := []llms.MessageContent{llms.TextParts(llms.ChatMessageTypeHuman, fmt.Sprintf("%scall %d: what is %d + %d?", fail, i, i, i))}
				held := new([64]byte)
				opts := []llms.CallOption{func(o *llms.CallOptions) { o.MaxTokens = 64 + len(held) }}
				if tc.stream {
					opts = append(opts, llms.WithStreamingFunc(func(context.Context, []byte) error { held[0]++; return nil }))
				}
				msgsGone = append(msgsGone, weak.Make(&msgs[0]))
				optGone = append(optGone, weak.Make(held))
				_, err := r.GenerateContent(context.Background(), msgs, opts...)
				if tc.fail {
					require.Error(t, err)
				} else {
					require.NoError(t, err)
				}
			}
			require.Len(t, decisions, 4)
			runtime.GC() // once: a pooled state that kept them would still hold them
			for i := range msgsGone {
				assert.Nil(t, msgsGone[i].Value(), "call %d's messages are still reachable", i)
				assert.Nil(t, optGone[i].Value(), "call %d's options are still reachable", i)
			}
			runtime.KeepAlive(decisions)
		})
	}
}

// forgetful answers with the text of the last message, or fails when it
// starts with "fail", and keeps nothing.
type forgetful struct{ card llmrouter.ModelCard }

func newForgetful(card llmrouter.ModelCard) forgetful { return forgetful{card} }

func (f forgetful) Card() llmrouter.ModelCard { return f.card }

func (f forgetful) GenerateContent(ctx context.Context, messages []llms.MessageContent, options ...llms.CallOption) (*llms.ContentResponse, error) {
	var o llms.CallOptions
	for _, opt := range options {
		opt(&o)
	}
	prompt := strings.Clone(messages[len(messages)-1].Parts[0].(llms.TextContent).Text)
	if strings.HasPrefix(prompt, "fail") {
		return nil, errors.New("the model exploded")
	}
	if o.StreamingFunc != nil {
		if err := o.StreamingFunc(ctx, []byte(prompt)); err != nil {
			return nil, err
		}
	}
	return &llms.ContentResponse{Choices: []*llms.ContentChoice{{
		Content: prompt, GenerationInfo: map[string]any{"PromptTokens": 3, "CompletionTokens": 1},
	}}}, nil
}

// TestAttemptTimesOnSystemClock checks, on the system clock, that every
// attempt starts after its decision (or its call) and ends before the call
// does, with a monotonic reading, whether it answered or failed.
func TestAttemptTimesOnSystemClock(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts []llmrouter.Option
	}{
		{"plain", nil},
		{"fallback", []llmrouter.Option{llmrouter.WithFallback(llmrouter.Fallback{})}},
		{"fallback+hedge", []llmrouter.Option{llmrouter.WithFallback(llmrouter.Fallback{Hedge: llmrouter.Hedge{Delay: time.Minute}})}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var sunk []*llmrouter.Decision
			r, err := llmrouter.New([]llmrouter.Provider{newForgetful(cheapCard), newForgetful(midCard), newForgetful(strongCard)},
				append(tc.opts, llmrouter.WithSink(llmrouter.SinkFunc(func(d *llmrouter.Decision) { sunk = append(sunk, d) })))...)
			require.NoError(t, err)
			for _, prompt := range []string{"what is 2 + 2?", "fail: what is 3 + 3?", "what is 4 + 4?"} {
				before := time.Now()
				_, err := r.GenerateContent(context.Background(), []llms.MessageContent{llms.TextParts(llms.ChatMessageTypeHuman, prompt)})
				after := time.Now()
				var all *llmrouter.AllFailedError
				if strings.HasPrefix(prompt, "fail") {
					require.ErrorAs(t, err, &all)
				} else {
					require.NoError(t, err)
				}
				d := sunk[len(sunk)-1]
				require.NotEmpty(t, d.Attempts)
				assert.False(t, d.Time.Before(before))
				end := d.Time.Add(d.Latency)
				assert.False(t, end.After(after))
				for _, a := range d.Attempts {
					assert.False(t, a.Start.Before(d.Time), "attempt starts before its decision")
					assert.False(t, a.Start.Add(a.Latency).After(end), "attempt ends after the call")
					assert.NotEqual(t, a.Start.String(), a.Start.Round(0).String(), "Start has a monotonic reading")
				}
			}
		})
	}
}

// TestLatencyEndsWithTheAnswer checks, on the system clock, that an
// answered call's Decision.Latency ends where its answering attempt ended
// when nothing of the call ran after it, and no earlier than that when a
// verifier or a stream did.
func TestLatencyEndsWithTheAnswer(t *testing.T) {
	for _, tc := range []struct {
		name  string
		opts  []llmrouter.Option
		call  []llms.CallOption
		exact bool
	}{
		{"plain", nil, nil, true},
		{"fallback", []llmrouter.Option{llmrouter.WithFallback(llmrouter.Fallback{})}, nil, true},
		{"verifier", []llmrouter.Option{llmrouter.WithFallback(llmrouter.Fallback{Verifier: llmrouter.DefaultVerifier})}, nil, false},
		{"stream", nil, []llms.CallOption{llms.WithStreamingFunc(func(context.Context, []byte) error { return nil })}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := llmrouter.New([]llmrouter.Provider{newForgetful(cheapCard), newForgetful(midCard), newForgetful(strongCard)}, tc.opts...)
			require.NoError(t, err)
			resp, err := r.GenerateContent(context.Background(), human("what is 2 + 2?"), tc.call...)
			require.NoError(t, err)
			d, ok := llmrouter.DecisionFrom(resp)
			require.True(t, ok)
			require.Len(t, d.Attempts, 1)
			a := d.Attempts[0]
			end := a.Start.Sub(d.Time) + a.Latency
			if tc.exact {
				assert.Equal(t, end, d.Latency)
			} else {
				assert.GreaterOrEqual(t, d.Latency, end)
			}
		})
	}
}

// TestGenerationInfoValuesAreTheCalls checks that the decision's id and
// cost in a returned choice's GenerationInfo are plain string and float64
// values, equal to the decision's, and that they do not change when the
// Decision is written to afterwards.
func TestGenerationInfoValuesAreTheCalls(t *testing.T) {
	r, err := llmrouter.New([]llmrouter.Provider{newForgetful(cheapCard)})
	require.NoError(t, err)
	resp, err := r.GenerateContent(context.Background(), human("what is 2 + 2?"))
	require.NoError(t, err)
	d, ok := llmrouter.DecisionFrom(resp)
	require.True(t, ok)
	info := resp.Choices[0].GenerationInfo
	id, cost := d.ID, d.Cost
	require.NotZero(t, cost)
	assert.Equal(t, any(id), info[llmrouter.InfoDecisionID])
	assert.Equal(t, any(cost), info[llmrouter.InfoCostUSD])
	assert.Equal(t, fmt.Sprint(id, cost), fmt.Sprint(info[llmrouter.InfoDecisionID], info[llmrouter.InfoCostUSD]))
	d.ID, d.Cost = "changed", cost+1
	runtime.GC()
	assert.Equal(t, any(id), info[llmrouter.InfoDecisionID])
	assert.Equal(t, any(cost), info[llmrouter.InfoCostUSD])
	s, _ := info[llmrouter.InfoDecisionID].(string)
	assert.Equal(t, id, strings.Clone(s))
}
