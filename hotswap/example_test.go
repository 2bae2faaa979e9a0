package hotswap_test

import (
	"context"
	"fmt"

	"github.com/llmrouter/llmrouter"
	"github.com/llmrouter/llmrouter/hotswap"
	"github.com/llmrouter/llmrouter/routertest"
)

// A retrained classifier and the threshold calibrated for it go live
// together, while the router serves; a policy naming a model the router
// lacks is refused and the old pair stays.
func ExamplePair() {
	small := routertest.NewProvider(llmrouter.ModelCard{Name: "small", InputPerMTok: 0.2, OutputPerMTok: 0.6, Quality: 0.7})
	large := routertest.NewProvider(llmrouter.ModelCard{Name: "large", InputPerMTok: 5, OutputPerMTok: 15, Quality: 0.9})
	fixed := func(d float64) llmrouter.Classifier { // a stand-in for a trained classifier
		return llmrouter.ClassifierFunc(func(_ context.Context, _ *llmrouter.Features, _ []llmrouter.ModelCard, p *llmrouter.Prediction) error {
			p.Difficulty = d
			return nil
		})
	}
	pair := hotswap.NewPair(fixed(0.3), llmrouter.DefaultPolicy(llmrouter.CheapestAdequate{MinQuality: 0.7}))
	r, err := llmrouter.New([]llmrouter.Provider{small, large}, llmrouter.WithClassifier(pair), llmrouter.WithPolicy(pair))
	if err != nil {
		fmt.Println(err)
		return
	}
	route := func() {
		d, err := r.Route(context.Background(), ask("Summarise this paragraph."))
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("difficulty %.1f -> %s\n", d.Prediction.Difficulty, d.Model)
	}
	route()

	err = pair.Swap(fixed(0.6), llmrouter.DefaultPolicy(llmrouter.CheapestAdequate{MinQuality: 0.8}))
	fmt.Println("swap:", err)
	route()

	err = pair.Swap(fixed(0.1), llmrouter.DefaultPolicy(llmrouter.Threshold{Strong: "huge", Weak: "small"}))
	fmt.Println("swap:", err)
	route()
	// Output:
	// difficulty 0.3 -> small
	// swap: <nil>
	// difficulty 0.6 -> large
	// swap: hotswap: new classifier or policy refused, the old one stays: llmrouter: threshold policy names unknown model "huge"
	// difficulty 0.6 -> large
}
