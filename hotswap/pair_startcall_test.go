package hotswap_test

import (
	"context"
	"sync"
	"testing"

	"github.com/llmrouter/llmrouter"
	"github.com/llmrouter/llmrouter/hotswap"
	"github.com/llmrouter/llmrouter/routertest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// starterPolicy is a policy with a StartCall hook (as budget.Budget has)
// that records, under its version's name, each call it starts and
// finishes.
type starterPolicy struct {
	name string
	mu   *sync.Mutex
	log  *[]string
}

func (p starterPolicy) Apply(*llmrouter.Routing) error { return nil }

func (p starterPolicy) StartCall(ctx context.Context, d *llmrouter.Decision, h llmrouter.Hints) (func(*llmrouter.Decision), error) {
	p.mu.Lock()
	*p.log = append(*p.log, p.name+" start")
	p.mu.Unlock()
	return func(*llmrouter.Decision) {
		p.mu.Lock()
		*p.log = append(*p.log, p.name+" done")
		p.mu.Unlock()
	}, nil
}

// swapOnClassify swaps its pair to the next version while the request is
// being classified: between the router's reading of the pair and the call.
type swapOnClassify struct {
	pair *hotswap.Pair
	next func() error
}

func (c *swapOnClassify) Classify(ctx context.Context, f *llmrouter.Features, models []llmrouter.ModelCard, p *llmrouter.Prediction) error {
	return c.next()
}

// A Pair gives each request one version: the StartCall hook run around the
// call (a budget's reservation and charge) is that of the policy the
// request was planned with. Pair.StartCall read the pair current at the
// call, so a Swap between planning and calling had the new version's
// hook (a new budget, or none) reserve for a request the old one planned.
func TestPairStartCallOfTheRequestsVersion(t *testing.T) {
	var mu sync.Mutex
	var log []string
	polA := llmrouter.DefaultPolicy(starterPolicy{"A", &mu, &log})
	polB := llmrouter.DefaultPolicy(starterPolicy{"B", &mu, &log})
	var pair *hotswap.Pair
	clB := &swapOnClassify{next: func() error { return nil }}
	clA := &swapOnClassify{next: func() error { return pair.Swap(clB, polB) }}
	pair = hotswap.NewPair(clA, polA)
	p := routertest.NewProvider(llmrouter.ModelCard{Name: "m"}, routertest.Response{Text: "ok"})
	r, err := llmrouter.New([]llmrouter.Provider{p}, llmrouter.WithClassifier(pair), llmrouter.WithPolicy(pair))
	require.NoError(t, err)
	_, err = r.GenerateContent(context.Background(), ask("hello"))
	require.NoError(t, err)
	_, err = r.GenerateContent(context.Background(), ask("hello again"))
	require.NoError(t, err)
	assert.Equal(t, []string{"A start", "A done", "B start", "B done"}, log)
}
