package redisstore_test

import (
	"testing"
	"time"

	"github.com/llmrouter/llmrouter/breaker"
	"github.com/llmrouter/llmrouter/internal/redistest"
	"github.com/llmrouter/llmrouter/redisstore"
	"github.com/redis/go-redis/v9"
)

// BenchmarkBreakerAllow is one Allow on a closed breaker: alone (the
// reference), with Breakers answering from its cache (a request within
// CacheFor of the last read: the common case), and with a read of Redis on
// loopback every call (the first request of each CacheFor).
func BenchmarkBreakerAllow(b *testing.B) {
	srv := redistest.Start(b)
	for _, tc := range []struct {
		name   string
		shared bool
		step   time.Duration // how far the routers' clock moves per call
	}{
		{"local", false, time.Microsecond},
		{"redis-cached", true, time.Microsecond},
		{"redis-read", true, time.Second},
	} {
		b.Run(tc.name, func(b *testing.B) {
			s := breaker.Settings{}
			var shared *redisstore.Breakers
			if tc.shared {
				rdb := redis.NewClient(&redis.Options{Addr: srv.Addr, ContextTimeoutEnabled: true})
				defer rdb.Close()
				var err error
				shared, err = redisstore.NewBreakers(rdb, redisstore.BreakersOptions{Prefix: "{bench-" + tc.name + "}:", Timeout: time.Second})
				if err != nil {
					b.Fatal(err)
				}
				s.Shared = shared
			}
			br := breaker.NewRegistry(s).Breaker("m")
			now := start
			b.ResetTimer()
			for range b.N {
				now = now.Add(tc.step)
				if ok, _ := br.Allow(now); !ok {
					b.Fatal("a closed breaker refused")
				}
			}
			if shared != nil {
				b.ReportMetric(float64(shared.RoundTrips())/float64(b.N), "round-trips/op")
				if err := shared.Err(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
