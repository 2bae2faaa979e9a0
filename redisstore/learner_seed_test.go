package redisstore_test

import (
	"bytes"
	"encoding/binary"
	"math"
	"testing"
	"time"

	"github.com/llmrouter/llmrouter/internal/redistest"
	"github.com/llmrouter/llmrouter/routertest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// armFloats decodes arms (statsReplica.arms) into each arm's name, update
// count and floats.
func armFloats(t *testing.T, arms []byte) (names []string, counts []int64, fs []float64) {
	t.Helper()
	const dim = 9 // the bandit's context size (state file version 3)
	for len(arms) > 0 {
		l := int(binary.LittleEndian.Uint16(arms))
		names = append(names, string(arms[2:2+l]))
		arms = arms[2+l:]
		counts = append(counts, int64(binary.LittleEndian.Uint64(arms)))
		arms = arms[8:]
		for range dim*dim + dim {
			fs = append(fs, math.Float64frombits(binary.LittleEndian.Uint64(arms)))
			arms = arms[8:]
		}
	}
	return names, counts, fs
}

// requireArms: got's arms are want's (floats to rounding: the shared
// totals hold the sums without the ridge prior).
func requireArms(t *testing.T, want, got []byte, msg string) {
	t.Helper()
	wn, wc, wf := armFloats(t, want)
	gn, gc, gf := armFloats(t, got)
	require.Equal(t, wn, gn, msg)
	require.Equal(t, wc, gc, "%s: update counts", msg)
	require.InDeltaSlice(t, wf, gf, 1e-9, msg)
}

// TestLearnerSeededByLoad: moving from one process's saved state to
// shared learning on Redis. Two replicas load the state file into an
// empty Redis: it is seeded once, and within one SyncEvery every replica
// (one that loaded nothing too) holds what was learnt. A replica loading
// the file later, into the totals Redis holds, adds nothing. When Redis
// restarts empty, the replica that seeded adds the seed again.
func TestLearnerSeededByLoad(t *testing.T) {
	srv := redistest.Start(t)
	clock := routertest.NewClock(start)
	src := newStatsReplicaOn(t, srv.Addr, "{"+t.Name()+"}-src:", clock, 1, 5*time.Second) // the single process, on keys of its own
	src.serve(t, 12)
	var file bytes.Buffer
	_, err := src.policy.WriteTo(&file)
	require.NoError(t, err)
	load := func(rep *statsReplica) {
		t.Helper()
		_, err := rep.policy.ReadFrom(bytes.NewReader(file.Bytes()))
		require.NoError(t, err)
	}

	a := newStatsReplica(t, srv.Addr, clock, 2, 5*time.Second)
	b := newStatsReplica(t, srv.Addr, clock, 3, 5*time.Second)
	c := newStatsReplica(t, srv.Addr, clock, 4, 5*time.Second) // loads nothing
	reps := []*statsReplica{a, b, c}
	sync := func() {
		clock.Advance(statsSyncEvery)
		for _, rep := range reps {
			rep.sync(t)
		}
	}
	load(a)
	load(b)
	sync()
	assert.Equal(t, 12.0, redisUpdates(t, srv.Addr), "seeded once")
	for i, rep := range reps {
		requireArms(t, src.arms(t), rep.arms(t), "replica "+string(rune('a'+i)))
	}

	d := newStatsReplica(t, srv.Addr, clock, 5, 5*time.Second)
	reps = append(reps, d)
	load(d)
	sync()
	assert.Equal(t, 12.0, redisUpdates(t, srv.Addr), "a later load adds nothing")
	requireArms(t, src.arms(t), d.arms(t), "replica d")

	srv.Kill()
	srv.Start() // empty
	sync()      // each finds the new epoch and queues what it had added
	sync()
	require.NoError(t, a.learner.Err())
	assert.Equal(t, 12.0, redisUpdates(t, srv.Addr), "the seed added again after Redis lost it")
	for i, rep := range reps {
		requireArms(t, src.arms(t), rep.arms(t), "after the restart, replica "+string(rune('a'+i)))
	}
}
