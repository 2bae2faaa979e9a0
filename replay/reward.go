package replay

import "math"

// The doubly robust estimator's reward model: per model, the mean logged
// score in bins of the logged predicted quality, shrunk towards the
// model's mean (itself shrunk towards the mean of every decision); cost, the
// decision's estimated cost for the model scaled by the model's ratio of
// logged to estimated cost. Simple on purpose: DR stays unbiased however
// poor the model (it only moves the variance), and a few hundred decisions
// do not support a richer one.

const (
	rewardBins = 5
	shrink     = 5.0 // pseudo-counts of the prior in each shrunk mean
)

type acc struct{ sum, n float64 }

func (a *acc) add(x float64) { a.sum += x; a.n++ }

// mean is the shrunk mean of a towards prior.
func (a acc) mean(prior float64) float64 { return (a.sum + shrink*prior) / (a.n + shrink) }

type modelReward struct {
	all, cost acc
	bins      [rewardBins]acc
	// logged and estimated cost summed over the decisions that chose the
	// model and had an estimate for it.
	costSum, estSum float64
}

type rewardModel struct {
	quality, cost acc
	by            map[string]*modelReward
}

// fitReward fits the model on the logged decisions i with use(i).
func fitReward(logged []Logged, use func(i int) bool) *rewardModel {
	rm := &rewardModel{by: map[string]*modelReward{}}
	for i := range logged {
		if !use(i) {
			continue
		}
		l := &logged[i]
		mr := rm.by[l.Model]
		if mr == nil {
			mr = &modelReward{}
			rm.by[l.Model] = mr
		}
		rm.quality.add(l.Score)
		rm.cost.add(l.Cost)
		mr.all.add(l.Score)
		mr.cost.add(l.Cost)
		if b, ok := bin(l, l.Model); ok {
			mr.bins[b].add(l.Score)
		}
		if e := l.EstCost[l.Model]; e > 0 {
			mr.costSum += l.Cost
			mr.estSum += e
		}
	}
	return rm
}

func bin(l *Logged, model string) (int, bool) {
	q, ok := l.Predicted[model]
	if !ok || math.IsNaN(q) {
		return 0, false
	}
	return min(rewardBins-1, max(0, int(q*rewardBins))), true
}

// predict is the model's expected score and cost of model on l.
func (rm *rewardModel) predict(l *Logged, model string) (q, c float64) {
	gq, gc := rm.quality.mean(0), rm.cost.mean(0)
	if rm.quality.n > 0 {
		gq, gc = rm.quality.sum/rm.quality.n, rm.cost.sum/rm.cost.n
	}
	mr := rm.by[model]
	if mr == nil {
		return gq, gc
	}
	q = mr.all.mean(gq)
	if b, ok := bin(l, model); ok {
		q = mr.bins[b].mean(q)
	}
	c = mr.cost.mean(gc)
	if e := l.EstCost[model]; e > 0 && mr.estSum > 0 {
		c = e * mr.costSum / mr.estSum
	}
	return q, c
}
