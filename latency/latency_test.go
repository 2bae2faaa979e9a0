package latency

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestP2(t *testing.T) {
	rnd := rand.New(rand.NewPCG(1, 2))
	xs := make([]float64, 20000)
	for i := range xs {
		xs[i] = math.Exp(rnd.NormFloat64()*0.6) * 1e9 // log-normal, as latencies are
	}
	sorted := slices.Clone(xs)
	slices.Sort(sorted)
	for _, p := range []float64{0.5, 0.9, 0.99} {
		e := newP2(p)
		for _, x := range xs {
			e.add(x)
		}
		exact := sorted[int(math.Ceil(p*float64(len(sorted))))-1]
		assert.InEpsilon(t, exact, e.value(), 0.03, "p%v", p*100)
	}
	small := newP2(0.5)
	for _, x := range []float64{30, 10, 20} {
		small.add(x)
	}
	assert.Equal(t, 20.0, small.value(), "exact below five samples")
}
