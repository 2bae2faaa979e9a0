package llmrouter

import (
	"bytes"
	_ "embed"
	"sync"
)

// The built-in default classifier: the trained model, its quantiles and
// the blend's shape weights. Regenerate them from the repository root, with
// the shared outcomes data beside the repository (../shared/data), by
//
//	go generate -run default_ ./
//
// which runs internal/gendefault (about 30 s): the model trained on
// RouteLLM's MMLU and GSM8K files and RouterBench's training split
// (-dup 0: not the Arena-Hard prompts; GSM8K row 326, a copy of an MT-Bench
// question, left out), the heuristic's shape at blend weight 0.5
// (-blend 0.5). Candidates chosen by cross-validation instead (-variants,
// -split) did not pass: see internal/gendefault and BENCHMARKS.md. RouterBench's test split and MT-Bench are left
// out, held-out and out-of-domain tests. Without -dup 0 -blend 0.5 the
// generator also trains on the Arena-Hard prompts and chooses the blend
// weight by cross-validation; `go run ./internal/gendefault -cv` measures
// that build on the Arena prompts (see internal/gendefault).
//
//go:generate go run ./internal/gendefault -data ../shared/data -dup 0 -blend 0.5 -model default_model.bin -o default_quantiles.go -probes default_probes_test.go

//go:embed default_model.bin
var defaultModelFile []byte

var defaultLinear = sync.OnceValues(func() (*LinearClassifier, error) {
	return ReadLinearClassifier(bytes.NewReader(defaultModelFile))
})

// defaultLinearClassifier returns the built-in trained classifier, decoded
// once on first use (0.8 MB embedded). It predicts
// only Prediction.Difficulty — the expected score gain of GPT-4
// (gpt-4-1106-preview) over cheaper models on the prompt, as (1 + gain)/2 —
// and leaves Quality to the router, which maps the difficulty onto each
// model's card (see ModelCard.Quality). It was trained with train.Linear
// (DifficultyOnly) on the public RouteLLM MMLU and GSM8K outcomes (GPT-4 vs
// Mixtral) and RouterBench's training split (GPT-4 vs ten cheaper models),
// 17,555 prompts. MT-Bench is left out: it is the out-of-domain test.
//
// Measured (`llmrouter eval`): the same training, cross-validated, routes
// MMLU with APGR 0.668 and GSM8K with 0.643 (5 folds, tuning nested);
// on RouterBench's held-out test split, routing GPT-4 vs Mixtral-8x7B by
// this model's difficulty gives APGR 0.581 (prompt length: 0.429; go test
// -run TestDefaultClassifierOnData -v .). Its
// knowledge is that of these benchmarks — which subjects and tasks cheaper
// models fall short on — so it carries over to traffic with a similar mix;
// train on your own outcomes (train.Linear) for anything else.
//
// The classifier is shared and immutable: safe for concurrent use.
func defaultLinearClassifier() (*LinearClassifier, error) { return defaultLinear() }
