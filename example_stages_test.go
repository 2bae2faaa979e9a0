package llmrouter_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"

	"github.com/llmrouter/llmrouter"
	"github.com/llmrouter/llmrouter/dataset"
	"github.com/llmrouter/llmrouter/routertest"
	"github.com/llmrouter/llmrouter/train"
	"github.com/tmc/langchaingo/llms"
)

// Examples of the routing stages: analyzer, classifier, policy.

// exampleQuality is a classifier with fixed predictions, so that the
// policy examples show the policy alone.
var exampleQuality = llmrouter.ClassifierFunc(func(_ context.Context, _ *llmrouter.Features, models []llmrouter.ModelCard, p *llmrouter.Prediction) error {
	for i, m := range models {
		p.Quality[i] = map[string]float64{"small": 0.75, "large": 0.9}[m.Name]
	}
	return nil
})

func exampleAsk(prompt string) []llms.MessageContent {
	return []llms.MessageContent{llms.TextParts(llms.ChatMessageTypeHuman, prompt)}
}

func ExampleDefaultAnalyzer() {
	var f llmrouter.Features
	req := llmrouter.Request{Messages: exampleAsk("Fix this Go code: `func main() { fmt.Println(1 }`")}
	llmrouter.DefaultAnalyzer{}.Analyze(&req, &f)
	fmt.Printf("%d tokens, %d words, code %v\n", f.Tokens, f.Words, f.Code > 0)
	// A counter of your own (for example langchaingo's llms.CountTokens).
	words := func(s string) int { return len(strings.Fields(s)) }
	f = llmrouter.Features{}
	llmrouter.DefaultAnalyzer{Counter: words}.Analyze(&req, &f)
	fmt.Println(f.Tokens, "tokens by the custom counter")
	// Output:
	// 17 tokens, 9 words, code true
	// 13 tokens by the custom counter
}

// A custom analyzer that adds a fact of its own to the default features.
func ExampleAnalyzerFunc() {
	a := llmrouter.AnalyzerFunc(func(req *llmrouter.Request, f *llmrouter.Features) {
		llmrouter.DefaultAnalyzer{}.Analyze(req, f)
		if strings.Contains(f.Text, "SELECT") {
			f.Code = 1 // SQL counts as code here
		}
	})
	r, err := llmrouter.New(exampleProviders(), llmrouter.WithAnalyzer(a))
	if err != nil {
		panic(err)
	}
	d, err := r.Route(context.Background(), exampleAsk("SELECT name FROM users;"))
	if err != nil {
		panic(err)
	}
	fmt.Println("code:", d.Features.Code)
	// Output:
	// code: 1
}

func ExampleWithAnalyzer() {
	// DefaultAnalyzer with a custom token counter; the router also counts
	// answers with it when a provider reports no usage.
	words := func(s string) int { return len(strings.Fields(s)) }
	r, err := llmrouter.New(exampleProviders(), llmrouter.WithAnalyzer(llmrouter.DefaultAnalyzer{Counter: words}))
	if err != nil {
		panic(err)
	}
	d, err := r.Route(context.Background(), exampleAsk("What is the capital of France?"))
	if err != nil {
		panic(err)
	}
	fmt.Println(d.Features.Tokens, "tokens")
	// Output:
	// 10 tokens
}

// The built-in classifier predicts a difficulty and a label; harder
// prompts go to the stronger model.
func ExampleDefaultClassifier() {
	r, err := llmrouter.New(exampleProviders(), llmrouter.WithClassifier(llmrouter.DefaultClassifier()))
	if err != nil {
		panic(err)
	}
	easy, err := r.Route(context.Background(), exampleAsk("What is the capital of France?"))
	if err != nil {
		panic(err)
	}
	hard, err := r.Route(context.Background(), exampleAsk("Prove that the square root of 2 is irrational, and explain each step of the derivation."))
	if err != nil {
		panic(err)
	}
	fmt.Println(easy.Prediction.Label, easy.Model)
	fmt.Println(hard.Prediction.Label, hard.Model)
	fmt.Println("harder:", hard.Prediction.Difficulty > easy.Prediction.Difficulty)
	// Output:
	// simple small
	// reasoning large
	// harder: true
}

