//go:build !linux

package verify

import "time"

// threadCPU falls back to the wall clock where per-thread CPU time is not
// at hand.
func threadCPU() time.Duration { return wallClock() }
