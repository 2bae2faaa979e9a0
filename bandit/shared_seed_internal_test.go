package bandit

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// updatesOf is the update count summed over p's arms.
func updatesOf(p *Policy) int64 {
	var n int64
	for _, a := range *p.state.Load() {
		n += a.n
	}
	return n
}

// sharedUpdates is the update count summed over sh's totals.
func sharedUpdates(sh *MemoryShared) int64 {
	sh.mu.Lock()
	defer sh.mu.Unlock()
	var n float64
	for _, t := range sh.tot {
		n += t[0]
	}
	return int64(n)
}

// soloState is a single process's policy over models after 300 graded
// decisions, and its saved state.
func soloState(t *testing.T, models []string) (*Policy, *bytes.Buffer) {
	t.Helper()
	solo, err := New(models, Options{Seed: 7})
	require.NoError(t, err)
	teach(t, solo, "solo", 300, rand.New(rand.NewPCG(1, 1)))
	var file bytes.Buffer
	_, err = solo.WriteTo(&file)
	require.NoError(t, err)
	return solo, &file
}

// TestSharedLoad: a state file loaded into a policy with Options.Shared
// seeds the shared totals of the arms they hold none for, once however
// many replicas load it, so that what a single process learnt survives
// its move to shared learning; an arm the shared totals already hold
// takes them, at the next decision, whether or not the policy has pulled
// before the load.
func TestSharedLoad(t *testing.T) {
	models := []string{"a", "b", "c"}
	solo, file := soloState(t, models)
	load := func(t *testing.T, p *Policy) {
		t.Helper()
		_, err := p.ReadFrom(bytes.NewReader(file.Bytes()))
		require.NoError(t, err)
	}
	replica := func(t *testing.T, sh *MemoryShared, seed uint64) *Policy {
		t.Helper()
		p, err := New(models, Options{Seed: seed, Shared: sh})
		require.NoError(t, err)
		return p
	}
	tests := []struct {
		name       string
		pullFirst  bool // the loading replica decides once before the load
		others     int  // updates another replica learnt in the shared totals before the load
		loaders    int  // replicas loading the file
		wantShared int64
	}{
		{name: "empty totals: seeded from the file", loaders: 1, wantShared: 300},
		{name: "empty totals, loaded after a decision", pullFirst: true, loaders: 1, wantShared: 300},
		{name: "three replicas load the file: seeded once", loaders: 3, wantShared: 300},
		{name: "shared totals held: they win", others: 100, loaders: 1, wantShared: 100},
		{name: "shared totals held, loaded after a decision: they win", pullFirst: true, others: 100, loaders: 1, wantShared: 100},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sh := &MemoryShared{}
			var other *Policy
			if tt.others > 0 {
				other = replica(t, sh, 5)
				teach(t, other, "other", tt.others, rand.New(rand.NewPCG(5, 5)))
			}
			var loaders []*Policy
			for i := range tt.loaders {
				p := replica(t, sh, uint64(10+i))
				if tt.pullFirst {
					require.NoError(t, p.Apply(sharedRouting("first", 0)))
				}
				load(t, p)
				loaders = append(loaders, p)
			}
			fresh := replica(t, sh, 20) // a replica that loaded nothing
			want := solo
			if other != nil {
				want = other
			}
			for i, p := range append(loaders, fresh) {
				require.NoError(t, p.Apply(sharedRouting("probe", 1)))
				requireSameArms(t, want, p, fmt.Sprintf("replica %d at its next decision", i))
			}
			assert.Equal(t, tt.wantShared, sharedUpdates(sh), "every update counted once in the shared totals")
			assert.Equal(t, tt.wantShared, updatesOf(fresh))
			assert.Equal(t, int64(300), updatesOf(solo), "the file's policy unchanged")
		})
	}
}

// TestSharedLoadThenLearn: a replica that loaded a file into empty shared
// totals goes on learning from it, as the single process would have.
func TestSharedLoadThenLearn(t *testing.T) {
	models := []string{"a", "b", "c"}
	_, file := soloState(t, models)

	alone, err := New(models, Options{Seed: 9})
	require.NoError(t, err)
	shared, err := New(models, Options{Seed: 9, Shared: &MemoryShared{}})
	require.NoError(t, err)
	for _, p := range []*Policy{alone, shared} {
		_, err := p.ReadFrom(bytes.NewReader(file.Bytes()))
		require.NoError(t, err)
		teach(t, p, "more", 100, rand.New(rand.NewPCG(2, 2)))
	}
	requireSameArms(t, alone, shared, "after 100 more updates")
	assert.Equal(t, int64(400), updatesOf(shared))
}

// TestSharedLoadWithoutSeeder: with a Shared that cannot be seeded, the
// shared totals (empty here) replace the loaded state at the next
// decision, as documented, and nothing is added to them.
func TestSharedLoadWithoutSeeder(t *testing.T) {
	models := []string{"a", "b", "c"}
	solo, err := New(models, Options{Seed: 7})
	require.NoError(t, err)
	teach(t, solo, "solo", 50, rand.New(rand.NewPCG(1, 1)))
	var file bytes.Buffer
	_, err = solo.WriteTo(&file)
	require.NoError(t, err)
	sh := &MemoryShared{}
	p, err := New(models, Options{Seed: 9, Shared: struct{ Shared }{sh}}) // hides Seed
	require.NoError(t, err)
	_, err = p.ReadFrom(bytes.NewReader(file.Bytes()))
	require.NoError(t, err)
	assert.Equal(t, int64(50), updatesOf(p), "loaded")
	require.NoError(t, p.Apply(sharedRouting("probe", 0)))
	assert.Zero(t, updatesOf(p), "the shared totals (none) replaced the loaded state")
	assert.Zero(t, sharedUpdates(sh))
}

// downSeeder is a SharedSeeder whose backend does not answer.
type downSeeder struct{ *MemoryShared }

func (downSeeder) Seed(string, []float64) (bool, error) { return false, errors.New("backend down") }

// TestSharedLoadSeedFails: a seeding that fails fails ReadFrom, naming
// the arm, and leaves the policy as it was.
func TestSharedLoadSeedFails(t *testing.T) {
	models := []string{"a", "b", "c"}
	solo, err := New(models, Options{Seed: 7})
	require.NoError(t, err)
	teach(t, solo, "solo", 50, rand.New(rand.NewPCG(1, 1)))
	var file bytes.Buffer
	_, err = solo.WriteTo(&file)
	require.NoError(t, err)
	p, err := New(models, Options{Seed: 9, Shared: downSeeder{&MemoryShared{}}})
	require.NoError(t, err)
	_, err = p.ReadFrom(bytes.NewReader(file.Bytes()))
	require.ErrorContains(t, err, "backend down")
	assert.Contains(t, err.Error(), "seeding the shared totals of")
	assert.Zero(t, updatesOf(p), "the policy unchanged")
	assert.Zero(t, p.Stats().Decisions)
}
