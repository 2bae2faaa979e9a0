package main

import (
	"math"
	"sort"

	"github.com/llmrouter/llmrouter/internal/chatshape"
)

// contaminated are training records that copy an MT-Bench question (the
// out-of-domain test) with other numbers: found by the 8-word shingles the
// two share, and left out of every build. (Three MBPP prompts share only
// "a python function to find the length of the …" with an MT-Bench coding
// question and are kept.)
var contaminated = map[string]bool{
	"routellm/gsm8k/326": true, // MT-Bench math/115, the bus terminal question
}

// The selection criterion. The default serves a mix of tasks, so a
// shape weighting must rank prompts across tasks, not only within one:
// the per-source APGRs cannot see that (on every benchmark file each
// prompt is the same kind of task). "mixed" pools GPT-4 vs Mixtral over
// MMLU, GSM8K and RouterBench's training split, each source weighing the
// same, and scores routing that pool; "chat" is the mean APGR of the Arena
// pairs. The criterion is their mean. MT-Bench plays no part.
var (
	mixedPairs = pairs[3:]
	chatPairs  = pairs[:3]
)

// criterion scores routing the items idx by score (indexed by item).
func (c *corpus) criterion(idx []int, score []float64) (crit, mixed, chat float64) {
	var st, wk, sc, wt []float64
	count := map[string]float64{}
	for _, i := range idx {
		for _, pr := range mixedPairs {
			if _, ok := c.outcome(i, pr.file, pr.strong); ok {
				count[pr.file]++
			}
		}
	}
	for _, i := range idx {
		for _, pr := range mixedPairs {
			s, ok1 := c.outcome(i, pr.file, pr.strong)
			x, ok2 := c.outcome(i, pr.file, pr.weak)
			if ok1 && ok2 {
				st, wk, sc, wt = append(st, s), append(wk, x), append(sc, score[i]), append(wt, 1/count[pr.file])
			}
		}
	}
	mixed = weightedAPGR(st, wk, sc, wt)
	for _, pr := range chatPairs {
		st, wk, sc, wt = st[:0], wk[:0], sc[:0], wt[:0]
		for _, i := range idx {
			s, ok1 := c.outcome(i, pr.file, pr.strong)
			x, ok2 := c.outcome(i, pr.file, pr.weak)
			if ok1 && ok2 {
				st, wk, sc, wt = append(st, s), append(wk, x), append(sc, score[i]), append(wt, 1)
			}
		}
		chat += weightedAPGR(st, wk, sc, wt) / float64(len(chatPairs))
	}
	return (mixed + chat) / 2, mixed, chat
}

// weightedAPGR is the APGR of the exact (step) curve of routing to the
// strong model the rows of highest score first, each row counting wt: the
// area under PGR over the routed share of weight, ties moved at once (a
// straight segment, their random order's expectation). NaN when the strong
// model is no better than the weak on the whole.
func weightedAPGR(strong, weak, score, wt []float64) float64 {
	o := make([]int, len(score))
	var W, qs, qw float64
	for i := range o {
		o[i] = i
		W += wt[i]
		qs += wt[i] * strong[i]
		qw += wt[i] * weak[i]
	}
	if !(qs > qw) || W == 0 {
		return math.NaN()
	}
	sort.SliceStable(o, func(a, b int) bool { return score[o[a]] > score[o[b]] })
	pgr := func(q float64) float64 { return (q - qw) / (qs - qw) }
	var area, share, gain float64 // gain: Σ wt·(strong − weak) routed so far
	prev := 0.0
	for k := 0; k < len(o); {
		s := score[o[k]]
		var w, g float64
		for ; k < len(o) && score[o[k]] == s; k++ {
			w += wt[o[k]]
			g += wt[o[k]] * (strong[o[k]] - weak[o[k]])
		}
		share += w / W
		gain += g
		cur := pgr(qw + gain)
		area += w / W * (prev + cur) / 2
		prev = cur
	}
	return area
}

// blendCandidates are the weights of the prior shape priorBlendMixed tries.
var blendCandidates = []float64{0, 0.125, 0.25, 0.5, 1, 2, 4}

// priorBlendMixed chooses the prior shape's blend weight β that maximises
// the criterion of routing rows (items; L their out-of-fold trained
// logits, X their shape signals) by L + β·shape.
func (c *corpus) priorBlendMixed(rows []int, L []float64, X [][chatshape.N]float64) (w [chatshape.N + 1]float64, beta float64) {
	score := make([]float64, len(c.items))
	best := math.Inf(-1)
	for _, b := range blendCandidates {
		pw := priorShape
		for k := range pw {
			pw[k] *= b
		}
		for r, i := range rows {
			score[i] = L[r] + chatshape.Score(&pw, &X[r])
		}
		if crit, _, _ := c.criterion(rows, score); crit > best+1e-9 {
			best, beta = crit, b
		}
	}
	for k := range w {
		w[k] = beta * priorShape[k]
	}
	return w, beta
}

// fixedEffect moves the Arena rows (L, X, y) so that their weighted means
// are the benchmark rows': the Arena target (a gap over 16 current models)
// is on another scale than the benchmarks' (GPT-4 minus the others), so
// only its variation within the Arena prompts, not its level, may teach
// the shape weights. The benchmark rows keep their levels, which carry the
// task prior (GSM8K's gap is larger than Winogrande's).
func fixedEffect(rows []int, items []item, arena int, L []float64, X [][chatshape.N]float64, y, wt []float64) {
	var sum [2][chatshape.N + 2]float64
	var n [2]float64
	for r, i := range rows {
		b := 0
		if items[i].source == arena {
			b = 1
		}
		n[b] += wt[r]
		sum[b][0] += wt[r] * L[r]
		sum[b][1] += wt[r] * y[r]
		for k := range X[r] {
			sum[b][k+2] += wt[r] * X[r][k]
		}
	}
	if n[0] == 0 || n[1] == 0 {
		return
	}
	shift := func(k int) float64 { return sum[0][k]/n[0] - sum[1][k]/n[1] }
	for r, i := range rows {
		if items[i].source != arena {
			continue
		}
		L[r] += shift(0)
		y[r] += shift(1)
		for k := range X[r] {
			X[r][k] += shift(k + 2)
		}
	}
}
