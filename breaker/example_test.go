package breaker_test

import (
	"errors"
	"fmt"
	"time"

	"github.com/llmrouter/llmrouter/breaker"
)

// A breaker driven by a fake time: two failures open it, the cooldown lets
// one probe through, and the probe's success closes it.
func Example() {
	now := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	b := breaker.New(breaker.Settings{ConsecutiveFailures: 2, Cooldown: 10 * time.Second})
	down := errors.New("API returned unexpected status code: 503: overloaded")

	for range 2 {
		if ok, _ := b.Allow(now); ok {
			fmt.Println("after a failure:", b.Record(now, down))
		}
	}
	ok, retryAt := b.Allow(now.Add(time.Second))
	fmt.Println("allowed 1s later:", ok, "retry in", retryAt.Sub(now))

	now = now.Add(10 * time.Second)
	ok, _ = b.Allow(now)
	fmt.Println("probe allowed:", ok, b.Stats(now).State)
	fmt.Println("after the probe:", b.Record(now, nil))
	// Output:
	// after a failure: closed
	// after a failure: open
	// allowed 1s later: false retry in 10s
	// probe allowed: true half-open
	// after the probe: closed
}
