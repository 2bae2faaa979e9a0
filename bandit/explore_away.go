package bandit

// Exploring away from the live choice. The bandit starts as the live
// policy (warmstart.go) and departs from it where its grades say another
// model earns more. Two kinds of exploring follow: away from the live
// choice, to learn whether another model is better; and back to it, when
// the greedy choice has departed, to learn whether the departure was
// right. The second is cheap and targeted, and it is what corrects a
// departure made on a model's prior alone, which otherwise goes on until
// its own grades have pulled it down (the "settled on a bad model" runs
// of the regret budget, RouterBench seed 17: 2,306.9 against the
// default's 2,504.0). The first, over many models (RouterBench: 10 others),
// mostly tries plainly worse ones. So MaxExploreAway caps it separately,
// and exploring back counts only against MaxExploreShare.
//
// Chosen on RouterBench seeds 11–30 (BENCHMARKS.md, "Learning from
// traffic"), paired by seed against the earlier defaults (no separate
// cap, no regret budget; mean 2,523.9, 7 of 20 ahead of the default by
// request 2,000): MaxExploreAway 0.02 with MaxExploreRegret 0.005 scored
// +8.7 ± 18.9 a run (mean 2,532.6, worst 2,481.8) and was ahead of the
// default at request 2,000 on 14 seeds. Never exploring away scored
// higher there (+9.2 ± 28.1, 18 of 20), but it cannot find a model the
// prediction underrates while the live choice does well, and it failed
// TestSimulateLearns (the synthetic stream where the default overpays).

// canExploreAway reports whether this decision may explore a model other
// than the live choice. The caller holds p.mu.
func (p *Policy) canExploreAway() bool {
	a := p.opt.MaxExploreAway
	return a > 0 && float64(p.stats.ExploredAway+1) <= a*float64(p.stats.Decisions+1)
}
