package replay

import (
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A logged decision that Estimate would refuse — its cost or a
// candidate's estimated cost negative or not finite, a candidate's
// predicted quality infinite (a corrupted or edited log) — is refused by
// ReadLog, naming the log file and line; before, it read, and Estimate's
// error named only the decision.
func TestReadLogBadValuesNamed(t *testing.T) {
	r := testRouter(t)
	for _, tt := range []struct {
		name string
		cost float64
		cand func(c []float64) // candidate costs
		want string
	}{
		{"negative cost", -1, nil, "cost -1"},
		{"NaN cost", math.NaN(), nil, "cost NaN"},
		{"negative candidate cost", 0.5, func(c []float64) { c[1] = -3 }, `estimated cost of "large" -3`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			lf := newLogFile(t, dir, "a.jsonl")
			d := route(t, r, "hello")
			if tt.cand != nil {
				c := make([]float64, len(d.Candidates))
				for i := range c {
					c[i] = d.Candidates[i].Cost
				}
				tt.cand(c)
				for i := range c {
					d.Candidates[i].Cost = c[i]
				}
			}
			lf.feedback(d.ID, 1)
			lf.decision(d, nil, tt.cost)
			_, _, err := ReadLog(dir)
			require.Error(t, err)
			assert.ErrorContains(t, err, "a.jsonl:2: ")
			assert.ErrorContains(t, err, tt.want)
		})
	}
}

// FuzzReadLog feeds ReadLog a log file of arbitrary bytes. No input may
// panic; an error names the file and line; every decision it returns
// holds values Estimate accepts, and Estimate over them (each choosing
// its logged model, with one fold) gives finite figures or an error.
//
//	go test -run '^$' -fuzz '^FuzzReadLog$' -fuzztime 90s ./replay
func FuzzReadLog(f *testing.F) {
	r := testRouter(f)
	dir := f.TempDir()
	lf := newLogFile(f, dir, "seed.jsonl")
	d1, d2 := route(f, r, "hello"), route(f, r, "prove the theorem")
	lf.decision(d1, ptr(0.25), 0.5)
	lf.decision(d2, nil, 2)
	lf.feedback(d1.ID, 0.2)
	lf.feedback(d2.ID, 1)
	seed, err := os.ReadFile(filepath.Join(dir, "seed.jsonl"))
	require.NoError(f, err)
	f.Add(seed)
	f.Add(seed[:len(seed)/2])
	f.Fuzz(func(t *testing.T, data []byte) {
		dir := t.TempDir()
		require.NoError(t, os.WriteFile(filepath.Join(dir, "a.jsonl"), data, 0o600))
		logged, _, err := ReadLog(dir)
		if err != nil {
			assert.Regexp(t, `a\.jsonl:[0-9]+: `, err.Error())
			return
		}
		target := make([]string, len(logged))
		for i, l := range logged {
			require.NoError(t, checkLogged(l))
			target[i] = l.Model
		}
		if len(logged) == 0 {
			return
		}
		res, err := Estimate(logged, target, Options{Folds: 1})
		if err != nil {
			return
		}
		for _, v := range []Values{res.IPS, res.DR, res.DM, res.Logged} {
			for _, x := range []float64{v.Quality.Mean, v.Cost.Mean} {
				assert.False(t, math.IsNaN(x) || math.IsInf(x, 0), "%+v", res)
			}
		}
	})
}
