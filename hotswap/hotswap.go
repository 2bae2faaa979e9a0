package hotswap

import (
	"context"
	"fmt"
	"log"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/llmrouter/llmrouter"
)

// validator is the optional Validate method of classifiers and policies
// (see llmrouter.Classifier).
type validator interface {
	Validate(models []llmrouter.ModelCard) error
}

// modelSets remembers the model sets a holder was validated with, so that
// Swap can check a new value against every router using the holder.
// Callers hold the holder's mutex.
type modelSets [][]llmrouter.ModelCard

func (s *modelSets) add(models []llmrouter.ModelCard) {
	for _, ms := range *s {
		if slices.EqualFunc(ms, models, func(a, b llmrouter.ModelCard) bool { return a.Name == b.Name }) {
			return
		}
	}
	*s = append(*s, slices.Clone(models))
}

// check validates each value that has a Validate method against every set.
func (s modelSets) check(what string, vs ...any) error {
	for _, v := range vs {
		val, ok := v.(validator)
		if !ok {
			continue
		}
		for _, ms := range s {
			if err := val.Validate(ms); err != nil {
				return fmt.Errorf("hotswap: new %s refused, the old one stays: %w", what, err)
			}
		}
	}
	return nil
}

// Classifier is a llmrouter.Classifier whose classifier can be replaced
// while requests run. Build it with NewClassifier; the zero value holds
// llmrouter.DefaultClassifier(), as NewClassifier(nil). It is safe for
// concurrent use, and Classify never blocks on a Swap.
type Classifier struct {
	cur  atomic.Pointer[classifierBox]
	mu   sync.Mutex // serialises Swap and Validate
	sets modelSets
}

type classifierBox struct{ c llmrouter.Classifier }

// NewClassifier returns a holder of c; nil means llmrouter.DefaultClassifier().
func NewClassifier(c llmrouter.Classifier) *Classifier {
	h := &Classifier{}
	h.cur.Store(&classifierBox{orDefaultClassifier(c)})
	return h
}

// box is the held classifier: the zero value's first use stores the
// default, as NewClassifier(nil) would (one for every caller, by CAS).
func (h *Classifier) box() *classifierBox {
	if b := h.cur.Load(); b != nil {
		return b
	}
	h.cur.CompareAndSwap(nil, &classifierBox{llmrouter.DefaultClassifier()})
	return h.cur.Load()
}

func orDefaultClassifier(c llmrouter.Classifier) llmrouter.Classifier {
	if c == nil {
		return llmrouter.DefaultClassifier()
	}
	return c
}

// Classify runs the current classifier.
func (h *Classifier) Classify(ctx context.Context, f *llmrouter.Features, models []llmrouter.ModelCard, p *llmrouter.Prediction) error {
	return h.box().c.Classify(ctx, f, models, p)
}

// Validate validates the current classifier against models (if it has a
// Validate method) and, when it passes, remembers models for later Swaps
// (a set that fails belongs to no router). New calls it.
func (h *Classifier) Validate(models []llmrouter.ModelCard) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	if err := (modelSets{models}).check("classifier", h.box().c); err != nil {
		return err // New fails: no router uses these models
	}
	h.sets.add(models)
	return nil
}

