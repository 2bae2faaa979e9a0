package llmrouter_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/llmrouter/llmrouter"
	"github.com/llmrouter/llmrouter/breaker"
	"github.com/llmrouter/llmrouter/routertest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tmc/langchaingo/llms"
)

// outageProvider fails with a 503 while its clock reads before up, and
// answers from then on.
type outageProvider struct {
	card  llmrouter.ModelCard
	clock *routertest.Clock
	up    time.Time
	calls atomic.Int64
}

func (p *outageProvider) Card() llmrouter.ModelCard { return p.card }
func (p *outageProvider) GenerateContent(context.Context, []llms.MessageContent, ...llms.CallOption) (*llms.ContentResponse, error) {
	p.calls.Add(1)
	if p.clock.Now().Before(p.up) {
		return nil, routertest.ErrUnavailable
	}
	return text("back"), nil
}

// TestBreakerRecoveryThroughRouter (issue 7 item 11): the cheap model is
// down for a while, requests arrive every 100ms and fall back to mid; once
// cheap is back it answers again within one base cooldown.
func TestBreakerRecoveryThroughRouter(t *testing.T) {
	tests := []struct {
		name     string
		breaker  breaker.Settings
		down     time.Duration
		base     time.Duration // the base cooldown
		cooldown time.Duration // the bound after coming back
	}{
		{"1s cooldown, down 10s", breaker.Settings{Cooldown: time.Second}, 10 * time.Second, time.Second, time.Second},
		{"defaults, down 95s", breaker.Settings{}, 95 * time.Second, (30 * time.Second), (30 * time.Second)},
		{"growth 2 up to 4s, down 10s", breaker.Settings{Cooldown: time.Second, CooldownGrowth: 2, MaxCooldown: 4 * time.Second}, 10 * time.Second, time.Second, 4 * time.Second},
	}
	const every = 100 * time.Millisecond
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
			clock := routertest.NewClock(start)
			cheap := &outageProvider{card: cheapCard, clock: clock, up: start.Add(tt.down)}
			mid := routertest.NewProvider(midCard, ok("mid"))
			r, err := llmrouter.New([]llmrouter.Provider{cheap, mid}, llmrouter.WithClock(clock),
				llmrouter.WithFallback(llmrouter.Fallback{MaxRetries: -1, Rand: half, Breaker: tt.breaker}))
			require.NoError(t, err)

			var back time.Duration = -1
			for now := time.Duration(0); now <= tt.down+20*tt.cooldown; now += every {
				clock.Advance(start.Add(now).Sub(clock.Now()))
				resp, err := r.GenerateContent(context.Background(), human("hi"))
				require.NoError(t, err, "at %v mid answers for cheap", now)
				d, _ := llmrouter.DecisionFrom(resp)
				if d.Answered == "cheap" {
					back = now
					break
				}
				require.Equal(t, "mid", d.Answered, "at %v", now)
			}
			require.GreaterOrEqual(t, back, tt.down, "cheap answered only after %v (-1: never)", tt.down)
			assert.LessOrEqual(t, back, tt.down+tt.cooldown, "cheap came back at %v, answered at %v", tt.down, back)
			assert.Equal(t, breaker.Closed, r.Breakers().Breaker("cheap").Stats(clock.Now()).State)
			assert.Equal(t, int(back/every), mid.CallCount(), "mid answered every request until then")
			// The trip, then at most one probe per base cooldown, then the answer.
			assert.LessOrEqual(t, cheap.calls.Load(), 5+int64(tt.down/tt.base)+2,
				"while cooling, requests skip cheap")
		})
	}
}
