package bandit

import (
	"bytes"
	"os"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestReadVersion2 reads a state file written by the previous release
// (format version 2, an 8-feature context; testdata/state-v2.bin: models a,
// b, c, Seed 3, CostWeight 10, six decisions, d0 graded on a, d1 on b, d2
// and d3 on c): what was learnt carries over, the warm start's feature
// starting from its prior, and every pending decision can still be graded.
func TestReadVersion2(t *testing.T) {
	data, err := os.ReadFile("testdata/state-v2.bin")
	require.NoError(t, err)
	opt := Options{Seed: 3, CostWeight: 10}
	p, err := New([]string{"c", "a", "b"}, opt) // another order: names, not positions, match
	require.NoError(t, err)
	_, err = p.ReadFrom(bytes.NewReader(data))
	require.NoError(t, err)

	st := p.Stats()
	require.EqualValues(t, 6, st.Decisions)
	require.EqualValues(t, 6, st.Pending)
	require.InDelta(t, 0.06, st.SpendUSD, 1e-12)

	ridge := p.opt.Ridge
	arms := *p.state.Load()
	for name, updates := range map[string]int64{"a": 1, "b": 1, "c": 2} {
		a := arms[p.arms[name]]
		require.Equal(t, updates, a.n, name)
		require.InDelta(t, ridge+float64(updates), a.a[0][0], 1e-12, "%s: the bias feature's entry, read from the file", name)
		last := contextDim - 1
		require.Equal(t, ridge, a.a[last][last], name)
		require.Zero(t, a.b[last], name)
		for i := range last {
			require.Zero(t, a.a[i][last], name)
			require.Zero(t, a.a[last][i], name)
		}
	}

	require.NoError(t, p.Update("d4", "a", 0.5), "a pending decision from the old file")
	var buf bytes.Buffer
	_, err = p.WriteTo(&buf)
	require.NoError(t, err)
	q, err := New([]string{"a", "b", "c"}, opt)
	require.NoError(t, err)
	_, err = q.ReadFrom(&buf)
	require.NoError(t, err, "written back as the current version")
	require.EqualValues(t, 2, (*q.state.Load())[q.arms["a"]].n, "d0 and d4 graded on a")
}
