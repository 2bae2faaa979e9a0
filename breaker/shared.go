package breaker

import (
	"log"
	"runtime/debug"
	"time"
)

// Shared is where the breakers of several routers (replicas of one
// service, in other processes) publish that a model is open, so that a
// model that trips on one replica cools down on all. Set it as
// [Settings.Shared]; package redisstore has one on Redis.
//
// Only the open period is shared: failure counts, probes and closing stay
// local. A breaker made by a [Registry] (which knows the model's name)
// asks OpenUntil on each Allow, before taking its own lock; when the
// answer is later than now it opens (or stays open) until then, as if it
// had tripped itself, without counting a trip for CooldownGrowth and
// without publishing. Each time its own open period starts or grows
// (Record, Trip) it calls Opened after releasing its lock. A breaker
// made by [New] knows no model name and ignores Shared.
//
// Implementations must be safe for concurrent use and return promptly
// whatever their backend does (Allow is on every request's path): on a
// failure OpenUntil returns the zero time and the breaker acts alone. A
// panic in either method is recovered, logged with its stack through the
// standard log package and treated as such a failure: it never reaches
// the caller of Allow, Record or Trip (a router's GenerateContent).
type Shared interface {
	// OpenUntil returns until when model is open according to any
	// replica; the zero time or a time not after now means it is not.
	OpenUntil(model string, now time.Time) time.Time
	// Opened records that model's breaker opened (or its open period
	// grew) at now, until until.
	Opened(model string, now, until time.Time)
}

// adopt opens b until the shared end, if that is later than now and than
// b's own end (capped at MaxCooldown from now: a bad stored end cannot
// shut a model out for longer).
func (b *Breaker) adopt(now time.Time) {
	if b.shared == nil || b.model == "" {
		return
	}
	until := b.sharedOpenUntil(now)
	if !until.After(now) {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	s := b.settings()
	if lim := now.Add(s.MaxCooldown); until.After(lim) {
		until = lim
	}
	if b.state == Open && !until.After(b.retryAt) {
		return
	}
	if b.state != Open {
		b.state = Open
		b.openedAt = now
		b.probes = 0
	}
	b.retryAt = until
}

// publish tells the shared state that b is open until until; callers
// hold no lock.
func (b *Breaker) publish(now, until time.Time) {
	if b.shared != nil && b.model != "" {
		defer b.logSharedPanic()
		b.shared.Opened(b.model, now, until)
	}
}

// sharedOpenUntil asks the shared state; a panic reads as a failure (the
// zero time: the breaker acts alone).
func (b *Breaker) sharedOpenUntil(now time.Time) (until time.Time) {
	defer b.logSharedPanic()
	return b.shared.OpenUntil(b.model, now)
}

// logSharedPanic, deferred around a call to Shared, recovers its panic
// and logs it with its stack (as a router logs a sink's).
func (b *Breaker) logSharedPanic() {
	if v := recover(); v != nil {
		log.Printf("breaker: Settings.Shared %T panicked for model %s: %v\n%s", b.shared, b.model, v, debug.Stack())
	}
}

// sharedUntil is the shared end of b's open period as adopt would take
// it (capped at MaxCooldown from now), or the zero time when there is
// none later than now. It changes nothing: the read methods report the
// shared state without waiting for an Allow to adopt it.
func (b *Breaker) sharedUntil(now time.Time) time.Time {
	if b.shared == nil || b.model == "" {
		return time.Time{}
	}
	until := b.sharedOpenUntil(now)
	if !until.After(now) {
		return time.Time{}
	}
	b.mu.Lock()
	lim := now.Add(b.settings().MaxCooldown)
	b.mu.Unlock()
	if until.After(lim) {
		until = lim
	}
	return until
}

// laterShared is retryAt, or the shared end su when that is later.
func laterShared(retryAt, su time.Time) time.Time {
	if su.After(retryAt) {
		return su
	}
	return retryAt
}
