package calibrate_test

import (
	"fmt"

	"github.com/llmrouter/llmrouter/calibrate"
)

// ExampleShare picks the cutoff that sends 40% of prompts to the strong
// model, from router scores (calibrate.Scores computes them over an
// outcomes dataset) and the two models' realised scores on five validation
// prompts. The cutoff is the llmrouter.Threshold policy's Cutoff.
func ExampleShare() {
	scores := []float64{0.9, 0.1, 0.5, 0.7, 0.3} // predicted quality(strong) − quality(weak)
	strong := []float64{1, 1, 1, 1, 0}
	weak := []float64{0, 1, 0, 1, 0}
	res, err := calibrate.Share(scores, strong, weak, 0.4)
	if err != nil {
		panic(err)
	}
	// Route with it: llmrouter.Threshold{Strong: "large", Weak: "small", Cutoff: res.Cutoff}.
	fmt.Printf("cutoff %.2f: %.0f%% strong, quality %.2f, PGR %.2f\n", res.Cutoff, 100*res.StrongShare, res.Quality, res.PGR)
	// Output:
	// cutoff 0.60: 40% strong, quality 0.60, PGR 0.50
}
