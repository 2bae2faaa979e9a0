package redisstore_test

import (
	"context"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/llmrouter/llmrouter"
	"github.com/llmrouter/llmrouter/budget"
	"github.com/llmrouter/llmrouter/internal/redistest"
	"github.com/llmrouter/llmrouter/redisstore"
	"github.com/llmrouter/llmrouter/routertest"
	"github.com/redis/go-redis/v9"
)

// BenchmarkDecision is one request through a router with a per-user daily
// budget (1,000 users, never exhausted), two fake models: the budget's
// store in memory (the reference) and on a redis-server on loopback. The
// difference is the latency the Redis store adds per decision: three
// round trips (Remaining, Reserve, Commit). p50-ns and p99-ns are of
// single requests.
func BenchmarkDecision(b *testing.B) {
	srv := redistest.Start(b)
	for _, name := range []string{"memory", "redis"} {
		b.Run(name, func(b *testing.B) {
			var store budget.Store = budget.NewMemoryStore()
			if name == "redis" {
				rdb := redis.NewClient(&redis.Options{Addr: srv.Addr, ContextTimeoutEnabled: true})
				defer rdb.Close()
				s, err := redisstore.New(rdb, redisstore.Options{Replicas: 1, Timeout: time.Second, Prefix: "{bench" + strconv.Itoa(b.N) + "}:"})
				if err != nil {
					b.Fatal(err)
				}
				store = s
			}
			bud, err := budget.New(budget.Config{Store: store,
				Limits: []budget.Limit{{Scope: budget.PerUser, USD: 1000, Window: budget.Window{Period: budget.Day}}}})
			if err != nil {
				b.Fatal(err)
			}
			r, err := llmrouter.New([]llmrouter.Provider{&meter{card: cheapCard}, &meter{card: strongCard}},
				llmrouter.WithClock(routertest.NewClock(start)),
				llmrouter.WithPolicy(llmrouter.DefaultPolicy(bud, llmrouter.CheapestAdequate{MinQuality: 0.8})))
			if err != nil {
				b.Fatal(err)
			}
			ctxs := make([]context.Context, 1000)
			for i := range ctxs {
				ctxs[i] = llmrouter.WithHints(context.Background(), llmrouter.Hints{User: "user-" + strconv.Itoa(i)})
			}
			lat := make([]time.Duration, 0, 1<<16)
			i := 0
			b.ReportAllocs()
			for b.Loop() {
				t0 := time.Now()
				if _, err := r.GenerateContent(ctxs[i%len(ctxs)], prompt); err != nil {
					b.Fatal(err)
				}
				if len(lat) < cap(lat) {
					lat = append(lat, time.Since(t0))
				}
				i++
			}
			slices.Sort(lat)
			b.ReportMetric(float64(lat[len(lat)/2]), "p50-ns")
			b.ReportMetric(float64(lat[len(lat)*99/100]), "p99-ns")
		})
	}
}
