package redisstore_test

import (
	"context"
	"errors"
	"sort"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/llmrouter/llmrouter"
	"github.com/llmrouter/llmrouter/budget"
	"github.com/llmrouter/llmrouter/internal/redistest"
	"github.com/llmrouter/llmrouter/redisstore"
	"github.com/llmrouter/llmrouter/routertest"
	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tmc/langchaingo/llms"
)

var (
	start      = time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
	cheapCard  = llmrouter.ModelCard{Name: "cheap", InputPerMTok: 0.1, OutputPerMTok: 0.4, Quality: 0.6, MaxOutputTokens: 1000}
	strongCard = llmrouter.ModelCard{Name: "strong", InputPerMTok: 5, OutputPerMTok: 15, Quality: 0.9, MaxOutputTokens: 1000}
	prompt     = []llms.MessageContent{llms.TextParts(llms.ChatMessageTypeHuman, "Explain how a hash map handles collisions, with an example in Go.")}
	alice      = llmrouter.WithHints(context.Background(), llmrouter.Hints{User: "alice"})
)

// meter is a fake provider that honours the output limit it is given and
// bills the input tokens the router estimated: answers of 50 to 2,000
// tokens, cut at MaxTokens.
type meter struct {
	card llmrouter.ModelCard
	in   atomic.Int64
	n    atomic.Int64
}

func (m *meter) Card() llmrouter.ModelCard { return m.card }

func (m *meter) GenerateContent(_ context.Context, _ []llms.MessageContent, options ...llms.CallOption) (*llms.ContentResponse, error) {
	var o llms.CallOptions
	for _, opt := range options {
		opt(&o)
	}
	out := 50 + int(m.n.Add(1)*7919)%1951
	if o.MaxTokens > 0 {
		out = min(out, o.MaxTokens)
	}
	in := int(m.in.Load())
	return &llms.ContentResponse{Choices: []*llms.ContentChoice{{Content: "ok", GenerationInfo: map[string]any{
		"PromptTokens": in, "CompletionTokens": out, "TotalTokens": in + out}}}}, nil
}

// replica is one router with its own Redis client, store and budget.
type replica struct {
	store  *redisstore.Store
	probe  *routertest.Clock
	r      *llmrouter.Router
	maxEst float64

	mu        sync.Mutex
	decisions []*llmrouter.Decision
}

func newReplica(t testing.TB, addr string, n int, limitUSD float64, timeout time.Duration) *replica {
	rdb := redis.NewClient(&redis.Options{Addr: addr, ContextTimeoutEnabled: true, PoolSize: 64})
	t.Cleanup(func() { _ = rdb.Close() })
	rep := &replica{probe: routertest.NewClock(start)}
	var err error
	rep.store, err = redisstore.New(rdb, redisstore.Options{Replicas: n, Timeout: timeout, Clock: rep.probe,
		OnStateChange: func(d bool, err error) { t.Logf("store degraded %v: %v", d, err) }})
	require.NoError(t, err)
	b, err := budget.New(budget.Config{Store: rep.store,
		Limits: []budget.Limit{{Scope: budget.PerUser, USD: limitUSD, Window: budget.Window{Period: budget.Day}}}})
	require.NoError(t, err)
	cheap, strong := &meter{card: cheapCard}, &meter{card: strongCard}
	rep.r, err = llmrouter.New([]llmrouter.Provider{cheap, strong}, llmrouter.WithClock(routertest.NewClock(start)),
		llmrouter.WithPolicy(llmrouter.DefaultPolicy(b, llmrouter.CheapestAdequate{MinQuality: 0.8})),
		llmrouter.WithSink(llmrouter.SinkFunc(func(d *llmrouter.Decision) {
			rep.mu.Lock()
			rep.decisions = append(rep.decisions, d)
			rep.mu.Unlock()
		})))
	require.NoError(t, err)
	dry, err := rep.r.Route(alice, prompt)
	require.NoError(t, err)
	cheap.in.Store(int64(dry.Features.Tokens))
	strong.in.Store(int64(dry.Features.Tokens))
	rep.maxEst = max(dry.Candidates[0].Cost, dry.Candidates[1].Cost)
	return rep
}

func (rep *replica) charged() (sum budget.Nanos) {
	rep.mu.Lock()
	defer rep.mu.Unlock()
	for _, d := range rep.decisions {
		sum += budget.FromUSD(d.Cost)
	}
	return sum
}

var day = budget.Bucket{Key: "user=alice/day", Window: budget.Window{Period: budget.Day}}

