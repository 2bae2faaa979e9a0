package calibrate

import (
	"context"
	"errors"
	"fmt"
	"math"
	"sort"

	"github.com/llmrouter/llmrouter"
	"github.com/llmrouter/llmrouter/dataset"
	"github.com/llmrouter/llmrouter/internal/linear"
	"github.com/tmc/langchaingo/llms"
)

// Result is an operating point of a binary (strong/weak) router on a
// validation set: route a prompt to the strong model when its score
// (RouteScore) is ≥ Cutoff. Use Cutoff as llmrouter.Threshold's Cutoff.
type Result struct {
	// Cutoff on the router score; +Inf sends nothing to the strong model,
	// -Inf everything.
	Cutoff float64
	// StrongShare is the fraction of validation prompts sent to the strong
	// model at Cutoff.
	StrongShare float64
	// Quality is the mean validation score at Cutoff, and PGR the share of
	// the strong model's advantage it recovers; NaN when the outcomes were
	// not given (PGR also when both models score the same on average).
	Quality, PGR float64
}

// RouteScore is the binary router score of a prediction: the predicted
// quality of the strong model (index s in the prediction's models) minus
// the weak one's (index w) — what the Threshold policy compares to its
// Cutoff. A NaN quality is derived from Difficulty and the model's card as
// the router does (internal/linear.QualityForDifficulty); with neither, the score is NaN.
// When both are derived, the score is the gap mirrored about its peak, as
// Threshold compares it, so it never falls as the difficulty rises.
func RouteScore(p *llmrouter.Prediction, strong, weak llmrouter.ModelCard, s, w int) float64 {
	qs, qw := p.Quality[s], p.Quality[w]
	if qs != qs && qw != qw && p.Difficulty == p.Difficulty {
		return linear.DifficultyGain(linear.QualityForDifficulty(p.Difficulty, strong.Quality), linear.QualityForDifficulty(p.Difficulty, weak.Quality))
	}
	if qs != qs {
		qs = linear.QualityForDifficulty(p.Difficulty, strong.Quality)
		if p.Difficulty != p.Difficulty {
			qs = math.NaN()
		}
	}
	if qw != qw {
		qw = linear.QualityForDifficulty(p.Difficulty, weak.Quality)
		if p.Difficulty != p.Difficulty {
			qw = math.NaN()
		}
	}
	return qs - qw
}

// Scores runs analyzer (DefaultAnalyzer when nil) and classifier on
// the prompt of every record that has outcomes for both models and returns,
// per such record, the router score (RouteScore) and the two models'
// realised scores: the input of Share and Quality. Each
// record's Prompt is analysed as one human message. ctx goes to every
// Classify call, and Scores checks it before each record: once ctx ends it
// returns an error matching ctx.Err().
func Scores(ctx context.Context, c llmrouter.Classifier, analyzer llmrouter.Analyzer, ds *dataset.Dataset, strong, weak llmrouter.ModelCard) (scores, strongScores, weakScores []float64, err error) {
	if c == nil {
		return nil, nil, nil, errors.New("llmrouter: score dataset: nil classifier")
	}
	if ds == nil {
		return nil, nil, nil, errors.New("llmrouter: score dataset: nil dataset")
	}
	if analyzer == nil {
		analyzer = llmrouter.DefaultAnalyzer{}
	}
	models := []llmrouter.ModelCard{strong, weak}
	p := llmrouter.Prediction{Quality: make([]float64, 2)}
	var f llmrouter.Features
	for i := range ds.Records {
		r := &ds.Records[i]
		so, ok1 := r.Outcomes[strong.Name]
		wo, ok2 := r.Outcomes[weak.Name]
		if !ok1 || !ok2 {
			continue
		}
		if err := ctx.Err(); err != nil {
			return nil, nil, nil, fmt.Errorf("llmrouter: score dataset: stopped before record %q: %w", r.ID, err)
		}
		req := llmrouter.Request{Messages: []llms.MessageContent{llms.TextParts(llms.ChatMessageTypeHuman, r.Prompt)}}
		ng := f.NGrams[:0]
		f = llmrouter.Features{NGrams: ng}
		analyzer.Analyze(&req, &f)
		p.Quality[0], p.Quality[1] = math.NaN(), math.NaN()
		p.Difficulty, p.Label, p.Confidence = math.NaN(), "", 0
		if err := c.Classify(ctx, &f, models, &p); err != nil {
			return nil, nil, nil, fmt.Errorf("llmrouter: score dataset: record %q: %w", r.ID, err)
		}
		s := RouteScore(&p, strong, weak, 0, 1)
		if s != s {
			return nil, nil, nil, fmt.Errorf("llmrouter: score dataset: record %q: the classifier has no opinion on %q or %q", r.ID, strong.Name, weak.Name)
		}
		scores = append(scores, s)
		strongScores = append(strongScores, so.Score)
		weakScores = append(weakScores, wo.Score)
	}
	if len(scores) == 0 {
		return nil, nil, nil, fmt.Errorf("llmrouter: score dataset: no record has outcomes for both %q and %q", strong.Name, weak.Name)
	}
	return scores, strongScores, weakScores, nil
}