func ExampleClassifierFunc() {
	// Per-model quality from anything: here, a fixed table.
	r, err := llmrouter.New(exampleProviders(), llmrouter.WithClassifier(exampleQuality))
	if err != nil {
		panic(err)
	}
	d, err := r.Route(context.Background(), exampleAsk("Hello"))
	if err != nil {
		panic(err)
	}
	for _, c := range d.Candidates {
		fmt.Printf("%s %.2f\n", c.Model, c.Quality)
	}
	// Output:
	// small 0.75
	// large 0.90
}

func ExampleWithClassifier() {
	// A classifier that sends anything mentioning a contract to the large model.
	legal := llmrouter.ClassifierFunc(func(_ context.Context, f *llmrouter.Features, models []llmrouter.ModelCard, p *llmrouter.Prediction) error {
		for i, m := range models {
			p.Quality[i] = 0.8
			if m.Name == "small" && strings.Contains(strings.ToLower(f.Text), "contract") {
				p.Quality[i] = 0.3
			}
		}
		return nil
	})
	r, err := llmrouter.New(exampleProviders(), llmrouter.WithClassifier(legal))
	if err != nil {
		panic(err)
	}
	for _, prompt := range []string{"Summarise this contract.", "Say hello."} {
		d, err := r.Route(context.Background(), exampleAsk(prompt))
		if err != nil {
			panic(err)
		}
		fmt.Println(d.Model)
	}
	// Output:
	// large
	// small
}

// A classifier trained on outcomes, saved and read back (a service would
// embed the file or open it with os.Open).
func ExampleReadLinearClassifier() {
	var ds dataset.Dataset
	for i := range 40 {
		easy := i%2 == 0
		prompt := fmt.Sprintf("Say hello to friend %d.", i)
		if !easy {
			prompt = fmt.Sprintf("Prove theorem %d about the integral bound rigorously.", i)
		}
		ds.Records = append(ds.Records, dataset.Record{ID: fmt.Sprint(i), Prompt: prompt, Outcomes: map[string]dataset.Outcome{
			"small": {Score: map[bool]float64{true: 1, false: 0}[easy]}, "large": {Score: 1},
		}})
	}
	trained, err := train.Linear(&ds, train.Options{HashBits: 10, Lambdas: []float64{1}})
	if err != nil {
		panic(err)
	}
	var file bytes.Buffer
	if _, err := trained.WriteTo(&file); err != nil {
		panic(err)
	}
	c, err := llmrouter.ReadLinearClassifier(&file)
	if err != nil {
		panic(err)
	}
	fmt.Println(c.Models(), c.Info().Rows, "rows,", c.Info().HashBits, "hash bits")
	r, err := llmrouter.New(exampleProviders(), llmrouter.WithClassifier(c))
	if err != nil {
		panic(err)
	}
	for _, prompt := range []string{"Say hello to friend 99.", "Prove theorem 99 about the integral bound rigorously."} {
		d, err := r.Route(context.Background(), exampleAsk(prompt))
		if err != nil {
			panic(err)
		}
		fmt.Println(d.Model)
	}
	// Output:
	// [large small] 40 rows, 10 hash bits
	// small
	// large
}

// DefaultPolicy with a filter of your own and a stricter selection rule.
// The built-in filters still apply: a request with an image cannot go to a
// model without vision.
func ExampleDefaultPolicy() {
	providers := []llmrouter.Provider{
		routertest.NewProvider(llmrouter.ModelCard{Name: "text-only", InputPerMTok: 0.1, OutputPerMTok: 0.4}),
		routertest.NewProvider(llmrouter.ModelCard{Name: "large", InputPerMTok: 2.5, OutputPerMTok: 10, Capabilities: llmrouter.Vision}),
	}
	r, err := llmrouter.New(providers, llmrouter.WithClassifier(exampleQuality), llmrouter.WithPolicy(llmrouter.DefaultPolicy(
		llmrouter.CheapestAdequate{MinQuality: 0.5},
	)))
	if err != nil {
		panic(err)
	}
	img := []llms.MessageContent{{Role: llms.ChatMessageTypeHuman, Parts: []llms.ContentPart{
		llms.TextPart("What is in this picture?"), llms.ImageURLPart("https://example.com/cat.png"),
	}}}
	d, err := r.Route(context.Background(), img)
	if err != nil {
		panic(err)
	}
	fmt.Println(d.Model)
	for _, c := range d.Candidates {
		if c.Removed != "" {
			fmt.Printf("%s removed: %s\n", c.Model, c.Removed)
		}
	}
	// Output:
	// large
	// text-only removed: lacks vision (set ModelCard.Capabilities to include llmrouter.Vision)
}

