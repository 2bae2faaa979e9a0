package replay

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Hand case: three decisions, two models.
//
//	i  logged  p    score cost  target
//	0  a       0.5  1     1     a   → IPS terms 2, 2
//	1  b       0.25 0     4     a   → 0, 0
//	2  a       1.0  0     1     a   → 0, 1
//
// IPS quality (2+0+0)/3, cost (2+0+1)/3. With Folds 1 the reward model of
// "a" is fitted on decisions 0 and 2 (score mean 0.5, global mean 1/3,
// shrunk: (1 + 5·(1/3))/(2+5)), no predictions so no bins, no estimated
// costs so cost = shrunk mean of a's costs towards the global 2.
func TestEstimateHandCase(t *testing.T) {
	logged := []Logged{
		{ID: "0", Model: "a", Propensity: 0.5, HasPropensity: true, Score: 1, Cost: 1},
		{ID: "1", Model: "b", Propensity: 0.25, HasPropensity: true, Score: 0, Cost: 4},
		{ID: "2", Model: "a", Propensity: 1, HasPropensity: true, Score: 0, Cost: 1},
	}
	res, err := Estimate(logged, []string{"a", "a", "a"}, Options{Folds: 1})
	require.NoError(t, err)
	require.True(t, res.Estimable, res.Reason)
	assert.Equal(t, 3, res.N)
	assert.Equal(t, 2, res.Agree)
	assert.Equal(t, 1, res.Deterministic)
	assert.Equal(t, 0, res.Uncovered)
	assert.Equal(t, 0.5, res.MinPropensity)
	assert.InDelta(t, 2.0/3, res.IPS.Quality.Mean, 1e-12)
	assert.InDelta(t, 1.0, res.IPS.Cost.Mean, 1e-12)
	// sd of {2,0,0} = sqrt(4/3); SE = sd/sqrt(3) = 2/3.
	assert.InDelta(t, 2.0/3, res.IPS.Quality.StdErr, 1e-12)
	assert.InDelta(t, 2.0/3-1.959963984540054*2.0/3, res.IPS.Quality.Low, 1e-9)

	qa := (1 + 5*(1.0/3)) / (2 + 5)
	ca := (2 + 5*2.0) / (2 + 5)
	assert.InDelta(t, qa, res.DM.Quality.Mean, 1e-12)
	assert.InDelta(t, ca, res.DM.Cost.Mean, 1e-12)
	// DR: q̂ + w(r − q̂) where the target is the logged model, else q̂.
	drQ := ((qa + 2*(1-qa)) + qa + (qa + (0 - qa))) / 3
	drC := ((ca + 2*(1-ca)) + ca + (ca + (1 - ca))) / 3
	assert.InDelta(t, drQ, res.DR.Quality.Mean, 1e-12)
	assert.InDelta(t, drC, res.DR.Cost.Mean, 1e-12)
	assert.InDelta(t, 1.0/3, res.Logged.Quality.Mean, 1e-12)
	assert.InDelta(t, 2.0, res.Logged.Cost.Mean, 1e-12)
}

func TestEstimateDeterministicLogIsNotEstimable(t *testing.T) {
	logged := []Logged{
		{ID: "0", Model: "a", Propensity: 1, Score: 1},
		{ID: "1", Model: "a", Propensity: 1, Score: 0},
	}
	res, err := Estimate(logged, []string{"a", "b"}, Options{})
	require.NoError(t, err)
	assert.False(t, res.Estimable)
	assert.Equal(t, 1, res.Uncovered)
	assert.Equal(t, 2, res.NoPropensity)
	assert.Contains(t, res.Reason, "1 of 2 decisions")
	assert.Contains(t, res.Reason, "2 recorded none")
	assert.Zero(t, res.IPS, "no misleading number")
	assert.Zero(t, res.DR)

	// The same log evaluates the logging policy itself.
	res, err = Estimate(logged, []string{"a", "a"}, Options{})
	require.NoError(t, err)
	assert.True(t, res.Estimable)
	assert.InDelta(t, 0.5, res.IPS.Quality.Mean, 1e-12)
}

func TestEstimateBadInput(t *testing.T) {
	one := []Logged{{ID: "0", Model: "a", Propensity: 0.5}}
	tests := []struct {
		name    string
		logged  []Logged
		target  []string
		opts    Options
		wantErr string
	}{
		{"lengths", one, nil, Options{}, "1 logged decisions but 0 target"},
		{"empty", nil, nil, Options{}, "no logged decisions"},
		{"zero propensity", []Logged{{ID: "x", Model: "a"}}, []string{"a"}, Options{Folds: 1}, "decision x: propensity 0 outside"},
		{"NaN propensity", []Logged{{ID: "x", Model: "a", Propensity: math.NaN()}}, []string{"a"}, Options{Folds: 1}, "outside (0,1]"},
		{"confidence", one, []string{"a"}, Options{Confidence: 1.5}, "confidence 1.5"},
		{"folds", one, []string{"a"}, Options{Folds: 2}, "2 folds for 1 decisions"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Estimate(tt.logged, tt.target, tt.opts)
			require.ErrorContains(t, err, tt.wantErr)
		})
	}
}

