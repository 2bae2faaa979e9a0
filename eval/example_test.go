package eval_test

import (
	"fmt"

	"github.com/llmrouter/llmrouter/eval"
)

func ExampleAPGR() {
	strong := []float64{1, 1, 0, 1} // the strong model's score per prompt
	weak := []float64{0, 1, 0, 0}   // the weak model's
	router := []float64{0.9, 0.8, 0.1, 0.2}

	apgr, err := eval.APGR(strong, weak, router)
	if err != nil {
		panic(err)
	}
	exact, _ := eval.StepAPGR(strong, weak, router)
	fmt.Printf("APGR %.3f (deciles), %.3f (exact)\n", apgr, exact)
	// Output: APGR 0.625 (deciles), 0.625 (exact)
}

func ExampleEvaluateBinary() {
	strong := []float64{1, 1, 0, 1}
	weak := []float64{0, 1, 0, 0}
	router := []float64{0.9, 0.8, 0.1, 0.2}

	r, err := eval.EvaluateBinary(strong, weak, router)
	if err != nil {
		panic(err)
	}
	for _, p := range r.Step.Points {
		fmt.Printf("strong calls %3.0f%%  quality %.2f  PGR %.2f\n", 100*p.StrongShare, p.Quality, p.PGR)
	}
	fmt.Printf("CPT(50%%) = %.2f, CPT(80%%) = %.2f\n", r.CPT50, r.CPT80)
	// Output:
	// strong calls   0%  quality 0.25  PGR 0.00
	// strong calls  25%  quality 0.50  PGR 0.50
	// strong calls  50%  quality 0.50  PGR 0.50
	// strong calls  75%  quality 0.75  PGR 1.00
	// strong calls 100%  quality 0.75  PGR 1.00
	// CPT(50%) = 0.25, CPT(80%) = 0.65
}

func ExampleOracleCurve() {
	strong := []float64{1, 1, 0, 1}
	weak := []float64{0, 1, 0, 0}
	oracle, _ := eval.OracleCurve(strong, weak, nil)
	random, _ := eval.RandomCurve(strong, weak, nil)
	fmt.Printf("oracle APGR %.2f, random APGR %.2f\n", oracle.APGR(), random.APGR())
	// Output: oracle APGR 0.75, random APGR 0.50
}

func ExampleEvaluateMulti() {
	m := eval.Matrix{
		Models: []string{"small", "medium", "large"},
		Scores: [][]float64{{1, 1, 1}, {0, 1, 1}, {0, 0, 1}, {0, 0, 0}},
		Costs:  [][]float64{{.1, .5, 1}, {.1, .5, 1}, {.1, .5, 1}, {.1, .5, 1}},
	}
	predicted := m.Scores // a perfect predictor
	r, err := eval.EvaluateMulti(predicted, m.MeanCosts(), m, eval.MultiOptions{Lambdas: []float64{0, 2, 10}})
	if err != nil {
		panic(err)
	}
	for _, p := range r.Curve {
		fmt.Printf("λ=%-3g cost %.3f quality %.2f\n", p.Lambda, p.Cost, p.Quality)
	}
	fmt.Printf("95%% of %s's quality: router %.3f, two-model mix %.3f of its cost\n",
		r.Best.Label, r.Reach[0].RouterHull, r.Reach[0].Mix)
	// Output:
	// λ=0   cost 0.425 quality 0.75
	// λ=2   cost 0.200 quality 0.50
	// λ=10  cost 0.100 quality 0.25
	// 95% of large's quality: router 0.391, two-model mix 0.925 of its cost
}

func ExampleGroupKFold() {
	prompts := []string{"a", "b", "a", "c", "d", "b"}
	folds, err := eval.GroupKFold(prompts, 2, 1, nil)
	if err != nil {
		panic(err)
	}
	for i, f := range folds {
		var test []string
		for _, row := range f.Test {
			test = append(test, prompts[row])
		}
		fmt.Printf("fold %d: test rows %v %v, train rows %v\n", i, f.Test, test, f.Train)
	}
	// Output:
	// fold 0: test rows [0 1 2 5] [a b a b], train rows [3 4]
	// fold 1: test rows [3 4] [c d], train rows [0 1 2 5]
}

func ExampleCascade() {
	strong := []float64{1, 1, 0, 1} // the strong model's score per prompt
	weak := []float64{0, 1, 0, 0}   // the weak model's
	reject := []float64{0.9, 0.8, 0.1, 0.2}
	router := []float64{0.6, 0.1, 0.2, 0.3}              // a prompt-only router, for comparison
	costStrong, costWeak := []float64{1}, []float64{0.1} // a 10x price ratio

	c, err := eval.Cascade(strong, weak, reject, costStrong, costWeak)
	if err != nil {
		panic(err)
	}
	for _, p := range c.Points {
		fmt.Printf("escalated %3.0f%%  quality %.2f  cost %3.0f%% of always-strong\n", 100*p.Share, p.Quality, 100*p.CostShare)
	}
	pre, _ := eval.PreRoute(strong, weak, router, costStrong, costWeak)
	fmt.Printf("APGR: cascade %.3f, pre-routing %.3f\n", c.APGR, pre.APGR)
	fmt.Printf("cost for 95%% of strong quality: cascade %.1f%%, pre-routing %.1f%%\n", 100*c.CostAt95, 100*pre.CostAt95)
	// Output:
	// escalated   0%  quality 0.25  cost  10% of always-strong
	// escalated  25%  quality 0.50  cost  35% of always-strong
	// escalated  50%  quality 0.50  cost  60% of always-strong
	// escalated  75%  quality 0.75  cost  85% of always-strong
	// escalated 100%  quality 0.75  cost 110% of always-strong
	// APGR: cascade 0.625, pre-routing 0.750
	// cost for 95% of strong quality: cascade 81.2%, pre-routing 51.6%
}
