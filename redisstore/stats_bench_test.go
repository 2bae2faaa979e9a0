package redisstore_test

import (
	"context"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/llmrouter/llmrouter"
	"github.com/llmrouter/llmrouter/bandit"
	"github.com/llmrouter/llmrouter/internal/redistest"
	"github.com/llmrouter/llmrouter/latency"
	"github.com/llmrouter/llmrouter/redisstore"
	"github.com/llmrouter/llmrouter/routertest"
	"github.com/redis/go-redis/v9"
)

// BenchmarkStatsDecision is one request, and its grade, through a router
// that learns from its traffic: a latency Tracker applied before a bandit
// Policy, two fake models. "local": each learns alone (the reference);
// "redis-cached": both share through Redis on loopback, the routers'
// clock moving 1 ms per request (a sync, one round trip per store, every
// SyncEvery = 1 s: the steady state); "redis-sync": the clock moves a
// SyncEvery per request, so every request finds a sync of both stores
// due (the first request of each second, the worst case) and starts it
// in the background unless one is still running. p50-ns and p99-ns are
// of single requests (Route, call, Feedback).
func BenchmarkStatsDecision(b *testing.B) {
	srv := redistest.Start(b)
	for _, tc := range []struct {
		name   string
		shared bool
		step   time.Duration
	}{
		{"local", false, time.Millisecond},
		{"redis-cached", true, time.Millisecond},
		{"redis-sync", true, time.Second},
	} {
		b.Run(tc.name, func(b *testing.B) {
			clock := routertest.NewClock(start)
			tcfg := latency.Config{MinSamples: 3}
			bopt := bandit.Options{Seed: 1}
			var lat *redisstore.Latency
			var learner *redisstore.Learner
			if tc.shared {
				rdb := redis.NewClient(&redis.Options{Addr: srv.Addr, ContextTimeoutEnabled: true})
				defer rdb.Close()
				prefix := "{bench-" + tc.name + strconv.Itoa(b.N) + "}:"
				var err error
				lat, err = redisstore.NewLatency(rdb, redisstore.LatencyOptions{Prefix: prefix, Timeout: time.Second})
				if err != nil {
					b.Fatal(err)
				}
				learner, err = redisstore.NewLearner(rdb, redisstore.LearnerOptions{Prefix: prefix, Timeout: time.Second})
				if err != nil {
					b.Fatal(err)
				}
				tcfg.Shared, bopt.Shared = lat, learner
			}
			tracker, err := latency.New(tcfg)
			if err != nil {
				b.Fatal(err)
			}
			policy, err := bandit.New([]string{"cheap", "strong"}, bopt)
			if err != nil {
				b.Fatal(err)
			}
			r, err := llmrouter.New([]llmrouter.Provider{&meter{card: cheapCard}, &meter{card: strongCard}},
				llmrouter.WithClock(clock), llmrouter.WithSink(tracker, policy),
				llmrouter.WithPolicy(llmrouter.Chain(tracker, policy)))
			if err != nil {
				b.Fatal(err)
			}
			ctx := context.Background()
			durs := make([]time.Duration, 0, 1<<16)
			b.ReportAllocs()
			for b.Loop() {
				clock.Advance(tc.step)
				t0 := time.Now()
				resp, err := r.GenerateContent(ctx, prompt)
				if err != nil {
					b.Fatal(err)
				}
				d, _ := llmrouter.DecisionFrom(resp)
				if err := policy.Feedback(ctx, d.ID, 0.8, ""); err != nil {
					b.Fatal(err)
				}
				if len(durs) < cap(durs) {
					durs = append(durs, time.Since(t0))
				}
			}
			slices.Sort(durs)
			b.ReportMetric(float64(durs[len(durs)/2]), "p50-ns")
			b.ReportMetric(float64(durs[len(durs)*99/100]), "p99-ns")
			if tc.shared {
				lat.WaitSync() // the syncs run in the background
				learner.WaitSync()
				b.ReportMetric(float64(lat.RoundTrips()+learner.RoundTrips())/float64(b.N), "round-trips/op")
				if err := lat.Err(); err != nil {
					b.Fatal(err)
				}
				if err := learner.Err(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
