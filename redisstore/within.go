package redisstore

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// within runs f with a context cut off timeout after parent's and returns
// at that deadline even when the client ignores contexts
// (ContextTimeoutEnabled off): f is then abandoned to the client's own
// timeouts, and calls counts it until it returns (tests wait for them).
// An error at the deadline reads "redisstore: context deadline exceeded";
// f's own errors are returned as they are.
func within[T any](parent context.Context, timeout time.Duration, calls *sync.WaitGroup, f func(context.Context) (T, error)) (T, error) {
	ctx, cancel := context.WithTimeout(parent, timeout)
	defer cancel()
	type result struct {
		v   T
		err error
	}
	ch := make(chan result, 1)
	calls.Add(1)
	go func() {
		defer calls.Done()
		v, err := f(ctx)
		ch <- result{v, err}
	}()
	select {
	case r := <-ch:
		return r.v, r.err
	case <-ctx.Done():
		var zero T
		return zero, fmt.Errorf("redisstore: %w", ctx.Err())
	}
}
