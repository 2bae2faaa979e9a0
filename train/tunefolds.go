package train

import (
	"sort"

	"github.com/llmrouter/llmrouter/internal/rowgroup"
)

// tuneScore returns the gain area and the total gain, over test rows, of
// routing between each model and the reference by the predicted gap
// (pred: [output][test row]),
// summed over the models (for a difficulty-only model: between the
// reference and the mean of the others by the predicted gain). Their
// ratio, summed over folds, is the APGR of all the pairs pooled. Unlike a
// mean of per-pair APGRs it stays put when two models are near-equal: such
// a pair's total gain is near zero and would divide its area by noise
// (issue 9: 23 of 7,598 RouterDC rows moved that mean from 0.98 to -0.28).
func (pr *problem) tuneScore(pred [][]float64, test []int, sb *scoreBuf) (area, total float64) {
	sc, st, wk := sb.sc[:0], sb.st[:0], sb.wk[:0]
	defer func() { sb.sc, sb.st, sb.wk = sc, st, wk }() // kept for the next call
	if pr.only {
		rs, y, w := pr.score[pr.ref], pr.y[0], pr.w[0]
		for k, i := range test {
			if w[i] == 0 {
				continue
			}
			sc = append(sc, pred[0][k])
			st = append(st, rs[i])
			wk = append(wk, rs[i]-y[i])
		}
		return gainArea(sc, st, wk, sb)
	}
	for j := range pr.models {
		if j == pr.ref {
			continue
		}
		sc, st, wk = sc[:0], st[:0], wk[:0]
		for k, i := range test {
			s, w := pr.score[pr.ref][i], pr.score[j][i]
			if s != s || w != w {
				continue
			}
			sc = append(sc, pred[pr.ref][k]-pred[j][k])
			st = append(st, s)
			wk = append(wk, w)
		}
		a, t := gainArea(sc, st, wk, sb)
		area += a
		total += t
	}
	return area, total
}

// scoreBuf is tuneScore's and gainArea's scratch (gainArea uses idx and
// gain only), reused from call to call: tuning scores folds × settings ×
// model pairs, and fresh slices each time made most of its garbage.
type scoreBuf struct {
	sc, st, wk, gain []float64
	idx              []int
}

// gainArea routes by score (higher = strong) at the strong-call shares 0,
// 0.1, …, 1, each share exact (k = share·n prompts routed to strong,
// interpolated), tied scores resolved by their expected value. It returns
// the area under the curve of the gain over all-weak (trapezoids) and the
// total gain Σ strong − weak: area/total is the APGR.
func gainArea(score, strong, weak []float64, sb *scoreBuf) (area, total float64) {
	n := len(score)
	if n == 0 {
		return 0, 0
	}
	idx := sb.idx[:0]
	for i := range n {
		idx = append(idx, i)
	}
	sb.idx = idx
	sort.SliceStable(idx, func(a, b int) bool { return score[idx[a]] > score[idx[b]] })
	for i := range strong {
		total += strong[i] - weak[i]
	}
	gain := append(sb.gain[:0], make([]float64, n+1)...)
	sb.gain = gain
	for k := 0; k < n; {
		j := k
		var g float64
		for j < n && score[idx[j]] == score[idx[k]] {
			g += strong[idx[j]] - weak[idx[j]]
			j++
		}
		for t := k; t < j; t++ {
			gain[t+1] = gain[k] + g*float64(t+1-k)/float64(j-k)
		}
		k = j
	}
	var prev float64
	for s := 1; s <= 10; s++ {
		x := float64(s) / 10 * float64(n)
		lo := int(x)
		g := gain[min(lo, n)]
		if lo < n {
			g += (x - float64(lo)) * (gain[lo+1] - gain[lo])
		}
		area += (g + prev) / 2 / 10
		prev = g
	}
	return area, total
}

// groupFolds deals groups of rows of equal key (identical prompts),
// shuffled by seed, to k folds round-robin; it returns each fold's rows
// ascending, or nil when there are fewer than k groups.
func groupFolds(keys []uint64, k int, seed uint64) [][]int {
	if k < 2 {
		return nil
	}
	groups := rowgroup.ByKey(keys) // as dataset.GroupByPrompt groups the prompts
	if len(groups) < k {
		return nil
	}
	s := seed*0x9E3779B97F4A7C15 + 0x632BE59BD9B4E019
	next := func() uint64 { // splitmix64
		s += 0x9E3779B97F4A7C15
		z := s
		z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9
		z = (z ^ (z >> 27)) * 0x94D049BB133111EB
		return z ^ (z >> 31)
	}
	for i := len(groups) - 1; i > 0; i-- {
		j := int(next() % uint64(i+1))
		groups[i], groups[j] = groups[j], groups[i]
	}
	folds := make([][]int, k)
	for g, rows := range groups {
		folds[g%k] = append(folds[g%k], rows...)
	}
	for _, f := range folds {
		sort.Ints(f)
	}
	return folds
}

// complementRows returns 0..n-1 without the ascending rows of test.
func complementRows(n int, test []int) []int {
	out := make([]int, 0, n-len(test))
	t := 0
	for i := 0; i < n; i++ {
		if t < len(test) && test[t] == i {
			t++
			continue
		}
		out = append(out, i)
	}
	return out
}
