package redisstore_test

import (
	"bytes"
	"testing"
	"time"

	"github.com/llmrouter/llmrouter/internal/redistest"
	"github.com/llmrouter/llmrouter/routertest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestLearnerReseedAfterDataLoss: A and B learn together, A saves its
// state (in shared mode it holds every replica's updates), Redis restarts
// empty, and the state file is loaded before any replica's next sync:
// by A restarted (a new process) or by A still running. The arms are
// restored once: B, still running, does not add its part again on top
// of the seed (it is in the file); A still running adds its own again
// instead of seeding. When Redis loses its data again, the replicas
// restore it once again.
func TestLearnerReseedAfterDataLoss(t *testing.T) {
	for _, tc := range []struct {
		name      string
		withB     bool // a second replica, still running, learnt too
		restartA  bool // A restarts and loads the file; else A loads it while running
		wantAfter float64
	}{
		{"A alone restarts", false, true, 10},
		{"A restarts, B still running", true, true, 17},
		{"A alone reloads while running", false, false, 10},
		{"A reloads while running, B too", true, false, 17},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := redistest.Start(t)
			clock := routertest.NewClock(start)
			a := newStatsReplica(t, srv.Addr, clock, 1, 5*time.Second)
			reps := []*statsReplica{a}
			a.serve(t, 10)
			if tc.withB {
				b := newStatsReplica(t, srv.Addr, clock, 2, 5*time.Second)
				reps = append(reps, b)
				b.serve(t, 7)
			}
			sync := func() {
				clock.Advance(statsSyncEvery)
				for _, rep := range reps {
					rep.sync(t)
				}
			}
			sync()
			sync() // A holds B's updates
			var file bytes.Buffer
			_, err := a.policy.WriteTo(&file)
			require.NoError(t, err)
			before := redisUpdates(t, srv.Addr)
			require.Equal(t, tc.wantAfter, before)

			srv.Kill()
			srv.Start() // empty
			loader := a
			if tc.restartA {
				loader = newStatsReplica(t, srv.Addr, clock, 3, 5*time.Second)
				reps[0] = loader // the old A is gone
			}
			_, err = loader.policy.ReadFrom(bytes.NewReader(file.Bytes()))
			require.NoError(t, err)
			check := func(when string) {
				t.Helper()
				for range 3 {
					sync()
				}
				for _, rep := range reps {
					require.NoError(t, rep.learner.Err())
				}
				assert.Equal(t, before, redisUpdates(t, srv.Addr), "every update counted once %s", when)
				for i, rep := range reps[1:] {
					requireArms(t, reps[0].arms(t), rep.arms(t), when+": replica "+string(rune('b'+i)))
				}
			}
			check("after the reload")
			srv.Kill()
			srv.Start() // empty again: each replica adds again what it owns now
			check("after a second loss")
		})
	}
}