// TestReplicasShareOneBudget is a figure of issue 12: four routers, each
// with its own Redis client and store, spend one user's budget at once
// against one Redis. Overspend stays within one in-flight request's
// estimate per replica, and Redis's total is the sum of every decision's
// cost, exactly.
func TestReplicasShareOneBudget(t *testing.T) {
	srv := redistest.Start(t)
	const replicas, workers = 4, 100
	const limitUSD = 0.25
	reps := make([]*replica, replicas)
	for i := range reps {
		reps[i] = newReplica(t, srv.Addr, replicas, limitUSD, 5*time.Second) // Redis stays up: no call may time out on a busy machine
	}
	var ok, refused atomic.Int64
	var wg sync.WaitGroup
	for _, rep := range reps {
		for range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, err := rep.r.GenerateContent(alice, prompt)
				switch {
				case err == nil:
					ok.Add(1)
				case assert.ErrorIs(t, err, budget.ErrExceeded):
					refused.Add(1)
				}
			}()
		}
	}
	wg.Wait()
	var sum budget.Nanos
	for _, rep := range reps {
		assert.False(t, rep.store.Degraded())
		sum += rep.charged()
	}
	spent, held, err := reps[0].store.Usage(context.Background(), day, start)
	require.NoError(t, err)
	overspend := spent - budget.FromUSD(limitUSD)
	t.Logf("%d replicas x %d requests: %d answered, %d refused; Redis charged $%.9f of $%.2f, the decisions cost $%.9f; overspend $%.9f (bound: %d x $%.6f)",
		replicas, workers, ok.Load(), refused.Load(), spent.USD(), limitUSD, sum.USD(), max(0, overspend.USD()), replicas, reps[0].maxEst)
	assert.Positive(t, refused.Load(), "the budget runs out")
	assert.Equal(t, sum, spent, "Redis's total is the sum of the decisions' costs, exactly")
	assert.Zero(t, held, "every reservation is released")
	assert.LessOrEqual(t, overspend, budget.FromUSD(float64(replicas)*reps[0].maxEst))
}

// TestRedisKilledUnderLoad is a figure of issue 12: four routers spend
// one user's budget while redis-server is killed (SIGKILL) and restarted
// (with its append-only file, fsync always) mid-run. No request outlives
// its 2 s deadline; after recovery Redis's total is the sum of every
// decision's cost, exactly, and nothing stays held.
func TestRedisKilledUnderLoad(t *testing.T) {
	srv := redistest.Start(t, "--appendonly", "yes", "--appendfsync", "always")
	const replicas, workers, perWorker = 4, 8, 60
	const limitUSD = 5.0
	const deadline = 2 * time.Second
	reps := make([]*replica, replicas)
	for i := range reps {
		reps[i] = newReplica(t, srv.Addr, replicas, limitUSD, 250*time.Millisecond)
	}
	var done atomic.Int64
	killAt, restartAt := make(chan struct{}), make(chan struct{})
	total := replicas * workers * perWorker
	var mu sync.Mutex
	var lat []time.Duration
	var ok, refused, failed int
	var wg sync.WaitGroup
	for _, rep := range reps {
		for range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for range perWorker {
					ctx, cancel := context.WithTimeout(alice, deadline)
					t0 := time.Now()
					_, err := rep.r.GenerateContent(ctx, prompt)
					took := time.Since(t0)
					cancel()
					mu.Lock()
					lat = append(lat, took)
					switch {
					case err == nil:
						ok++
					case errors.Is(err, budget.ErrExceeded):
						refused++
					default:
						failed++
						t.Errorf("request failed: %v", err)
					}
					mu.Unlock()
					switch done.Add(1) {
					case int64(total / 3):
						close(killAt)
					case int64(total / 2):
						close(restartAt)
					}
				}
			}()
		}
	}
	<-killAt
	srv.Kill()
	<-restartAt
	degraded := 0
	for _, rep := range reps {
		if rep.store.Degraded() {
			degraded++
		}
	}
	srv.Start()
	for _, rep := range reps {
		rep.probe.Advance(time.Second) // retries are due
	}
	wg.Wait()
	for _, rep := range reps {
		// A last call recovers any store that saw no call since. Its
		// replay to Redis has the store's 250 ms timeout, which a loaded
		// host running the race detector can exceed: the store then stays
		// degraded and tries again at its next probe, so the test gives it
		// a few probes (each one second later on its clock), as traffic
		// would.
		for try := 0; try < 10 && (try == 0 || rep.store.Degraded()); try++ {
			rep.probe.Advance(time.Second)
			_, err := rep.store.Remaining(context.Background(), []budget.Bucket{day}, 0, start)
			require.NoError(t, err)
		}
		assert.False(t, rep.store.Degraded(), "recovered within 10 probes")
	}
	var sum budget.Nanos
	for _, rep := range reps {
		sum += rep.charged()
	}
	spent, held, err := reps[0].store.Usage(context.Background(), day, start)
	require.NoError(t, err)
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	t.Logf("%d requests (%d answered, %d refused, %d failed); Redis killed after %d, restarted after %d (%d of %d replicas degraded by then); latency p50 %s p99 %s max %s (deadline %s); Redis charged $%.9f, the decisions cost $%.9f, held $%.9f",
		len(lat), ok, refused, failed, total/3, total/2, degraded, replicas, lat[len(lat)/2], lat[len(lat)*99/100], lat[len(lat)-1], deadline,
		spent.USD(), sum.USD(), held.USD())
	assert.Positive(t, degraded, "replicas noticed the outage")
	assert.Zero(t, failed)
	assert.Less(t, lat[len(lat)-1], deadline, "no request outlives its deadline")
	assert.Equal(t, sum, spent, "after recovery Redis's total is the sum of the decisions' costs, exactly")
	assert.Zero(t, held, "nothing stays held")
}
