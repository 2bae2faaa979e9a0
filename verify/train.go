package verify

import (
	"errors"
	"fmt"
	"math"

	"github.com/llmrouter/llmrouter/dataset"
	"github.com/llmrouter/llmrouter/eval"
)

// Target is what a verifier is trained to predict from the weak answer.
type Target string

const (
	// TargetGain: how much better the strong model's answer scored,
	// (strong − weak + 1)/2 as a soft label. Ranking by it is what APGR and
	// the cascade's cost–quality curve reward. The default.
	TargetGain Target = "gain"
	// TargetWeakFails: 1 − the weak answer's score, whatever the strong
	// model did ("is this answer acceptable?").
	TargetWeakFails Target = "weak-fails"
)

// Example is one weak answer with what escalating it would have gained.
type Example struct {
	// ID is the record's id; Prompt groups examples for cross-validation.
	ID, Prompt, Answer string
	// Pair is the index of the pair (of Examples' pairs) it came from.
	Pair int
	// Strong and Weak are the two models' scores on the prompt; Label the
	// training target in [0,1]. Strong is NaN when WeakOnly.
	Strong, Weak, Label float64
	// StrongChars and WeakChars are the answers' lengths (output_chars, or
	// the answer's length when absent): the cascade's cost reads them.
	// StrongChars is 0 when WeakOnly.
	StrongChars, WeakChars int
	// WeakOnly: the record had the weak model's outcome and not the strong
	// model's (target TargetWeakFails only, which needs nothing of the
	// strong model: a decision log's export, where each request has the
	// answering model's grade alone). Train learns from it; a cascade's
	// figures (eval.Cascade, Tune's criteria) need both scores, so leave
	// such examples out of them (Tune refuses them).
	WeakOnly bool
	x        [numFeatures]float64
}

// Examples turns the records of ds into training examples: each pair whose
// weak model has an outcome in a record gives one example of the weak
// model's answer when the strong model has one too, or, for target
// TargetWeakFails (the weak answer's own grade), also when it has not
// (Example.WeakOnly). Records that give no example are skipped (skipped
// counts them); a record that carries no answer texts at all is an error
// naming the record and model (an empty answer is an answer), and so is a
// nil ds or a pair that does not name two different models.
func Examples(ds *dataset.Dataset, pairs []Pair, target Target) (ex []Example, skipped int, err error) {
	if ds == nil {
		return nil, 0, errors.New("verify: Examples: nil dataset")
	}
	if len(pairs) == 0 {
		return nil, 0, errors.New("verify: no (strong, weak) pair given")
	}
	for k, p := range pairs {
		switch {
		case p.Strong == "":
			return nil, 0, fmt.Errorf("verify: pair %d: no strong model named", k)
		case p.Weak == "":
			return nil, 0, fmt.Errorf("verify: pair %d: no weak model named", k)
		case p.Strong == p.Weak:
			return nil, 0, fmt.Errorf("verify: pair %d: strong and weak are both %q", k, p.Strong)
		}
	}
	if target == "" {
		target = TargetGain
	}
	if target != TargetGain && target != TargetWeakFails {
		return nil, 0, fmt.Errorf("verify: unknown target %q (want %q or %q)", target, TargetGain, TargetWeakFails)
	}
	weakOnly := 0
	for _, r := range ds.Records {
		n := len(ex)
		for k, p := range pairs {
			s, okS := r.Outcomes[p.Strong]
			w, okW := r.Outcomes[p.Weak]
			if !okW {
				continue
			}
			if !okS {
				weakOnly++
				if target != TargetWeakFails {
					continue
				}
			}
			if w.Answer == "" && !hasAnswers(&r) {
				return nil, 0, fmt.Errorf("verify: record %q (line %d): model %q has no answer text; train on an outcomes file with answers", r.ID, r.Line, p.Weak)
			}
			e := Example{ID: r.ID, Prompt: r.Prompt, Answer: w.Answer, Pair: k, Strong: s.Score, Weak: w.Score,
				StrongChars: chars(s), WeakChars: chars(w), WeakOnly: !okS}
			if !okS {
				e.Strong = math.NaN()
			}
			if target == TargetGain {
				e.Label = (s.Score - w.Score + 1) / 2
			} else {
				e.Label = 1 - w.Score
			}
			extract(e.Prompt, e.Answer, &e.x)
			ex = append(ex, e)
		}
		if len(ex) == n {
			skipped++
		}
	}
	if len(ex) == 0 {
		if weakOnly > 0 {
			return nil, skipped, fmt.Errorf("verify: no record has both models of any pair %v; %d have the weak model's outcome alone, which only target %q learns from", pairs, weakOnly, TargetWeakFails)
		}
		return nil, skipped, fmt.Errorf("verify: no record has both models of any pair %v", pairs)
	}
	return ex, skipped, nil
}

