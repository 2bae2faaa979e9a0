package hotswap

import (
	"context"
	"sync"
	"sync/atomic"

	"github.com/llmrouter/llmrouter"
)

// Pair holds a classifier and a policy that are replaced together, with one
// atomic store, so that no request sees the classifier of one version and
// the policy of another. Give the same Pair to New as both stages:
//
//	pair := hotswap.NewPair(classifier, policy)
//	r, err := llmrouter.New(providers, llmrouter.WithClassifier(pair), llmrouter.WithPolicy(pair))
//
// The router then calls Stages once per request and uses that pair for the
// whole decision. (Used as one stage only, or through Chain, each of
// Classify and Apply reads the current pair on its own, which cannot
// guarantee that.) Build it with NewPair; the zero value holds the
// defaults, as NewPair(nil, nil). It is safe for concurrent use, and
// requests never block on a Swap.
type Pair struct {
	cur  atomic.Pointer[pairBox]
	mu   sync.Mutex
	sets modelSets
}

type pairBox struct {
	c llmrouter.Classifier
	p llmrouter.Policy
}

// NewPair returns a holder of c and p; nil means the default of that stage
// (llmrouter.DefaultClassifier(), llmrouter.DefaultPolicy()).
func NewPair(c llmrouter.Classifier, p llmrouter.Policy) *Pair {
	h := &Pair{}
	h.cur.Store(&pairBox{orDefaultClassifier(c), orDefaultPolicy(p)})
	return h
}

// box is the held pair: the zero value's first use stores the defaults,
// as NewPair(nil, nil) would (one pair for every caller, by CAS).
func (h *Pair) box() *pairBox {
	if b := h.cur.Load(); b != nil {
		return b
	}
	h.cur.CompareAndSwap(nil, &pairBox{llmrouter.DefaultClassifier(), llmrouter.DefaultPolicy()})
	return h.cur.Load()
}

// Stages returns the current classifier and policy, read together.
func (h *Pair) Stages() (llmrouter.Classifier, llmrouter.Policy) {
	b := h.box()
	return b.c, b.p
}

// Classify runs the current classifier.
func (h *Pair) Classify(ctx context.Context, f *llmrouter.Features, models []llmrouter.ModelCard, p *llmrouter.Prediction) error {
	return h.box().c.Classify(ctx, f, models, p)
}

// Apply runs the current policy.
func (h *Pair) Apply(r *llmrouter.Routing) error { return h.box().p.Apply(r) }

// Validate validates the current classifier and policy against models and,
// when they pass, remembers models for later Swaps (a set that fails
// belongs to no router). New calls it.
func (h *Pair) Validate(models []llmrouter.ModelCard) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	b := h.box()
	if err := (modelSets{models}).check("classifier or policy", b.c, b.p); err != nil {
		return err // New fails: no router uses these models
	}
	h.sets.add(models)
	return nil
}

// Swap replaces both stages at once (nil: that stage's default), after
// validating both against every model set the pair was validated with; on
// error it returns it and keeps the old pair whole. To change one stage,
// pass the other as Stages returned it (with your own lock if several
// goroutines swap).
func (h *Pair) Swap(c llmrouter.Classifier, p llmrouter.Policy) error {
	c, p = orDefaultClassifier(c), orDefaultPolicy(p)
	if err := nilValue(nilNew, "classifier", c); err != nil {
		return err
	}
	if err := nilValue(nilNew, "policy", p); err != nil {
		return err
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if err := h.sets.check("classifier or policy", c, p); err != nil {
		return err
	}
	h.cur.Store(&pairBox{c, p})
	return nil
}
