package bandit_test

import (
	"bytes"
	"encoding/binary"
	"math"
	"testing"

	"github.com/llmrouter/llmrouter/bandit"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A state file whose pending decision holds a context entry outside
// [0, 2] (contextOf's range) or a prior of absurd size loaded, and the
// decision's update then put +Inf into its arm (1e200² in A): the policy
// then wrote a state that it refuses to read ("matrix entry is not
// finite"). ReadFrom now refuses such a file, naming the field.
func TestReadFromRefusesPendingOutOfRange(t *testing.T) {
	opt := bandit.Options{Seed: 5, MaxExploreShare: 0.5}
	p, err := bandit.New(names, opt)
	require.NoError(t, err)
	r := routing("d0", 1, 0.01, 0.02, 0.03)
	require.NoError(t, p.Apply(r))
	var good bytes.Buffer
	_, err = p.WriteTo(&good)
	require.NoError(t, err)
	g := good.Bytes()
	at := pendingAt(3) + 4
	require.Equal(t, uint32(1), binary.LittleEndian.Uint32(g[at-4:]), "one pending decision")
	base := at + 2 + int(binary.LittleEndian.Uint16(g[at:]))
	prior0 := base + 8*9 + 2 + 2 + 8 + 8 + 2 + 8 + 8 // after the fixed fields and model 0's quality
	for _, tt := range []struct {
		name string
		at   int
		v    float64
		want string
	}{
		{"huge context entry", base + 8*3, 1e200, "context entry"},
		{"negative context entry", base + 8*4, -1, "context entry"},
		{"huge prior", prior0, -1e300, "prior"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			b := bytes.Clone(g)
			binary.LittleEndian.PutUint64(b[tt.at:], math.Float64bits(tt.v))
			binary.LittleEndian.PutUint32(b[len(b)-4:], crc32c(b[:len(b)-4]))
			q, err := bandit.New(names, opt)
			require.NoError(t, err)
			_, err = q.ReadFrom(bytes.NewReader(b))
			require.ErrorIs(t, err, bandit.ErrState)
			assert.ErrorContains(t, err, "pending decision 0: ")
			assert.ErrorContains(t, err, tt.want)
		})
	}
}
