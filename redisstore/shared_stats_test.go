package redisstore_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"net"
	"testing"
	"time"

	"github.com/llmrouter/llmrouter"
	"github.com/llmrouter/llmrouter/bandit"
	"github.com/llmrouter/llmrouter/internal/redistest"
	"github.com/llmrouter/llmrouter/latency"
	"github.com/llmrouter/llmrouter/redisstore"
	"github.com/llmrouter/llmrouter/routertest"
	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// statsReplica is one router that learns from its own traffic: a latency
// Tracker (on a redisstore.Latency) applied before a bandit Policy (on a
// redisstore.Learner). "cheap" answers in 2s, "strong" in 300ms, on the
// routers' fake clock.
type statsReplica struct {
	r       *llmrouter.Router
	tracker *latency.Tracker
	policy  *bandit.Policy
	lat     *redisstore.Latency
	learner *redisstore.Learner
}

const statsSyncEvery = time.Second

func newStatsReplica(t testing.TB, addr string, clock *routertest.Clock, seed uint64, timeout time.Duration) *statsReplica {
	return newStatsReplicaOn(t, addr, "{"+t.Name()+"}:", clock, seed, timeout)
}

func newStatsReplicaOn(t testing.TB, addr, prefix string, clock *routertest.Clock, seed uint64, timeout time.Duration) *statsReplica {
	rdb := redis.NewClient(&redis.Options{Addr: addr, ContextTimeoutEnabled: true, MaxRetries: -1})
	t.Cleanup(func() { _ = rdb.Close() })
	lat, err := redisstore.NewLatency(rdb, redisstore.LatencyOptions{Prefix: prefix, Timeout: timeout, SyncEvery: statsSyncEvery})
	require.NoError(t, err)
	learner, err := redisstore.NewLearner(rdb, redisstore.LearnerOptions{Prefix: prefix, Timeout: timeout, SyncEvery: statsSyncEvery})
	require.NoError(t, err)
	tracker, err := latency.New(latency.Config{MinSamples: 3, Shared: lat})
	require.NoError(t, err)
	policy, err := bandit.New([]string{"cheap", "strong"}, bandit.Options{Seed: seed, Shared: learner})
	require.NoError(t, err)
	cheap := routertest.NewProvider(cheapCard, routertest.Response{Text: "ok", Latency: 2 * time.Second}).WithClock(clock)
	strong := routertest.NewProvider(strongCard, routertest.Response{Text: "ok", Latency: 300 * time.Millisecond}).WithClock(clock)
	r, err := llmrouter.New([]llmrouter.Provider{cheap, strong}, llmrouter.WithClock(clock),
		llmrouter.WithSink(tracker, policy), llmrouter.WithPolicy(llmrouter.Chain(tracker, policy)))
	require.NoError(t, err)
	rep := &statsReplica{r: r, tracker: tracker, policy: policy, lat: lat, learner: learner}
	t.Cleanup(rep.wait) // before the client closes
	return rep
}

// wait waits for the syncs the replica's decisions started (they run in
// the background).
func (rep *statsReplica) wait() {
	rep.lat.WaitSync()
	rep.learner.WaitSync()
}

// sync makes a decision, which starts the syncs due, and another, which
// takes in their results.
func (rep *statsReplica) sync(t testing.TB) {
	t.Helper()
	rep.routedLatency(t, "cheap")
	rep.routedLatency(t, "cheap")
}

// serve answers n requests and grades each (1 for strong, 0.2 for cheap),
// then waits for the syncs they started.
func (rep *statsReplica) serve(t testing.TB, n int) (answered map[string]int) {
	answered, _ = rep.serveTimed(t, n)
	return answered
}

// serveTimed is serve, also returning the time the requests took (the
// wait for the syncs they started left out).
func (rep *statsReplica) serveTimed(t testing.TB, n int) (answered map[string]int, took time.Duration) {
	t.Helper()
	defer rep.wait()
	answered = map[string]int{}
	t0 := time.Now()
	defer func() { took = time.Since(t0) }()
	for range n {
		resp, err := rep.r.GenerateContent(context.Background(), prompt)
		require.NoError(t, err)
		d, ok := llmrouter.DecisionFrom(resp)
		require.True(t, ok)
		score := 0.2
		if d.Answered == "strong" {
			score = 1
		}
		require.NoError(t, rep.policy.Feedback(context.Background(), d.ID, score, ""))
		answered[d.Answered]++
	}
	return answered, 0 // took: set by the deferred call
}

