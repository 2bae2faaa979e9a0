package verify

import (
	"syscall"
	"time"
)

// threadCPU returns the calling OS thread's CPU time (user + system):
// what a benchmark on a shared, overloaded machine can compare fairly,
// since time spent descheduled does not count. Lock the goroutine to its
// thread first.
func threadCPU() time.Duration {
	var ru syscall.Rusage
	const rusageThread = 1 // RUSAGE_THREAD
	if err := syscall.Getrusage(rusageThread, &ru); err != nil {
		return wallClock()
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