// operating points of a cutoff sweep, one per distinct score, descending.
type sweep struct {
	sorted []float64 // scores descending
	order  []int
	strong []float64
	weak   []float64
	qs, qw float64
}

func newSweep(scores, strong, weak []float64) (*sweep, error) {
	if len(scores) == 0 {
		return nil, errors.New("llmrouter: calibrate: no scores")
	}
	for i, s := range scores {
		if s != s {
			return nil, fmt.Errorf("llmrouter: calibrate: score %d is NaN", i)
		}
	}
	if strong != nil || weak != nil {
		if len(strong) != len(scores) || len(weak) != len(scores) {
			return nil, fmt.Errorf("llmrouter: calibrate: %d scores, %d strong and %d weak outcomes", len(scores), len(strong), len(weak))
		}
		for i := range strong {
			if strong[i] != strong[i] {
				return nil, fmt.Errorf("llmrouter: calibrate: strong outcome %d is NaN", i)
			}
			if weak[i] != weak[i] {
				return nil, fmt.Errorf("llmrouter: calibrate: weak outcome %d is NaN", i)
			}
		}
	}
	sw := &sweep{strong: strong, weak: weak, order: make([]int, len(scores))}
	for i := range sw.order {
		sw.order[i] = i
	}
	sort.SliceStable(sw.order, func(a, b int) bool { return scores[sw.order[a]] > scores[sw.order[b]] })
	sw.sorted = make([]float64, len(scores))
	for k, i := range sw.order {
		sw.sorted[k] = scores[i]
	}
	for i := range strong {
		sw.qs += strong[i]
		sw.qw += weak[i]
	}
	return sw, nil
}

// point returns the operating point sending the top k prompts to strong;
// the k-th and (k+1)-th scores must differ.
func (sw *sweep) point(k int, cutoff float64) Result {
	n := float64(len(sw.sorted))
	c := Result{Cutoff: cutoff, StrongShare: float64(k) / n, Quality: math.NaN(), PGR: math.NaN()}
	if sw.strong != nil {
		q := sw.qw
		for _, i := range sw.order[:k] {
			q += sw.strong[i] - sw.weak[i]
		}
		c.Quality = q / n
		if sw.qs != sw.qw {
			c.PGR = (q - sw.qw) / (sw.qs - sw.qw)
		}
	}
	return c
}

// cutoffAt returns the cutoff between the k-th and (k+1)-th largest scores.
func (sw *sweep) cutoffAt(k int) float64 {
	switch {
	case k == 0:
		return math.Inf(1)
	case k == len(sw.sorted):
		return math.Inf(-1)
	}
	hi, lo := sw.sorted[k-1], sw.sorted[k]
	m := lo + (hi-lo)/2
	if m <= lo { // adjacent floats
		m = hi
	}
	return m
}

// Share returns the cutoff that sends at most share (in [0,1]) of
// the validation prompts to the strong model — the largest such share that
// ties in the scores allow — halfway between the last score sent and the
// first one kept, so that new prompts split as the validation set did.
// strong and weak, the models' realised scores, are optional (nil); with
// them the Result also reports quality and PGR.
func Share(scores, strong, weak []float64, share float64) (Result, error) {
	if !(share >= 0 && share <= 1) {
		return Result{}, fmt.Errorf("llmrouter: calibrate: share %v outside [0,1]", share)
	}
	sw, err := newSweep(scores, strong, weak)
	if err != nil {
		return Result{}, err
	}
	n := len(sw.sorted)
	k := int(math.Floor(share*float64(n) + 1e-9))
	for k > 0 && k < n && sw.sorted[k-1] == sw.sorted[k] {
		k-- // a tie at the boundary: keep the whole group on the weak side
	}
	return sw.point(k, sw.cutoffAt(k)), nil
}

// Quality returns the cutoff with the smallest strong-call share
// whose mean validation quality reaches target (an absolute mean score;
// for a PGR p use q_weak + p·(q_strong − q_weak)). If no cutoff reaches it,
// the error says so and the Result sends everything to strong.
func Quality(scores, strong, weak []float64, target float64) (Result, error) {
	if strong == nil || weak == nil {
		return Result{}, errors.New("llmrouter: calibrate: quality calibration needs the strong and weak outcomes")
	}
	if target != target {
		return Result{}, errors.New("llmrouter: calibrate: target quality NaN; want a mean score")
	}
	sw, err := newSweep(scores, strong, weak)
	if err != nil {
		return Result{}, err
	}
	n := len(sw.sorted)
	q := sw.qw
	for k := 0; k <= n; k++ {
		if k > 0 {
			i := sw.order[k-1]
			q += strong[i] - weak[i]
		}
		valid := k == 0 || k == n || sw.sorted[k-1] != sw.sorted[k]
		if valid && q/float64(n) >= target {
			return sw.point(k, sw.cutoffAt(k)), nil
		}
	}
	return sw.point(n, math.Inf(-1)), fmt.Errorf("llmrouter: calibrate: no cutoff reaches quality %v (the strong model alone gets %v)", target, sw.qs/float64(n))
}
