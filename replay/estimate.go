package replay

import (
	"errors"
	"fmt"
	"math"
	"slices"
)

// Options tune Estimate. The zero value is ready to use.
type Options struct {
	// Confidence is the level of the intervals, in (0,1); 0 means 0.95.
	Confidence float64
	// Folds is the cross-fitting of the doubly robust estimator's reward
	// model: the model used on a decision is fitted on the other folds
	// (decision i is in fold i mod Folds), which keeps DR unbiased. 0 means
	// 2 (so a single decision is an error); 1 fits it on every decision
	// (in-sample, slightly biased).
	Folds int
}

// Interval is an estimate with its normal-approximation confidence
// interval: Mean ± z·StdErr, z for the confidence level.
type Interval struct {
	Mean, Low, High, StdErr float64
}

// String formats the interval as "0.7412 [0.7203, 0.7621]".
func (iv Interval) String() string {
	return fmt.Sprintf("%.4f [%.4f, %.4f]", iv.Mean, iv.Low, iv.High)
}

// Values are a policy's mean quality (feedback score) and cost (USD) per
// request.
type Values struct {
	Quality, Cost Interval
}

// Result is Estimate's answer.
type Result struct {
	// N decisions evaluated; Agree, those where the candidate chose the
	// logged model (the only ones whose outcome IPS uses).
	N, Agree int
	// Deterministic decisions had propensity 1 (NoPropensity of them
	// recorded none); Uncovered of them are where the candidate chose
	// another model, which the logging policy never would have.
	Deterministic, NoPropensity, Uncovered int
	// MinPropensity is the smallest propensity among Agree decisions: the
	// largest importance weight is its inverse.
	MinPropensity float64
	// Estimable is false when some decision is Uncovered: IPS and DR are
	// then left zero and Reason says why.
	Estimable bool
	Reason    string
	// IPS and DR estimate the candidate's values; DM is the reward model's
	// own prediction (the direct method: biased as the model is, given for
	// comparison); Logged is the logging policy's observed mean.
	IPS, DR, DM, Logged Values
}

// Estimate estimates the values of a candidate that would have chosen
// target[i] for logged[i]. It fails on mismatched lengths, no decisions, a
// propensity outside (0,1], a score outside [0,1], a negative or infinite
// cost (logged, or estimated in EstCost), an infinite predicted quality, or
// bad Options.
func Estimate(logged []Logged, target []string, opts Options) (Result, error) {
	var res Result
	if len(logged) != len(target) {
		return res, fmt.Errorf("replay: %d logged decisions but %d target choices", len(logged), len(target))
	}
	if len(logged) == 0 {
		return res, errors.New("replay: no logged decisions with feedback to estimate from")
	}
	conf := opts.Confidence
	if conf == 0 {
		conf = 0.95
	}
	if !(conf > 0 && conf < 1) {
		return res, fmt.Errorf("replay: confidence %v outside (0,1)", conf)
	}
	z := math.Sqrt2 * math.Erfinv(conf)
	n := len(logged)
	res.N, res.MinPropensity = n, 1
	for i, l := range logged {
		if err := checkLogged(l); err != nil {
			return res, fmt.Errorf("replay: %w", err)
		}
		if !l.HasPropensity {
			res.NoPropensity++
		}
		if l.Propensity == 1 {
			res.Deterministic++
		}
		if target[i] == l.Model {
			res.Agree++
			res.MinPropensity = math.Min(res.MinPropensity, l.Propensity)
		} else if l.Propensity == 1 {
			res.Uncovered++
		}
	}
	folds := opts.Folds
	switch {
	case folds == 0 && n == 1:
		return Result{}, errors.New("replay: 1 logged decision: the default cross-fitting (Options.Folds 0, meaning 2) needs at least 2; Options.Folds 1 fits the reward model in-sample")
	case folds == 0:
		folds = 2
	case folds < 1 || folds > n:
		return Result{}, fmt.Errorf("replay: %d folds for %d decisions", folds, n)
	}
	models := make([]*rewardModel, folds)
	for k := range models {
		models[k] = fitReward(logged, func(i int) bool { return folds == 1 || i%folds != k })
	}
	terms := func(f func(i int, l *Logged, rm *rewardModel) (q, c float64)) Values {
		qs, cs := make([]float64, n), make([]float64, n)
		for i := range logged {
			qs[i], cs[i] = f(i, &logged[i], models[i%folds])
		}
		return Values{Quality: meanCI(qs, z), Cost: meanCI(cs, z)}
	}
	res.Logged = terms(func(_ int, l *Logged, _ *rewardModel) (float64, float64) { return l.Score, l.Cost })
	res.DM = terms(func(i int, l *Logged, rm *rewardModel) (float64, float64) { return rm.predict(l, target[i]) })
	if res.Uncovered > 0 {
		res.Reason = fmt.Sprintf("%d of %d decisions were made by a deterministic logging policy (propensity 1%s) and the candidate chooses another model there: the log holds no outcome of that model and no probability to weight one by, so IPS and DR cannot evaluate the candidate; log propensities (a randomised policy) to evaluate it",
			res.Uncovered, n, noPropNote(res.NoPropensity))
		return res, nil
	}
	res.Estimable = true
	res.IPS = terms(func(i int, l *Logged, _ *rewardModel) (float64, float64) {
		if target[i] != l.Model {
			return 0, 0
		}
		w := 1 / l.Propensity
		return w * l.Score, w * l.Cost
	})
	res.DR = terms(func(i int, l *Logged, rm *rewardModel) (float64, float64) {
		q, c := rm.predict(l, target[i])
		if target[i] != l.Model {
			return q, c
		}
		w := 1 / l.Propensity
		return q + w*(l.Score-q), c + w*(l.Cost-c) // here the target's model is the logged one
	})
	return res, nil
}

