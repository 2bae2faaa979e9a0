package telemetry_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/llmrouter/llmrouter"
	"github.com/llmrouter/llmrouter/breaker"
	"github.com/llmrouter/llmrouter/routertest"
	"github.com/llmrouter/llmrouter/telemetry"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tmc/langchaingo/llms"
	"go.opentelemetry.io/otel/codes"
)

var (
	cheapCard  = llmrouter.ModelCard{Name: "cheap", InputPerMTok: 0.15, OutputPerMTok: 0.60, Quality: 0.7}
	strongCard = llmrouter.ModelCard{Name: "strong", InputPerMTok: 2.50, OutputPerMTok: 10, Quality: 0.9}
)

// lastSink keeps the last decision the router recorded.
type lastSink struct{ d *llmrouter.Decision }

func (s *lastSink) Record(d *llmrouter.Decision) { s.d = d }

// routerWith builds a router over cheap and strong fakes answering the
// scripts, on an auto-advancing fake clock, recording into h and last.
// cheap's breaker opens at its first failure.
func routerWith(t *testing.T, scripts [2][]routertest.Response) (*llmrouter.Router, *harness, *lastSink) {
	t.Helper()
	clock := routertest.NewClock(t0).SetAutoAdvance(true)
	reg := breaker.NewRegistry(breaker.Settings{ConsecutiveFailures: 1, Cooldown: time.Minute})
	h := newHarness(t, telemetry.Options{Breakers: reg, Models: []string{"cheap", "strong"}, Clock: clock.Now})
	last := &lastSink{}
	ps := []llmrouter.Provider{
		routertest.NewProvider(cheapCard, scripts[0]...).WithClock(clock),
		routertest.NewProvider(strongCard, scripts[1]...).WithClock(clock),
	}
	r, err := llmrouter.New(ps, llmrouter.WithClock(clock),
		llmrouter.WithFallback(llmrouter.Fallback{MaxRetries: -1, Breakers: reg, Clock: clock}),
		llmrouter.WithSink(h.sink, last))
	require.NoError(t, err)
	return r, h, last
}

const rateLimited = "API returned unexpected status code: 429: Rate limit reached"

// TestSinkThroughRouter: a real router's decision, handed over WithSink,
// becomes spans whose times are the attempts' and metrics whose values are
// the decision's.
func TestSinkThroughRouter(t *testing.T) {
	tests := []struct {
		name      string
		scripts   [2][]routertest.Response
		wantErr   bool
		spans     map[string]codes.Code // attempt span → status
		attempts  map[[3]string]float64 // model, outcome, error.type → count
		breaker   map[string]float64    // model → state
		requestTy string
	}{
		{
			name: "cheap rate-limited, strong answers",
			scripts: [2][]routertest.Response{
				{{Err: errors.New(rateLimited), Latency: 300 * time.Millisecond}},
				{{Text: "proof", InputTokens: 40, OutputTokens: 300, Latency: 2 * time.Second}},
			},
			spans:    map[string]codes.Code{"chat cheap": codes.Error, "chat strong": codes.Unset},
			attempts: map[[3]string]float64{{"cheap", "error", "rate_limit"}: 1, {"strong", "ok", ""}: 1},
			breaker:  map[string]float64{"cheap": float64(breaker.Open), "strong": float64(breaker.Closed)},
		},
		{
			name: "both fail",
			scripts: [2][]routertest.Response{
				{{Err: errors.New(rateLimited), Latency: 300 * time.Millisecond}},
				{{Err: &llms.Error{Code: llms.ErrCodeAuthentication, Message: "bad key"}, Latency: 100 * time.Millisecond}},
			},
			wantErr:   true,
			spans:     map[string]codes.Code{"chat cheap": codes.Error, "chat strong": codes.Error},
			attempts:  map[[3]string]float64{{"cheap", "error", "rate_limit"}: 1, {"strong", "error", "authentication"}: 1},
			breaker:   map[string]float64{"cheap": float64(breaker.Open), "strong": float64(breaker.Open)},
			requestTy: "authentication",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, h, last := routerWith(t, tt.scripts)
			// cheap is planned first (cheapest adequate); its failure
			// falls back to strong.
			_, err := r.GenerateContent(context.Background(), []llms.MessageContent{
				llms.TextParts(llms.ChatMessageTypeHuman, "hi"),
			})
			if tt.wantErr {
				require.Error(t, err)
			} else {
				require.NoError(t, err)
			}
			d := last.d
			require.NotNil(t, d)
			require.Len(t, d.Attempts, len(tt.spans), "the scenario tries both models: %s", d.Explain())

			req := h.byName("llmrouter.request")
			require.Len(t, req, 1)
			assert.Equal(t, d.Time, req[0].StartTime())
			assert.Equal(t, d.Time.Add(d.Latency), req[0].EndTime())
			assert.Equal(t, tt.requestTy, spanAttrs(req[0])["error.type"])
			for _, a := range d.Attempts {
				sp := h.byName("chat " + a.Model)
				require.Len(t, sp, 1, a.Model)
				assert.Equal(t, req[0].SpanContext().SpanID(), sp[0].Parent().SpanID())
				assert.Equal(t, a.Start, sp[0].StartTime(), a.Model)
				assert.Equal(t, a.Start.Add(a.Latency), sp[0].EndTime(), a.Model)
				assert.Equal(t, tt.spans["chat "+a.Model], sp[0].Status().Code, a.Model)
			}

			rm := h.collect(t)
			reqs, _ := points(rm, "llmrouter.requests")
			require.Len(t, reqs, 1)
			assert.Equal(t, 1.0, reqs[0].value)
			dur, _ := points(rm, "llmrouter.request.duration")
			require.Len(t, dur, 1)
			assert.Equal(t, uint64(1), dur[0].count)
			assert.InDelta(t, d.Latency.Seconds(), dur[0].value, 1e-9)

			got := map[[3]string]float64{}
			atts, _ := points(rm, "llmrouter.attempts")
			for _, p := range atts {
				got[[3]string{p.attrs["gen_ai.request.model"], p.attrs["llmrouter.outcome"], p.attrs["error.type"]}] += p.value
			}
			assert.Equal(t, tt.attempts, got)

			var cost float64
			costs, _ := points(rm, "llmrouter.cost")
			for _, p := range costs {
				cost += p.value
			}
			assert.InDelta(t, d.Cost, cost, 1e-12)

			ops, _ := points(rm, "gen_ai.client.operation.duration")
			var opCount uint64
			var opSum float64
			for _, p := range ops {
				opCount += p.count
				opSum += p.value
			}
			assert.Equal(t, uint64(len(d.Attempts)), opCount)
			var want float64
			for _, a := range d.Attempts {
				want += a.Latency.Seconds()
			}
			assert.InDelta(t, want, opSum, 1e-9)

			tokens := map[string]float64{}
			toks, _ := points(rm, "gen_ai.client.token.usage")
			for _, p := range toks {
				tokens[p.attrs["gen_ai.token.type"]] += p.value
			}
			if tt.wantErr {
				assert.Empty(t, tokens, "failed calls reported no usage")
			} else {
				assert.Equal(t, map[string]float64{"input": 40, "output": 300}, tokens)
			}

			states := map[string]float64{}
			gauge, ok := points(rm, "llmrouter.breaker.state")
			require.True(t, ok)
			for _, p := range gauge {
				states[p.attrs["gen_ai.request.model"]] = p.value
			}
			assert.Equal(t, tt.breaker, states)
		})
	}
}