// arms is the policy's learnt arms: its state file without the header's
// counters, the decisions waiting for a grade (each replica's own) and the
// checksum. An arm is its name (uint16 length, bytes), its update count
// (int64), its d×d matrix and its d-vector (float64s), d read from the
// header.
func (rep *statsReplica) arms(t testing.TB) []byte {
	var b bytes.Buffer
	_, err := rep.policy.WriteTo(&b)
	require.NoError(t, err)
	const head = 8 + 12 + 16 + 32
	state := b.Bytes()
	require.Greater(t, len(state), head)
	dim := int(binary.LittleEndian.Uint32(state[8+4:]))
	n := int(binary.LittleEndian.Uint32(state[8+8:]))
	end := head
	for range n {
		require.Less(t, end+2, len(state))
		end += 2 + int(binary.LittleEndian.Uint16(state[end:])) + 8 + 8*dim*dim + 8*dim
	}
	require.LessOrEqual(t, end, len(state)-4)
	return state[head:end]
}

// routedLatency is the latency the replica routes model by now; it then
// waits for the syncs the decision started.
func (rep *statsReplica) routedLatency(t testing.TB, model string) time.Duration {
	d, err := rep.r.Route(context.Background(), prompt)
	rep.wait()
	require.NoError(t, err)
	for _, c := range d.Candidates {
		if c.Model == model {
			return c.Latency
		}
	}
	t.Fatalf("no candidate %s", model)
	return 0
}

// TestStatsSharedByReplicas: two routers on one real Redis. A serves and
// learns; within one SyncEvery B, which served nothing, routes by A's
// observed latencies and holds A's learnt arms exactly; then B serves
// and A learns B's grades; every update is counted once.
func TestStatsSharedByReplicas(t *testing.T) {
	srv := redistest.Start(t)
	clock := routertest.NewClock(start)
	a := newStatsReplica(t, srv.Addr, clock, 1, 5*time.Second)
	b := newStatsReplica(t, srv.Addr, clock, 2, 5*time.Second)

	assert.Equal(t, cheapCard.TypicalLatency, b.routedLatency(t, "cheap"), "nothing observed yet: the card")
	servedA := a.serve(t, 20)
	clock.Advance(statsSyncEvery)
	a.sync(t) // A's sync: sends its samples and updates (and A reads them back)
	clock.Advance(time.Millisecond)
	b.sync(t) // B's sync reads them
	checked := 0
	for _, m := range []struct {
		name string
		lat  time.Duration
	}{{"cheap", 2 * time.Second}, {"strong", 300 * time.Millisecond}} {
		if servedA[m.name] < 3 {
			continue
		}
		checked++
		assert.InEpsilon(t, float64(m.lat), float64(b.routedLatency(t, m.name)), 0.026, "B routes %s by A's samples", m.name)
	}
	require.Positive(t, checked, "A served a model 3 times: %v", servedA)
	assert.Zero(t, b.tracker.Stats("cheap").Total.Samples+b.tracker.Stats("strong").Total.Samples, "B observed nothing itself")
	assert.Equal(t, a.arms(t), b.arms(t), "B holds A's arms")

	servedB := b.serve(t, 15)
	clock.Advance(statsSyncEvery)
	b.sync(t)
	clock.Advance(time.Millisecond)
	a.sync(t)
	assert.Equal(t, b.arms(t), a.arms(t), "A holds B's arms")
	o := a.lat.Observed("strong", 0.5, clock.Now())
	assert.Equal(t, int64(servedA["strong"]+servedB["strong"]), o.Samples, "every sample counted once")
	updates := redisUpdates(t, srv.Addr)
	assert.Equal(t, 35.0, updates, "Redis counts every grade once")
	assert.Positive(t, servedA["strong"]+servedB["strong"])
	require.NoError(t, a.learner.Err())
	require.NoError(t, a.lat.Err())
}