// Swap makes c (nil: llmrouter.DefaultClassifier()) the classifier of every
// request that starts classifying from now on. It first validates c against
// every model set the holder was validated with; on error it returns it and
// keeps the old classifier.
func (h *Classifier) Swap(c llmrouter.Classifier) error {
	c = orDefaultClassifier(c)
	if err := nilValue(nilNew, "classifier", c); err != nil {
		return err
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if err := h.sets.check("classifier", c); err != nil {
		return err
	}
	h.cur.Store(&classifierBox{c})
	return nil
}

// Load returns the current classifier.
func (h *Classifier) Load() llmrouter.Classifier { return h.box().c }

// Policy is a llmrouter.Policy whose policy (its thresholds, its rules) can
// be replaced while requests run. Build it with NewPolicy; the zero value
// holds llmrouter.DefaultPolicy(), as NewPolicy(nil). It is safe for
// concurrent use, and Apply never blocks on a Swap.
type Policy struct {
	cur  atomic.Pointer[policyBox]
	mu   sync.Mutex
	sets modelSets
}

type policyBox struct{ p llmrouter.Policy }

// NewPolicy returns a holder of p; nil means llmrouter.DefaultPolicy().
func NewPolicy(p llmrouter.Policy) *Policy {
	h := &Policy{}
	h.cur.Store(&policyBox{orDefaultPolicy(p)})
	return h
}

// box is the held policy: the zero value's first use stores the default,
// as NewPolicy(nil) would (one for every caller, by CAS).
func (h *Policy) box() *policyBox {
	if b := h.cur.Load(); b != nil {
		return b
	}
	h.cur.CompareAndSwap(nil, &policyBox{llmrouter.DefaultPolicy()})
	return h.cur.Load()
}

func orDefaultPolicy(p llmrouter.Policy) llmrouter.Policy {
	if p == nil {
		return llmrouter.DefaultPolicy()
	}
	return p
}

// Apply runs the current policy.
func (h *Policy) Apply(r *llmrouter.Routing) error { return h.box().p.Apply(r) }

// Validate validates the current policy against models (if it has a
// Validate method) and, when it passes, remembers models for later Swaps
// (a set that fails belongs to no router). New calls it.
func (h *Policy) Validate(models []llmrouter.ModelCard) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	if err := (modelSets{models}).check("policy", h.box().p); err != nil {
		return err // New fails: no router uses these models
	}
	h.sets.add(models)
	return nil
}

// Swap makes p (nil: llmrouter.DefaultPolicy()) the policy of every request
// that starts planning from now on, after validating it against every model
// set the holder was validated with; on error it returns it and keeps the
// old policy.
func (h *Policy) Swap(p llmrouter.Policy) error {
	p = orDefaultPolicy(p)
	if err := nilValue(nilNew, "policy", p); err != nil {
		return err
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if err := h.sets.check("policy", p); err != nil {
		return err
	}
	h.cur.Store(&policyBox{p})
	return nil
}

// Load returns the current policy.
func (h *Policy) Load() llmrouter.Policy { return h.box().p }

// Verifier is a llmrouter.Verifier (for llmrouter.Fallback.Verifier) whose
// verifier can be replaced while requests run. Build it with NewVerifier;
// the zero value accepts every answer, as NewVerifier(nil). It is safe
// for concurrent use, and Verify never blocks on a Swap.
type Verifier struct {
	cur atomic.Pointer[verifierBox]
}

type verifierBox struct {
	v   llmrouter.Verifier
	bad error // v is a nil pointer or func: every verification fails with it
}

// NewVerifier returns a holder of v; nil accepts every answer. A v that
// is a nil pointer or func (a constructor whose error was dropped) fails
// every verification with an error naming it, rather than panicking in
// each: the holder fails closed.
func NewVerifier(v llmrouter.Verifier) *Verifier {
	h := &Verifier{}
	h.cur.Store(&verifierBox{v: v, bad: nilValue(nilHeld, "verifier", v)})
	return h
}

// Verify runs the current verifier; with none it accepts the answer.
func (h *Verifier) Verify(ctx context.Context, a *llmrouter.Answer) error {
	b := h.cur.Load()
	if b == nil { // the zero value, as NewVerifier(nil)
		return nil
	}
	if b.bad != nil {
		return b.bad
	}
	if b.v != nil {
		return b.v.Verify(ctx, a)
	}
	return nil
}

// Swap makes v the verifier of every verification that starts from now on;
// nil turns verification off (every answer accepted). A v that is a nil
// pointer or func is refused as the other holders' Swap refuse it, but
// Swap returns no error (its signature predates the check): the old
// verifier stays and the refusal is logged through the standard log
// package ("hotswap: new verifier is a nil *T; the old one stays").
func (h *Verifier) Swap(v llmrouter.Verifier) {
	if err := nilValue(nilNew, "verifier", v); err != nil {
		log.Print(err)
		return
	}
	h.cur.Store(&verifierBox{v: v})
}

// Load returns the current verifier (nil: none).
func (h *Verifier) Load() llmrouter.Verifier {
	if b := h.cur.Load(); b != nil {
		return b.v
	}
	return nil
}