// checkRewardInputs rejects what would make the reward model's estimates
// Inf or NaN: an estimated cost that is not a finite amount ≥ 0, or an
// infinite predicted quality (NaN stays "no prediction"). The model named
// is the first in name order.
// checkLogged checks what Estimate reads of l, naming the decision.
func checkLogged(l Logged) error {
	if !(l.Propensity > 0 && l.Propensity <= 1) {
		return fmt.Errorf("decision %s: propensity %v outside (0,1]", l.ID, l.Propensity)
	}
	if !(l.Score >= 0 && l.Score <= 1) {
		return fmt.Errorf("decision %s: score %v outside [0,1]", l.ID, l.Score)
	}
	if !(l.Cost >= 0) || math.IsInf(l.Cost, 1) {
		return fmt.Errorf("decision %s: cost %v; want a finite USD amount ≥ 0", l.ID, l.Cost)
	}
	return checkRewardInputs(l)
}

func checkRewardInputs(l Logged) error {
	var bad []string
	for m, c := range l.EstCost {
		if !(c >= 0) || math.IsInf(c, 1) {
			bad = append(bad, fmt.Sprintf("estimated cost of %q %v; want a finite USD amount ≥ 0", m, c))
		}
	}
	for m, q := range l.Predicted {
		if math.IsInf(q, 0) {
			bad = append(bad, fmt.Sprintf("predicted quality of %q %v; want a finite number (NaN for none)", m, q))
		}
	}
	if bad == nil {
		return nil
	}
	slices.Sort(bad)
	return fmt.Errorf("decision %s: %s", l.ID, bad[0])
}

func noPropNote(k int) string {
	if k == 0 {
		return ""
	}
	return fmt.Sprintf("; %d recorded none", k)
}

// meanCI is the mean of xs with its normal-approximation interval.
func meanCI(xs []float64, z float64) Interval {
	var s, ss float64
	for _, x := range xs {
		s += x
	}
	m := s / float64(len(xs))
	for _, x := range xs {
		ss += (x - m) * (x - m)
	}
	se := 0.0
	if len(xs) > 1 {
		se = math.Sqrt(ss / float64(len(xs)-1) / float64(len(xs)))
	}
	return Interval{Mean: m, Low: m - z*se, High: m + z*se, StdErr: se}
}
