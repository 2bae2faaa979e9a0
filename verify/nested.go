package verify

import (
	"errors"
	"fmt"
	"math"

	"github.com/llmrouter/llmrouter/eval"
)

// Criterion scores a verifier's out-of-fold escalation scores on ex (one
// score per example): higher is better. Tune uses it to choose among
// settings.
type Criterion func(ex []Example, scores []float64) (float64, error)

// MeanPairAPGR is the default Criterion: the cascade APGR (eval.Cascade,
// quality only) of each pair's examples, averaged over the pairs present.
// It fails unless scores holds one score per example.
func MeanPairAPGR(ex []Example, scores []float64) (float64, error) {
	if len(scores) != len(ex) {
		return 0, fmt.Errorf("verify: %d scores for %d examples; want one per example", len(scores), len(ex))
	}
	byPair := map[int][]int{}
	for i := range ex {
		byPair[ex[i].Pair] = append(byPair[ex[i].Pair], i)
	}
	sum, n := 0.0, 0
	for _, rows := range byPair {
		s, w, v := make([]float64, len(rows)), make([]float64, len(rows)), make([]float64, len(rows))
		for j, i := range rows {
			s[j], w[j], v[j] = ex[i].Strong, ex[i].Weak, scores[i]
		}
		r, err := eval.Cascade(s, w, v, []float64{1}, []float64{0})
		if errors.Is(err, eval.ErrNoGap) {
			continue // a pair with no gap in this subset says nothing
		}
		if err != nil {
			return 0, err
		}
		sum, n = sum+r.APGR, n+1
	}
	if n == 0 {
		return 0, errors.New("verify: no pair with a quality gap to tune on")
	}
	return sum / float64(n), nil
}

// relabeled returns ex with labels for target t computed from the
// examples' Strong and Weak scores (a copy), or ex itself when t is empty:
// so candidates of Tune may differ in their Target.
func relabeled(ex []Example, t Target) []Example {
	if t == "" {
		return ex
	}
	out := make([]Example, len(ex))
	copy(out, ex)
	for i := range out {
		if t == TargetWeakFails {
			out[i].Label = 1 - out[i].Weak
		} else {
			out[i].Label = (out[i].Strong - out[i].Weak + 1) / 2
		}
	}
	return out
}

// Tune chooses among candidate training options by k-fold cross-validation
// grouped by prompt on ex (fold seed seed): the candidate whose pooled
// out-of-fold scores rate highest by crit (nil means MeanPairAPGR), the
// first on a tie. A candidate whose Target is set is trained on labels for
// that target, computed from each example's Strong and Weak scores; one
// with an empty Target on the examples' own labels. Examples must have
// both models' scores (not WeakOnly). It returns the chosen index and every candidate's rating.
// Deterministic; safe for concurrent use (it only reads ex).
func Tune(ex []Example, k int, seed uint64, candidates []TrainOptions, crit Criterion) (best int, ratings []float64, err error) {
	if len(candidates) == 0 {
		return 0, nil, errors.New("verify: no candidate settings to tune over")
	}
	if crit == nil {
		crit = MeanPairAPGR
	}
	for i := range ex {
		if ex[i].WeakOnly {
			return 0, nil, fmt.Errorf("verify: example %d (%s) has the weak model's outcome alone: tuning rates the cascade, which needs both models' scores", i, ex[i].ID)
		}
	}
	ratings = make([]float64, len(candidates))
	for c, opts := range candidates {
		if opts.Target != "" && opts.Target != TargetGain && opts.Target != TargetWeakFails {
			return 0, nil, fmt.Errorf("verify: candidate %d: unknown target %q (want %q or %q)", c, opts.Target, TargetGain, TargetWeakFails)
		}
		ex := relabeled(ex, opts.Target)
		oof, err := CrossValidate(ex, k, seed, opts)
		if err != nil {
			return 0, nil, fmt.Errorf("verify: candidate %d (l2 %g): %w", c, opts.L2, err)
		}
		if ratings[c], err = crit(ex, oof); err != nil {
			return 0, nil, err
		}
		if math.IsNaN(ratings[c]) {
			return 0, nil, fmt.Errorf("verify: candidate %d (l2 %g) rated NaN", c, opts.L2)
		}
		if ratings[c] > ratings[best] {
			best = c
		}
	}
	return best, ratings, nil
}

// NestedCrossValidate is CrossValidate with the settings chosen honestly:
// in each of the k outer folds, Tune picks among candidates by an inner
// inner-fold cross-validation on that fold's training examples alone, and
// a model trained there with the chosen settings scores the fold's test
// examples. So no score is produced by a setting chosen with its own
// example's label. chosen[f] is outer fold f's chosen candidate.
func NestedCrossValidate(ex []Example, k, inner int, seed uint64, candidates []TrainOptions, crit Criterion) (scores []float64, chosen []int, err error) {
	prompts := make([]string, len(ex))
	for i := range ex {
		prompts[i] = ex[i].Prompt
	}
	folds, err := eval.GroupKFold(prompts, k, seed, nil)
	if err != nil {
		return nil, nil, err
	}
	scores = make([]float64, len(ex))
	chosen = make([]int, len(folds))
	for fi, f := range folds {
		train := make([]Example, 0, len(f.Train))
		for _, i := range f.Train {
			train = append(train, ex[i])
		}
		best, _, err := Tune(train, inner, seed, candidates, crit)
		if err != nil {
			return nil, nil, fmt.Errorf("verify: outer fold %d: %w", fi, err)
		}
		chosen[fi] = best
		m, err := Train(relabeled(train, candidates[best].Target), candidates[best])
		if err != nil {
			return nil, nil, fmt.Errorf("verify: outer fold %d: %w", fi, err)
		}
		for _, i := range f.Test {
			scores[i] = m.score(&ex[i].x)
		}
	}
	return scores, chosen, nil
}
