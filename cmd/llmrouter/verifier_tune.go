package main

import (
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/llmrouter/llmrouter/eval"
	"github.com/llmrouter/llmrouter/verify"
)

// verifierTuning is train-verifier's -l2-grid: the ridge penalties to choose
// among by cross-validation, honestly (nested inside each outer CV fold)
// for the printed figures and on all the data for the saved model.
type verifierTuning struct {
	grid    []float64
	targets []verify.Target // empty: -target only
	inner   int
	crit    verify.Criterion
	name    string
}

func parseL2Grid(s string) ([]float64, error) {
	var out []float64
	for _, f := range strings.Split(s, ",") {
		v, err := strconv.ParseFloat(strings.TrimSpace(f), 64)
		if err != nil || !(v > 0) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("-l2-grid: %q is not a positive number", f)
		}
		out = append(out, v)
	}
	return out, nil
}

// candidates is every -l2-grid penalty with every -targets target (or
// opts' target), penalties varying fastest.
func (t *verifierTuning) candidates(opts verify.TrainOptions) []verify.TrainOptions {
	targets := t.targets
	if len(targets) == 0 {
		targets = []verify.Target{opts.Target}
	}
	var c []verify.TrainOptions
	for _, tg := range targets {
		for _, l2 := range t.grid {
			o := opts
			o.L2, o.Target = l2, tg
			c = append(c, o)
		}
	}
	return c
}

// describe names candidate i as the tuning output prints it.
func (t *verifierTuning) describe(i int) string {
	s := strconv.FormatFloat(t.grid[i%len(t.grid)], 'g', -1, 64)
	if len(t.targets) > 0 {
		s += "/" + string(t.targets[i/len(t.grid)])
	}
	return s
}

func parseTargets(s string) ([]verify.Target, error) {
	var out []verify.Target
	for _, f := range strings.Split(s, ",") {
		t := verify.Target(strings.TrimSpace(f))
		if t != verify.TargetGain && t != verify.TargetWeakFails {
			return nil, fmt.Errorf("-targets: %q is not %s or %s", f, verify.TargetGain, verify.TargetWeakFails)
		}
		out = append(out, t)
	}
	return out, nil
}

// criterion returns the tuning criterion named by -tune: "apgr" (the mean
// over pairs of the cascade's APGR) or "cost95" (minus the mean over pairs
// of the cost share at which the cascade reaches 95% of the strong model's
// quality, which needs -prices; a pair that never reaches it counts 2).
func tuneCriterion(name string, pairs []verify.Pair, pr map[string]price) (verify.Criterion, error) {
	switch name {
	case "apgr":
		return verify.MeanPairAPGR, nil
	case "cost95":
	default:
		return nil, fmt.Errorf("-tune %q: want apgr or cost95", name)
	}
	for _, p := range pairs {
		_, okS := pr[p.Strong]
		_, okW := pr[p.Weak]
		if !okS || !okW {
			return nil, fmt.Errorf("-tune cost95: -prices has no price for %s or %s", p.Strong, p.Weak)
		}
	}
	return func(ex []verify.Example, scores []float64) (float64, error) {
		sum, n := 0.0, 0
		for j, p := range pairs {
			var s, w, v, sc, wc []float64
			for i := range ex {
				e := &ex[i]
				if e.Pair != j {
					continue
				}
				c1, c2 := exampleCosts(e, pr[p.Strong], pr[p.Weak])
				s, w, v, sc, wc = append(s, e.Strong), append(w, e.Weak), append(v, scores[i]), append(sc, c1), append(wc, c2)
			}
			if len(s) == 0 {
				continue
			}
			r, err := eval.Cascade(s, w, v, sc, wc)
			if errors.Is(err, eval.ErrNoGap) {
				continue
			}
			if err != nil {
				return 0, err
			}
			c := r.CostAt95
			if math.IsNaN(c) {
				c = 2
			}
			sum, n = sum+c, n+1
		}
		if n == 0 {
			return 0, errors.New("-tune cost95: no pair with a quality gap")
		}
		return -sum / float64(n), nil
	}, nil
}

// exampleCosts is the USD cost of the strong and the weak answer to e's
// prompt: about 4 characters a token, prompt in, answer out.
func exampleCosts(e *verify.Example, ps, pw price) (strong, weak float64) {
	in := float64(len([]rune(e.Prompt))) / 4
	return (in*ps.In + float64(e.StrongChars)/4*ps.Out) / 1e6, (in*pw.In + float64(e.WeakChars)/4*pw.Out) / 1e6
}

// outOfFold returns the verifier's pooled out-of-fold scores: plain k-fold
// CV with opts, or with t, nested CV choosing the L2 in each outer fold.
func outOfFold(w io.Writer, ex []verify.Example, k int, seed uint64, opts verify.TrainOptions, t *verifierTuning) ([]float64, error) {
	if t == nil {
		return verify.CrossValidate(ex, k, seed, opts)
	}
	scores, chosen, err := verify.NestedCrossValidate(ex, k, t.inner, seed, t.candidates(opts), t.crit)
	if err != nil {
		return nil, err
	}
	l2 := make([]string, len(chosen))
	for i, c := range chosen {
		l2[i] = t.describe(c)
	}
	fmt.Fprintf(w, "nested CV: l2 chosen by %d-fold inner CV (%s) in each outer fold: %s\n", t.inner, t.name, strings.Join(l2, " "))
	return scores, nil
}

// checkVerifierFlags checks train-verifier's numbers before any data is
// read, so a typo fails at once and names its flag.
func checkVerifierFlags(cv int, l2, share, quality float64) error {
	switch {
	case cv != 0 && cv < 2:
		return fmt.Errorf("-cv %d: want at least 2 folds (0: no cross-validation)", cv)
	case !(l2 > 0) || math.IsInf(l2, 0):
		return fmt.Errorf("-l2 %v: want a positive number", l2)
	case !(share >= 0 && share <= 1):
		return fmt.Errorf("-share %v: want a share in [0,1]", share)
	case quality != 0 && (!(quality > 0) || math.IsInf(quality, 0)):
		return fmt.Errorf("-quality %v: want a positive fraction such as 0.95 (0: use -share)", quality)
	}
	return nil
}
