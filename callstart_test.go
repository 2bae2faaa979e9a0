package llmrouter_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/llmrouter/llmrouter"
	"github.com/llmrouter/llmrouter/routertest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tmc/langchaingo/llms"
)

// starterPolicy is a pass-through policy with a StartCall method that
// records what it saw and can cap or refuse the call.
type starterPolicy struct {
	mu      sync.Mutex
	started []string // decision ids
	users   []string // the hints' users, as given
	done    []*llmrouter.Decision
	cap     float64
	refuse  error
}

func (p *starterPolicy) Apply(*llmrouter.Routing) error { return nil }

func (p *starterPolicy) StartCall(_ context.Context, d *llmrouter.Decision, h llmrouter.Hints) (func(*llmrouter.Decision), error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.started = append(p.started, d.ID)
	p.users = append(p.users, h.User)
	if p.refuse != nil {
		return nil, p.refuse
	}
	if p.cap > 0 {
		d.Hints.MaxCost = p.cap
	}
	return func(d *llmrouter.Decision) {
		p.mu.Lock()
		defer p.mu.Unlock()
		p.done = append(p.done, d)
	}, nil
}

func TestStartCallHook(t *testing.T) {
	refused := errors.New("refused by the starter")
	for _, tc := range []struct {
		name      string
		refuse    error
		capOut    int // the output tokens the starter's cap pays for
		wantErr   error
		wantDone  int
		wantMaxTo int // the output-token limit the provider saw; 0 none
	}{
		{name: "runs around the call", wantDone: 1},
		{name: "a cap it sets holds the attempts", capOut: 300, wantDone: 1, wantMaxTo: 300},
		{name: "refusal reaches the caller and the sinks", refuse: refused, wantErr: refused},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := &starterPolicy{refuse: tc.refuse}
			prov := routertest.NewProvider(cheapCard, routertest.Response{Text: "ok", InputTokens: 20, OutputTokens: 5})
			var sunk []*llmrouter.Decision
			r, err := llmrouter.New([]llmrouter.Provider{prov},
				llmrouter.WithPolicy(llmrouter.DefaultPolicy(p, llmrouter.CheapestAdequate{})),
				llmrouter.WithUserRedaction(llmrouter.UserRedaction{Omit: true}),
				llmrouter.WithSink(llmrouter.SinkFunc(func(d *llmrouter.Decision) { sunk = append(sunk, d) })))
			require.NoError(t, err)
			ctx := llmrouter.WithHints(context.Background(), llmrouter.Hints{User: "alice"})

			dry, err := r.Route(ctx, human("hello there"))
			require.NoError(t, err)
			if tc.capOut > 0 {
				p.cap = cheapCard.Cost(dry.Features.Tokens, tc.capOut)
			}
			assert.Empty(t, p.started, "Route is a dry run: no StartCall")

			_, err = r.GenerateContent(ctx, human("hello there"))
			if tc.wantErr != nil {
				require.ErrorIs(t, err, tc.wantErr)
				assert.Equal(t, 0, prov.CallCount(), "a refused call calls no model")
			} else {
				require.NoError(t, err)
			}
			require.Len(t, sunk, 1, "the decision goes to the sinks, refused or not")
			assert.Equal(t, []string{sunk[0].ID}, p.started)
			assert.Equal(t, []string{"alice"}, p.users, "StartCall sees the user as given, not redacted")
			assert.Empty(t, sunk[0].Hints.User)
			require.Len(t, p.done, tc.wantDone)
			if tc.wantDone > 0 {
				assert.Same(t, sunk[0], p.done[0])
				assert.Len(t, p.done[0].Attempts, 1, "done sees the finished decision")
			}
			if tc.wantErr == nil {
				calls := prov.Calls()
				require.Len(t, calls, 1)
				assert.Equal(t, tc.wantMaxTo, calls[0].Options.MaxTokens)
			}
		})
	}
}

// latencySetter stands for an observed-latency policy applied before
// DefaultPolicy: it replaces one candidate's expected latency.
type latencySetter struct {
	model string
	lat   time.Duration
}

func (p latencySetter) Apply(r *llmrouter.Routing) error {
	for i := range r.Candidates {
		if r.Candidates[i].Model == p.model {
			r.Candidates[i].Latency = p.lat
		}
	}
	return nil
}

func TestLatencyFilterReadsCandidateLatency(t *testing.T) {
	slow, fast := cheapCard, midCard
	slow.TypicalLatency, fast.TypicalLatency = 3*time.Second, 500*time.Millisecond
	for _, tc := range []struct {
		name    string
		pre     llmrouter.Policy
		removed map[string]string
	}{
		{"card figures", nil, map[string]string{"cheap": "typical latency 3s > budget 1s"}},
		{"observed faster than the card", latencySetter{"cheap", 800 * time.Millisecond}, map[string]string{}},
		{"observed slower than the card", latencySetter{"mid", 1500 * time.Millisecond},
			map[string]string{"cheap": "typical latency 3s > budget 1s", "mid": "expected latency 1.5s > budget 1s"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := llmrouter.DefaultPolicy()
			if tc.pre != nil {
				p = llmrouter.Chain(tc.pre, p)
			}
			r, err := llmrouter.New([]llmrouter.Provider{routertest.NewProvider(slow), routertest.NewProvider(fast)}, llmrouter.WithPolicy(p))
			require.NoError(t, err)
			ctx := llmrouter.WithHints(context.Background(), llmrouter.Hints{LatencyBudget: time.Second})
			d, err := r.Route(ctx, human("hello there"))
			if len(tc.removed) == 2 {
				var nc *llmrouter.NoCandidateError
				require.ErrorAs(t, err, &nc)
				d = &llmrouter.Decision{Candidates: nc.Candidates}
			} else {
				require.NoError(t, err)
			}
			got := map[string]string{}
			for _, c := range d.Candidates {
				if c.Removed != "" {
					got[c.Model] = c.Removed
				}
			}
			assert.Equal(t, tc.removed, got)
		})
	}
}