func ExampleCheapestAdequate() {
	for _, tau := range []float64{0.7, 0.8} {
		r, err := llmrouter.New(exampleProviders(), llmrouter.WithClassifier(exampleQuality),
			llmrouter.WithPolicy(llmrouter.DefaultPolicy(llmrouter.CheapestAdequate{MinQuality: tau})))
		if err != nil {
			panic(err)
		}
		d, err := r.Route(context.Background(), exampleAsk("Hello"))
		if err != nil {
			panic(err)
		}
		fmt.Printf("τ=%.1f: %s, then %s\n", tau, d.Plan[0].Model, d.Plan[1].Model)
	}
	// Output:
	// τ=0.7: small, then large
	// τ=0.8: large, then small
}

// Threshold routes between two models by the predicted quality gap, as
// RouteLLM's routers do (calibrate.Share chooses the cutoff from data).
func ExampleThreshold() {
	for _, cutoff := range []float64{0.1, 0.2} {
		r, err := llmrouter.New(exampleProviders(), llmrouter.WithClassifier(exampleQuality),
			llmrouter.WithPolicy(llmrouter.DefaultPolicy(llmrouter.Threshold{Strong: "large", Weak: "small", Cutoff: cutoff})))
		if err != nil {
			panic(err)
		}
		d, err := r.Route(context.Background(), exampleAsk("Hello"))
		if err != nil {
			panic(err)
		}
		fmt.Printf("cutoff %.1f: %s (%s)\n", cutoff, d.Model, d.Plan[0].Reason)
	}
	// Output:
	// cutoff 0.1: large (threshold: predicted quality gap at or above the cutoff)
	// cutoff 0.2: small (threshold: predicted quality gap below the cutoff)
}

func ExampleTierFilter() {
	tiers := llmrouter.TierFilter{Tiers: map[string][]string{"free": {"small"}, "pro": {"small", "large"}}, Default: "free"}
	r, err := llmrouter.New(exampleProviders(), llmrouter.WithClassifier(exampleQuality),
		llmrouter.WithPolicy(llmrouter.DefaultPolicy(tiers, llmrouter.CheapestAdequate{MinQuality: 0.8})))
	if err != nil {
		panic(err)
	}
	for _, tier := range []string{"", "pro"} {
		d, err := r.Route(llmrouter.WithHints(context.Background(), llmrouter.Hints{Tier: tier}), exampleAsk("Hello"))
		if err != nil {
			panic(err)
		}
		fmt.Printf("tier %q: %s\n", tier, d.Model)
	}
	// Output:
	// tier "": small
	// tier "pro": large
}

// A policy of your own: models dearer than $5 per million output tokens
// only during office hours (Routing.Now is the router's clock).
func ExamplePolicyFunc() {
	officeHours := llmrouter.PolicyFunc(func(r *llmrouter.Routing) error {
		if h := r.Now.Hour(); h >= 9 && h < 17 {
			return nil
		}
		for i, m := range r.Models {
			if m.OutputPerMTok > 5 {
				r.Remove(i, "outside office hours")
			}
		}
		return nil
	})
	clock := exampleClockAt(22) // 22:00
	r, err := llmrouter.New(exampleProviders(), llmrouter.WithClock(clock), llmrouter.WithClassifier(exampleQuality),
		llmrouter.WithPolicy(llmrouter.DefaultPolicy(officeHours, llmrouter.CheapestAdequate{MinQuality: 0.8})))
	if err != nil {
		panic(err)
	}
	d, err := r.Route(context.Background(), exampleAsk("Hello"))
	if err != nil {
		panic(err)
	}
	fmt.Println(d.Model, "—", d.Candidates[1].Model, "removed:", d.Candidates[1].Removed)
	// Output:
	// small — large removed: outside office hours
}

func ExampleWithPolicy() {
	// The built-in filters and no selection rule: a plan left empty is
	// ranked by predicted quality, the strongest model first.
	noRule := llmrouter.PolicyFunc(func(*llmrouter.Routing) error { return nil })
	r, err := llmrouter.New(exampleProviders(), llmrouter.WithClassifier(exampleQuality),
		llmrouter.WithPolicy(llmrouter.DefaultPolicy(noRule)))
	if err != nil {
		panic(err)
	}
	d, err := r.Route(context.Background(), exampleAsk("Hello"))
	if err != nil {
		panic(err)
	}
	fmt.Println(d.Plan[0].Model, d.Plan[0].Reason)
	// Output:
	// large ranked by predicted quality
}