// TestStatsRedisDown: with Redis killed, and then hanging (a listener
// that never answers), no decision waits on it (the syncs, failing or
// not, run in the background), each replica
// keeps learning from its own traffic, and once Redis is back the updates
// made meanwhile reach the other replica, counted once.
func TestStatsRedisDown(t *testing.T) {
	srv := redistest.Start(t, "--appendonly", "yes", "--appendfsync", "always") // the learnt totals survive the restart
	clock := routertest.NewClock(start)
	const timeout = 200 * time.Millisecond
	a := newStatsReplica(t, srv.Addr, clock, 1, timeout)
	b := newStatsReplica(t, srv.Addr, clock, 2, timeout)
	a.serve(t, 10)
	clock.Advance(statsSyncEvery)
	a.routedLatency(t, "cheap")
	require.False(t, a.learner.Degraded())

	srv.Kill()
	for i := range 3 {
		clock.Advance(statsSyncEvery)
		_, took := a.serveTimed(t, 5)
		t.Logf("Redis down, round %d: 5 requests in %s (Timeout %s)", i, took, timeout)
		assert.Less(t, took, timeout, "the tries run in the background")
	}
	assert.True(t, a.learner.Degraded())
	assert.True(t, a.lat.Degraded())
	assert.Equal(t, int64(25), a.lat.Observed("strong", 0.5, clock.Now()).Samples+a.lat.Observed("cheap", 0.5, clock.Now()).Samples,
		"A pools what it read with its own samples")

	srv.Start()
	// A sync a SyncEvery until both stores answer: a try cut at Timeout
	// on a loaded machine is sent again, and counted once, at the next.
	healthy := func() {
		t.Helper()
		for try := 1; ; try++ {
			clock.Advance(statsSyncEvery)
			a.sync(t)
			if !a.learner.Degraded() && !a.lat.Degraded() {
				return
			}
			require.Less(t, try, 5, "not recovered: %v, %v", a.learner.Err(), a.lat.Err())
			t.Logf("try %d: %v, %v", try, a.learner.Err(), a.lat.Err())
		}
	}
	healthy() // sends the batch held since the outage
	healthy() // then the samples summed meanwhile
	require.NoError(t, a.learner.Err())
	clock.Advance(statsSyncEvery)
	b.sync(t)
	assert.Equal(t, a.arms(t), b.arms(t), "B learns what A learnt while Redis was down")
	assert.Equal(t, int64(25), b.lat.Observed("strong", 0.5, clock.Now()).Samples+b.lat.Observed("cheap", 0.5, clock.Now()).Samples)

	// A Redis that accepts connections and never answers.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer l.Close()
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			defer c.Close()
		}
	}()
	h := newStatsReplica(t, l.Addr().String(), clock, 3, timeout)
	_, took := h.serveTimed(t, 3) // and waits for the tries, each cut at Timeout
	t.Logf("silent Redis: 3 requests in %s (Timeout %s)", took, timeout)
	assert.Less(t, took, timeout, "no request waits on a silent Redis")
	require.Error(t, h.learner.Err())
	assert.Regexp(t, "timeout|deadline", h.learner.Err().Error())
	assert.True(t, h.lat.Degraded())
}

// TestStatsRedisRestartsEmpty: Redis killed and restarted without
// persistence loses every total; each replica notices (the epoch key
// changed) and adds again what it had added, so after one more sync each
// holds the arms and samples of every update and sample, counted once.
func TestStatsRedisRestartsEmpty(t *testing.T) {
	srv := redistest.Start(t)
	clock := routertest.NewClock(start)
	a := newStatsReplica(t, srv.Addr, clock, 1, 5*time.Second)
	b := newStatsReplica(t, srv.Addr, clock, 2, 5*time.Second)
	a.serve(t, 10)
	b.serve(t, 7)
	sync := func() {
		clock.Advance(statsSyncEvery)
		a.sync(t)
		b.sync(t)
	}
	sync()
	srv.Kill()
	srv.Start() // empty
	a.serve(t, 4)
	sync() // each finds the new epoch and queues what it had added
	sync() // which is applied, and read back by the other
	sync()
	require.NoError(t, a.learner.Err())
	assert.Equal(t, a.arms(t), b.arms(t))
	updates := redisUpdates(t, srv.Addr)
	assert.Equal(t, 21.0, updates, "every grade counted once after the restart")
	now := clock.Now()
	assert.Equal(t, int64(21), b.lat.Observed("cheap", 0.5, now).Samples+b.lat.Observed("strong", 0.5, now).Samples)
}

// TestNewStatsRejectsBadOptions: bad options are refused, naming them.
func TestNewStatsRejectsBadOptions(t *testing.T) {
	rdb := redis.NewClient(&redis.Options{Addr: "127.0.0.1:1"})
	defer rdb.Close()
	for _, tc := range []struct {
		name string
		err  error
		want string
	}{
		{"latency nil client", second(redisstore.NewLatency(nil, redisstore.LatencyOptions{})), "nil client"},
		{"latency negative", second(redisstore.NewLatency(rdb, redisstore.LatencyOptions{Window: -1})), "negative"},
		{"latency window too long", second(redisstore.NewLatency(rdb, redisstore.LatencyOptions{Bucket: time.Millisecond, Window: time.Hour})), "at most 10000"},
		{"learner nil client", second(redisstore.NewLearner(nil, redisstore.LearnerOptions{})), "nil client"},
		{"learner negative", second(redisstore.NewLearner(rdb, redisstore.LearnerOptions{SyncEvery: -1})), "negative"},
	} {
		t.Run(tc.name, func(t *testing.T) { assert.ErrorContains(t, tc.err, tc.want) })
	}
	_, err := redisstore.NewLatency(rdb, redisstore.LatencyOptions{})
	assert.NoError(t, err, "the zero options are ready to use")
}

func second[T any](_ T, err error) error { return err }

// redisUpdates is the learner's update count on Redis, over both arms.
func redisUpdates(t *testing.T, addr string) (n float64) {
	rdb := redis.NewClient(&redis.Options{Addr: addr})
	defer rdb.Close()
	for _, m := range []string{"cheap", "strong"} {
		v, err := rdb.HGet(context.Background(), "{"+t.Name()+"}:learner:lints9/"+m, "0").Float64()
		if !errors.Is(err, redis.Nil) {
			require.NoError(t, err)
		}
		n += v
	}
	return n
}
