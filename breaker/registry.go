package breaker

import (
	"sync"
	"time"
)

// Registry holds one [Breaker] per model name, created on first use
// with the registry's settings. The zero value is ready to use (default
// settings); all methods are safe for concurrent use. A nil *Registry is
// no breakers (what llmrouter.Router.Breakers returns for a router
// without them): its Breaker is nil, a nil *Breaker allowing everything.
type Registry struct {
	settings Settings
	mu       sync.Mutex
	m        map[string]*Breaker
}

// NewRegistry returns a registry whose breakers use settings s.
func NewRegistry(s Settings) *Registry {
	return &Registry{settings: s}
}

// Breaker returns the breaker of model, creating it if needed.
func (r *Registry) Breaker(model string) *Breaker {
	if r == nil {
		return nil
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.m == nil {
		r.m = make(map[string]*Breaker)
	}
	b, ok := r.m[model]
	if !ok {
		b = New(r.settings)
		b.model = model
		r.m[model] = b
	}
	return b
}

// lookup returns the breaker of model or nil, without creating one.
func (r *Registry) lookup(model string) *Breaker {
	if r == nil {
		return nil
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.m[model]
}

// Allow is r.Breaker(model).Allow(now).
func (r *Registry) Allow(model string, now time.Time) (bool, time.Time) {
	return r.Breaker(model).Allow(now)
}

// Record is r.Breaker(model).Record(now, err).
func (r *Registry) Record(model string, now time.Time, err error) State {
	return r.Breaker(model).Record(now, err)
}

// NextAvailable answers "when every candidate is cooling down, when does the
// first come back?": it returns now if any of models would be allowed at now
// (a model never seen is, unless [Settings.Shared] says another replica
// opened it: its breaker is then made, to ask), otherwise the earliest
// retryAt among them. ok is false only when models is empty. It changes
// no breaker's state.
func (r *Registry) NextAvailable(now time.Time, models ...string) (at time.Time, ok bool) {
	bs := make([]*Breaker, 0, len(models))
	for _, m := range models {
		b := r.lookup(m)
		if b == nil && r != nil && r.settings.Shared != nil {
			b = r.Breaker(m) // another replica may have opened it
		}
		if b == nil {
			return now, true
		}
		bs = append(bs, b)
	}
	return EarliestRetry(now, bs...)
}

// EarliestRetry returns now if any of breakers would allow a request at now
// (a nil breaker counts as allowing), otherwise the earliest of their retry
// times. ok is false only when no breaker is given. It changes no breaker.
func EarliestRetry(now time.Time, breakers ...*Breaker) (at time.Time, ok bool) {
	for _, b := range breakers {
		var t time.Time
		if b != nil {
			t = b.RetryAt(now)
		}
		if t.IsZero() {
			return now, true
		}
		if !ok || t.Before(at) {
			at = t
		}
		ok = true
	}
	return at, ok
}