func hasAnswers(r *dataset.Record) bool {
	for _, o := range r.Outcomes {
		if o.Answer != "" {
			return true
		}
	}
	return false
}

func chars(o dataset.Outcome) int {
	if o.OutputChars > 0 {
		return o.OutputChars
	}
	return len([]rune(o.Answer))
}

// TrainOptions configures Train. The zero value is ready to use.
type TrainOptions struct {
	// L2 is the ridge penalty on the standardized weights; 0 means 1.
	L2 float64
	// Share is the escalation share the stored cutoff gives on the
	// training examples; 0 means 0.3. (Change it later with WithShare.)
	Share float64
	// PromptOnly drops every feature of the answer: the prompt-only
	// baseline a cascade must beat.
	PromptOnly bool
	// Pairs, Target and Note are stored in the model's Info. Target is
	// empty (stored as TargetGain), TargetGain or TargetWeakFails; Train
	// fails on any other.
	Pairs  []Pair
	Target Target
	Note   string
}

// Train fits a verifier to ex by penalized maximum likelihood (Newton's
// method on the logistic loss with soft labels, features standardized).
// It is deterministic.
func Train(ex []Example, opts TrainOptions) (*Model, error) {
	if len(ex) < 2 {
		return nil, fmt.Errorf("verify: %d examples; want at least 2", len(ex))
	}
	l2 := opts.L2
	if l2 == 0 {
		l2 = 1
	}
	if l2 < 0 || math.IsNaN(l2) || math.IsInf(l2, 0) {
		return nil, fmt.Errorf("verify: L2 %v must be positive and finite", opts.L2)
	}
	if t := opts.Target; t != "" && t != TargetGain && t != TargetWeakFails {
		return nil, fmt.Errorf("verify: unknown target %q (want %q or %q)", t, TargetGain, TargetWeakFails)
	}
	share := opts.Share
	if share == 0 {
		share = 0.3
	}
	if share < 0 || share > 1 || math.IsNaN(share) {
		return nil, fmt.Errorf("verify: share %v outside [0,1]", opts.Share)
	}
	const d = numFeatures + 1 // standardized features, then the bias
	var mean, sd [numFeatures]float64
	used := [numFeatures]bool{}
	for f := 0; f < numFeatures; f++ {
		used[f] = !opts.PromptOnly || f >= fPromptLogChars && f <= fPromptNonASCII
	}
	n := float64(len(ex))
	for i := range ex {
		if ex[i].Label < 0 || ex[i].Label > 1 || math.IsNaN(ex[i].Label) {
			return nil, fmt.Errorf("verify: example %d (%s): label %v outside [0,1]", i, ex[i].ID, ex[i].Label)
		}
		for f, v := range ex[i].x {
			mean[f] += v / n
		}
	}
	for i := range ex {
		for f, v := range ex[i].x {
			sd[f] += (v - mean[f]) * (v - mean[f]) / n
		}
	}
	for f := range sd {
		sd[f] = math.Sqrt(sd[f])
		if sd[f] < 1e-9 {
			used[f] = false // constant in the data: carries nothing
		}
	}
	z := func(e *Example, f int) float64 {
		if f == numFeatures {
			return 1
		}
		if !used[f] {
			return 0
		}
		return (e.x[f] - mean[f]) / sd[f]
	}
	var w [d]float64
	var row [d]float64
	for iter := 0; iter < 100; iter++ {
		var g [d]float64
		var h [d][d]float64
		for i := range ex {
			e := &ex[i]
			s := 0.0
			for f := 0; f < d; f++ {
				row[f] = z(e, f)
				s += w[f] * row[f]
			}
			p := sigmoid(s)
			r := p - e.Label
			q := max(p*(1-p), 1e-12)
			for a := 0; a < d; a++ {
				g[a] += r * row[a]
				if row[a] == 0 {
					continue
				}
				for b := a; b < d; b++ {
					h[a][b] += q * row[a] * row[b]
				}
			}
		}
		for a := 0; a < d; a++ {
			for b := 0; b < a; b++ {
				h[a][b] = h[b][a]
			}
			if a < numFeatures {
				g[a] += l2 * w[a]
				h[a][a] += l2
			}
		}
		step, ok := solve(h, g)
		if !ok {
			return nil, errors.New("verify: training diverged (singular Hessian)")
		}
		big := 0.0
		for a := range w {
			w[a] -= step[a]
			big = max(big, math.Abs(step[a]))
		}
		if big < 1e-9 {
			break
		}
	}
	m := &Model{memo: new(promptMemo), info: Info{Pairs: opts.Pairs, Target: opts.Target, Rows: len(ex), L2: l2, Share: share, Note: opts.Note}}
	if m.info.Target == "" {
		m.info.Target = TargetGain
	}
	m.bias = w[numFeatures]
	for f := 0; f < numFeatures; f++ {
		if used[f] {
			m.w[f] = w[f] / sd[f]
			m.bias -= w[f] * mean[f] / sd[f]
		}
	}
	scores := make([]float64, len(ex))
	for i := range ex {
		scores[i] = m.score(&ex[i].x)
	}
	m.quantiles = quantileTable(scores, 100)
	m.cutoff = m.CutoffForShare(share)
	return m, nil
}

