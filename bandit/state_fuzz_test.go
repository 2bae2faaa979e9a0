package bandit_test

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"testing"

	"github.com/llmrouter/llmrouter/bandit"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// FuzzReadFrom feeds ReadFrom arbitrary state files, each also with its
// checksum made right (so a mutated body gets past the checksum, as a
// crafted file would). No input may panic; a file refused is an ErrState
// and leaves the policy as it was; a file loaded gives a policy that
// routes, and writes a state that loads and writes back to the same bytes.
//
//	go test -run '^$' -fuzz '^FuzzReadFrom$' -fuzztime 90s ./bandit
func FuzzReadFrom(f *testing.F) {
	p, err := bandit.New(names, bandit.Options{Seed: 5, MaxExploreShare: 0.5})
	require.NoError(f, err)
	for i := range 40 {
		id := fmt.Sprint(i)
		r := routing(id, float64(i%2), 0.01, 0.02, 0.03)
		require.NoError(f, p.Apply(r))
		if i%4 != 0 { // every fourth stays pending
			require.NoError(f, p.Update(id, r.Plan[0].Model, float64(i%3)/2))
		}
	}
	var good bytes.Buffer
	_, err = p.WriteTo(&good)
	require.NoError(f, err)
	f.Add(good.Bytes())
	f.Add(good.Bytes()[:pendingAt(3)+4])
	f.Add(good.Bytes()[:100])
	f.Fuzz(func(t *testing.T, data []byte) {
		inputs := [][]byte{data}
		if len(data) >= 4 {
			fixed := bytes.Clone(data)
			binary.LittleEndian.PutUint32(fixed[len(fixed)-4:], crc32c(fixed[:len(fixed)-4]))
			inputs = append(inputs, fixed)
		}
		for _, in := range inputs {
			q, err := bandit.New(names, bandit.Options{Seed: 5, MaxExploreShare: 0.5})
			require.NoError(t, err)
			before := q.Stats()
			if _, err := q.ReadFrom(bytes.NewReader(in)); err != nil {
				require.ErrorIs(t, err, bandit.ErrState)
				assert.Equal(t, before, q.Stats(), "left unchanged")
				continue
			}
			r := routing("fuzz", 1, 0.01, 0.02, 0.03)
			require.NoError(t, q.Apply(r))
			require.NotEmpty(t, r.Plan)
			var b1, b2 bytes.Buffer
			_, err = q.WriteTo(&b1)
			require.NoError(t, err)
			q2, err := bandit.New(names, bandit.Options{Seed: 5, MaxExploreShare: 0.5})
			require.NoError(t, err)
			_, err = q2.ReadFrom(bytes.NewReader(b1.Bytes()))
			require.NoError(t, err, "a state WriteTo wrote must load")
			_, err = q2.WriteTo(&b2)
			require.NoError(t, err)
			assert.Equal(t, b1.Bytes(), b2.Bytes())
		}
	})
}