// bandit is a synthetic contextual bandit: contexts 0..3 (equally likely),
// three models, Bernoulli scores with probability prob[x][a], fixed costs;
// the logging policy is ε-greedy around logGreedy[x], the target policy
// deterministic.
type bandit struct {
	prob      [4][3]float64
	cost      [3]float64
	logGreedy [4]int
	target    [4]int
	eps       float64
}

var models3 = [3]string{"m0", "m1", "m2"}

func (b *bandit) truth() (q, c float64) {
	for x := range 4 {
		q += b.prob[x][b.target[x]] / 4
		c += b.cost[b.target[x]] / 4
	}
	return q, c
}

func (b *bandit) log(rng *rand.Rand, n int) ([]Logged, []string) {
	logged, target := make([]Logged, n), make([]string, n)
	for i := range n {
		x := rng.IntN(4)
		a := b.logGreedy[x]
		if rng.Float64() < b.eps {
			a = rng.IntN(3)
		}
		p := b.eps / 3
		if a == b.logGreedy[x] {
			p += 1 - b.eps
		}
		score := 0.0
		if rng.Float64() < b.prob[x][a] {
			score = 1
		}
		pred := map[string]float64{}
		for k, m := range models3 {
			pred[m] = b.prob[x][k]
		}
		logged[i] = Logged{ID: "d", Model: models3[a], Propensity: p, HasPropensity: true, Score: score,
			Cost: b.cost[a] * (0.5 + rng.Float64()), Predicted: pred}
		target[i] = models3[b.target[x]]
	}
	return logged, target
}

// Over many seeded logs the mean of the estimates is the truth (within
// four standard errors of that mean), and the 95% intervals cover it about
// 95% of the time.
func TestEstimateUnbiasedOnSyntheticBandit(t *testing.T) {
	b := &bandit{
		prob:      [4][3]float64{{0.9, 0.8, 0.3}, {0.5, 0.7, 0.2}, {0.2, 0.6, 0.9}, {0.4, 0.4, 0.8}},
		cost:      [3]float64{3, 1, 0.2},
		logGreedy: [4]int{2, 2, 2, 2}, // the cheap model, mostly
		target:    [4]int{0, 1, 2, 0},
		eps:       0.3,
	}
	tq, tc := b.truth()
	rng := rand.New(rand.NewPCG(1, 2))
	const reps, n = 600, 300
	type tally struct{ q, c, q2, c2, cover float64 }
	var ips, dr tally
	add := func(t *tally, v Values) {
		t.q += v.Quality.Mean
		t.c += v.Cost.Mean
		t.q2 += v.Quality.Mean * v.Quality.Mean
		t.c2 += v.Cost.Mean * v.Cost.Mean
		if v.Quality.Low <= tq && tq <= v.Quality.High {
			t.cover++
		}
	}
	for range reps {
		logged, target := b.log(rng, n)
		res, err := Estimate(logged, target, Options{})
		require.NoError(t, err)
		require.True(t, res.Estimable)
		add(&ips, res.IPS)
		add(&dr, res.DR)
	}
	for name, tl := range map[string]tally{"IPS": ips, "DR": dr} {
		mq, mc := tl.q/reps, tl.c/reps
		seq := math.Sqrt((tl.q2/reps - mq*mq) / reps)
		sec := math.Sqrt((tl.c2/reps - mc*mc) / reps)
		assert.InDelta(t, tq, mq, 4*seq, "%s quality: mean of estimates %.4f, truth %.4f", name, mq, tq)
		assert.InDelta(t, tc, mc, 4*sec, "%s cost: mean of estimates %.4f, truth %.4f", name, mc, tc)
		assert.InDelta(t, 0.95, tl.cover/reps, 0.04, "%s 95%% interval coverage", name)
		t.Logf("%s: quality %.4f (truth %.4f, ±%.4f), cost %.4f (truth %.4f), coverage %.3f", name, mq, tq, seq, mc, tc, tl.cover/reps)
	}
	// DR's reward model is good here (it reads the true probabilities as
	// predictions): its estimates vary less than IPS's.
	assert.Less(t, dr.q2/reps-(dr.q/reps)*(dr.q/reps), ips.q2/reps-(ips.q/reps)*(ips.q/reps))
}