// solve solves h·x = g (h symmetric positive definite) by Gaussian
// elimination with partial pivoting.
func solve(h [numFeatures + 1][numFeatures + 1]float64, g [numFeatures + 1]float64) ([numFeatures + 1]float64, bool) {
	const d = numFeatures + 1
	for c := 0; c < d; c++ {
		p := c
		for r := c + 1; r < d; r++ {
			if math.Abs(h[r][c]) > math.Abs(h[p][c]) {
				p = r
			}
		}
		if math.Abs(h[p][c]) < 1e-12 {
			h[p][c] = 1e-12 // an unused feature: its row is all zero
		}
		h[c], h[p] = h[p], h[c]
		g[c], g[p] = g[p], g[c]
		for r := c + 1; r < d; r++ {
			f := h[r][c] / h[c][c]
			if f == 0 {
				continue
			}
			for k := c; k < d; k++ {
				h[r][k] -= f * h[c][k]
			}
			g[r] -= f * g[c]
		}
	}
	var x [d]float64
	for c := d - 1; c >= 0; c-- {
		s := g[c]
		for k := c + 1; k < d; k++ {
			s -= h[c][k] * x[k]
		}
		x[c] = s / h[c][c]
		if math.IsNaN(x[c]) || math.IsInf(x[c], 0) {
			return x, false
		}
	}
	return x, true
}

// CrossValidate returns each example's out-of-fold score: k folds grouped
// by prompt (eval.GroupKFold, so one prompt's copies in several files stay
// in one fold), a model trained on the other folds scoring each. Pool the
// scores to compute APGR or a cascade's curve over all examples at once.
func CrossValidate(ex []Example, k int, seed uint64, opts TrainOptions) ([]float64, error) {
	prompts := make([]string, len(ex))
	for i := range ex {
		prompts[i] = ex[i].Prompt
	}
	folds, err := eval.GroupKFold(prompts, k, seed, nil)
	if err != nil {
		return nil, err
	}
	out := make([]float64, len(ex))
	train := make([]Example, 0, len(ex))
	for fi, f := range folds {
		train = train[:0]
		for _, i := range f.Train {
			train = append(train, ex[i])
		}
		m, err := Train(train, opts)
		if err != nil {
			return nil, fmt.Errorf("verify: fold %d: %w", fi, err)
		}
		for _, i := range f.Test {
			out[i] = m.score(&ex[i].x)
		}
	}
	return out, nil
}
