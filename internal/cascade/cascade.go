// Package cascade sums a two-model cascade's cost and quality: every
// request pays the weak model, escalated ones pay the strong model too and
// take its answer. It is the small stand-in the verifier's CLI and tests use
// until eval has a cascade curve of its own (eval/cascade.go).
package cascade

import (
	"errors"
	"sort"
)

// Point is the cascade escalating the Escalated highest-scoring rows.
type Point struct {
	Escalated int
	// Share is Escalated over the rows; Quality the mean score; Cost the
	// total cost over the strong model's total cost alone.
	Share, Quality, Cost float64
}

// Curve returns the cascade's points for 0…n escalated rows, escalating in
// descending score order (ties broken by row order, for determinism).
func Curve(strong, weak, strongCost, weakCost, score []float64) ([]Point, error) {
	n := len(score)
	if n == 0 || len(strong) != n || len(weak) != n || len(strongCost) != n || len(weakCost) != n {
		return nil, errors.New("cascade: want equal, non-empty columns")
	}
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return score[order[a]] > score[order[b]] })
	var q, c, sc float64
	for i := range n {
		q += weak[i]
		c += weakCost[i]
		sc += strongCost[i]
	}
	if sc <= 0 {
		return nil, errors.New("cascade: the strong model costs nothing")
	}
	pts := make([]Point, 0, n+1)
	pts = append(pts, Point{Quality: q / float64(n), Cost: c / sc})
	for k, i := range order {
		q += strong[i] - weak[i]
		c += strongCost[i]
		pts = append(pts, Point{Escalated: k + 1, Share: float64(k+1) / float64(n), Quality: q / float64(n), Cost: c / sc})
	}
	return pts, nil
}

// CheapestReaching returns the cheapest point whose quality reaches target.
func CheapestReaching(pts []Point, target float64) (Point, bool) {
	best, ok := Point{}, false
	for _, p := range pts {
		if p.Quality >= target && (!ok || p.Cost < best.Cost) {
			best, ok = p, true
		}
	}
	return best, ok
}