func TestAttemptFirstToken(t *testing.T) {
	clock := routertest.NewClock(time.Unix(1000, 0))
	prov := &chunkedProvider{card: cheapCard, clock: clock, before: 300 * time.Millisecond, between: 100 * time.Millisecond, chunks: []string{"a", "b", "c"}}
	r, err := llmrouter.New([]llmrouter.Provider{prov}, llmrouter.WithClock(clock))
	require.NoError(t, err)
	for _, tc := range []struct {
		name      string
		stream    bool
		wantFirst time.Duration
	}{
		{"streamed", true, 300 * time.Millisecond},
		{"not streamed", false, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var opts []llms.CallOption
			if tc.stream {
				opts = append(opts, llms.WithStreamingFunc(func(context.Context, []byte) error { return nil }))
			}
			resp, err := r.GenerateContent(context.Background(), human("hello there"), opts...)
			require.NoError(t, err)
			d, ok := llmrouter.DecisionFrom(resp)
			require.True(t, ok)
			require.Len(t, d.Attempts, 1)
			assert.Equal(t, tc.wantFirst, d.Attempts[0].FirstToken)
			assert.Equal(t, 500*time.Millisecond, d.Attempts[0].Latency)
		})
	}
}

// chunkedProvider advances the clock before its first chunk and between
// chunks, so time to first token and total latency differ.
type chunkedProvider struct {
	card            llmrouter.ModelCard
	clock           *routertest.Clock
	before, between time.Duration
	chunks          []string
}

func (p *chunkedProvider) Card() llmrouter.ModelCard { return p.card }

func (p *chunkedProvider) GenerateContent(ctx context.Context, _ []llms.MessageContent, options ...llms.CallOption) (*llms.ContentResponse, error) {
	var o llms.CallOptions
	for _, opt := range options {
		opt(&o)
	}
	p.clock.Advance(p.before)
	text := ""
	for i, c := range p.chunks {
		if i > 0 {
			p.clock.Advance(p.between)
		}
		if o.StreamingFunc != nil {
			if err := o.StreamingFunc(ctx, []byte(c)); err != nil {
				return nil, err
			}
		}
		text += c
	}
	return &llms.ContentResponse{Choices: []*llms.ContentChoice{{Content: text}}}, nil
}

// holderPolicy hands Apply and StartCall to the policy it holds, as
// hotswap's holders do; New does not look through it.
type holderPolicy struct{ p llmrouter.Policy }

func (h holderPolicy) Apply(r *llmrouter.Routing) error { return h.p.Apply(r) }

func (h holderPolicy) StartCall(ctx context.Context, d *llmrouter.Decision, hints llmrouter.Hints) (func(*llmrouter.Decision), error) {
	s, ok := h.p.(interface {
		StartCall(context.Context, *llmrouter.Decision, llmrouter.Hints) (func(*llmrouter.Decision), error)
	})
	if !ok {
		return nil, nil
	}
	return s.StartCall(ctx, d, hints)
}

// A Chain (and so DefaultPolicy) held by a value New does not look
// through hands the call to its starters: they run in order, finish last
// first, and a refusal finishes the ones before it. Before, a chain had
// no StartCall, so a budget behind a holder was never charged.
func TestChainStartCallThroughHolder(t *testing.T) {
	refused := errors.New("refused by the second starter")
	for _, tc := range []struct {
		name     string
		refuse   error
		wantDone int // the first starter's done calls
	}{
		{"both start, both finish", nil, 1},
		{"the second refuses: the first is finished", refused, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			first, second := &starterPolicy{}, &starterPolicy{refuse: tc.refuse}
			prov := routertest.NewProvider(cheapCard)
			var sunk []*llmrouter.Decision
			r, err := llmrouter.New([]llmrouter.Provider{prov},
				llmrouter.WithPolicy(holderPolicy{llmrouter.DefaultPolicy(first, llmrouter.Chain(second), llmrouter.CheapestAdequate{})}),
				llmrouter.WithSink(llmrouter.SinkFunc(func(d *llmrouter.Decision) { sunk = append(sunk, d) })))
			require.NoError(t, err)
			_, err = r.GenerateContent(context.Background(), human("hello there"))
			require.Len(t, sunk, 1)
			assert.Len(t, first.started, 1)
			assert.Len(t, second.started, 1)
			require.Len(t, first.done, tc.wantDone)
			if tc.refuse != nil {
				require.ErrorIs(t, err, tc.refuse)
				assert.ErrorIs(t, first.done[0].Err, tc.refuse, "the first starter sees the refusal")
				assert.Zero(t, prov.CallCount())
				assert.Empty(t, second.done)
				return
			}
			require.NoError(t, err)
			assert.Same(t, sunk[0], first.done[0])
			require.Len(t, second.done, 1)
			assert.Same(t, sunk[0], second.done[0])
		})
	}
}
