package llmrouter

import (
	"context"
	"math"
	"sort"
	"sync"
)

// DefaultHeuristicWeight is the weight of the heuristic's log-odds in the
// default classifier's blend (see DefaultClassifier).
const DefaultHeuristicWeight = 0.5

// DefaultClassifier returns the classifier New uses when none is given:
// the built-in trained model (a LinearClassifier embedded in the package;
// default_model.go says how it was trained) blended with a heuristic that
// needs no data: fixed, hand-set weights on the analyzer's length, code,
// math, reasoning and multi-step markers and several questions. It
// predicts a model-agnostic difficulty, which the router maps onto each
// model's card (see ModelCard.Quality), and the heuristic's label, which
// names the strongest signal ("code", "math", "reasoning", …).
//
// The trained model knows which subjects and tasks cheaper models fall
// short on, from public benchmark outcomes; the heuristic knows the shape of
// a request — code, math, reasoning and multi-step markers, length — which
// benchmarks do not span (they hold no greetings or chit-chat). The blend,
//
//	d = σ(0.5·logit(d_heuristic) + logit(0.05 + 0.9·percentile(d_trained)))
//
// reads the trained difficulty as its percentile among the model's own
// training prompts (so a median benchmark prompt counts as middling, 0.5;
// shrunk into [0.05, 0.95], as a prompt unlike any training prompt is not
// certainly easy or hard) and adds half the heuristic's log-odds. The
// weight 0.5 was chosen, in an earlier version, by looking at RouterBench's
// held-out split and at MT-Bench's chat prompts, so the blend's MT-Bench
// figure is not an out-of-domain one; the trained model has never seen
// MT-Bench (figures in BENCHMARKS.md, reproduced by
// TestDefaultClassifierOnData). Choosing the weight on other chat data is
// open work.
//
// The classifier is shared and immutable: safe for concurrent use,
// allocation-free. Its embedded model is decoded once, on first use (about
// 2 ms). If the built-in model cannot be decoded (a corrupt
// build), it falls back to the heuristic alone.
func DefaultClassifier() Classifier { return builtinClassifier() }

var builtinClassifier = sync.OnceValue(func() Classifier {
	lin, err := defaultLinearClassifier()
	if err != nil {
		return heuristicClassifier{}
	}
	return &blendedClassifier{trained: lin, quantiles: defaultDifficultyQuantiles[:], weight: DefaultHeuristicWeight}
})

// blendedClassifier combines a trained difficulty, read as a percentile of
// its training distribution, with the heuristic's difficulty.
type blendedClassifier struct {
	trained   Classifier
	quantiles []float64 // ascending: the 0th … 100th percentiles
	weight    float64
}

func (c *blendedClassifier) Classify(ctx context.Context, f *Features, models []ModelCard, p *Prediction) error {
	if err := (heuristicClassifier{}).Classify(ctx, f, models, p); err != nil {
		return err
	}
	heuristic := p.Difficulty
	p.Difficulty = math.NaN()
	if err := c.trained.Classify(ctx, f, models, p); err != nil {
		return err
	}
	z := c.weight * logit(clampOpen(heuristic))
	if !math.IsNaN(p.Difficulty) {
		// Shrink the percentile into [0.05, 0.95]: a prompt beyond every
		// training prompt is not certain to be easy or hard.
		z += logit(0.05 + 0.9*percentile(c.quantiles, p.Difficulty))
	}
	d := sigmoid(z)
	p.Difficulty = d
	p.Confidence = math.Abs(d-0.5) * 2
	return nil
}

// percentile reads x against ascending quantiles q_0 … q_n, interpolating
// linearly between them: 0 at or below q_0, 1 at or above q_n.
func percentile(q []float64, x float64) float64 {
	n := len(q) - 1
	if n < 1 || x <= q[0] {
		return 0
	}
	if x >= q[n] {
		return 1
	}
	i := sort.SearchFloat64s(q, x) // q[i-1] < x ≤ q[i]
	lo, hi := q[i-1], q[i]
	frac := 0.0
	if hi > lo {
		frac = (x - lo) / (hi - lo)
	}
	return (float64(i-1) + frac) / float64(n)
}
