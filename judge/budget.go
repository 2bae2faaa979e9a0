package judge

import (
	"errors"
	"sync"
	"time"

	"github.com/llmrouter/llmrouter/internal/usage"

	"github.com/llmrouter/llmrouter"
	"github.com/tmc/langchaingo/llms"
)

// ErrOverCap: judging the item could pass Options.SpendCap in the current
// window, so it was skipped. Result.Err wraps it.
var ErrOverCap = errors.New("judge: spend cap reached")

// budget enforces the spend cap per window. An item reserves its worst
// case before any call and settles its actual cost after, so concurrent
// workers cannot together pass the cap on what they reserved.
type budget struct {
	mu     sync.Mutex
	clock  llmrouter.Clock
	cap    float64 // USD per window; 0: none
	window time.Duration

	start           time.Time // of the current window
	spent, reserved float64   // in the current window; reserved outstanding
	total           float64   // over all windows
}

// roll starts a new window when the current one has ended. Call with mu held.
func (b *budget) roll() {
	if now := b.clock.Now(); b.start.IsZero() || now.Sub(b.start) >= b.window {
		b.start, b.spent = now, 0
	}
}

// reserve sets aside c and reports whether it fits under the cap.
func (b *budget) reserve(c float64) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.roll()
	if b.cap > 0 && b.spent+b.reserved+c > b.cap {
		return false
	}
	b.reserved += c
	return true
}

// settle releases a reservation of c and charges actual.
func (b *budget) settle(c, actual float64) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.roll()
	b.reserved -= c
	if b.reserved < 1e-15 { // float residue of many reservations
		b.reserved = 0
	}
	b.spent += actual
	b.total += actual
}

func (b *budget) snapshot() (window, total float64) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.spent, b.total
}

// estTokens is an upper-leaning token estimate for reservations: about 3
// bytes a token (English averages about 4), plus a few per message.
func estTokens(msgs []llms.MessageContent) int {
	n := 0
	for _, m := range msgs {
		n += 8
		for _, p := range m.Parts {
			if t, ok := p.(llms.TextContent); ok {
				n += (len(t.Text) + 2) / 3
			}
		}
	}
	return n
}

// usageOf reads the token usage a langchaingo response reports (the keys
// of openai, anthropic, ollama and the router's fakes); when it reports
// none, the usage is estimated at 4 bytes a token and marked Estimated.
func usageOf(resp *llms.ContentResponse, msgs []llms.MessageContent) llmrouter.Usage {
	if c, ok := usage.Read(resp); ok {
		return llmrouter.Usage{InputTokens: c.Input, OutputTokens: c.Output, CachedInputTokens: c.CachedInput, CacheWriteTokens: c.CacheWrite}
	}
	u := llmrouter.Usage{Estimated: true}
	for _, m := range msgs {
		for _, p := range m.Parts {
			if t, ok := p.(llms.TextContent); ok {
				u.InputTokens += (len(t.Text) + 3) / 4
			}
		}
	}
	u.OutputTokens = (len(content(resp)) + 3) / 4
	return u
}

// content is the text of a response's first choice.
func content(resp *llms.ContentResponse) string {
	if resp == nil {
		return ""
	}
	for _, c := range resp.Choices {
		if c != nil {
			return c.Content
		}
	}
	return ""
}
