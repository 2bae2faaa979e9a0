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
// which runs internal/gendefault (a few minutes: six trainings). It trains
// on RouteLLM's MMLU and GSM8K files, RouterBench's training split and the
// Arena-Hard prompts; RouterBench's test split and MT-Bench are left out,
// held-out and out-of-domain tests. `go run ./internal/gendefault -cv`
// cross-validates the whole build on the Arena prompts instead.
//
//go:generate go run ./internal/gendefault -data ../shared/data -model default_model.bin -o default_quantiles.go -probes default_probes_test.go

//go:embed default_model.bin
var defaultModelFile []byte

var defaultLinear = sync.OnceValues(func() (*LinearClassifier, error) {
	return ReadLinearClassifier(bytes.NewReader(defaultModelFile))
})

// DefaultLinearClassifier returns the built-in trained classifier, decoded
// once on first use (0.8 MB embedded). It predicts
// only Prediction.Difficulty — the expected score gain of a strong model
// over cheaper ones on the prompt, as (1 + gain)/2 — and leaves Quality to
// the router, which maps the difficulty onto each model's card
// (QualityForDifficulty). It was trained with train.Linear
// (DifficultyOnly) on the public RouteLLM MMLU and GSM8K outcomes (GPT-4 vs
// Mixtral), RouterBench's training split (GPT-4 vs ten cheaper models) and
// the 498 Arena-Hard prompts (real Chatbot Arena requests; gain: the
// fitted score gap between the strongest and weakest of 10–16 models,
// averaged over two judge runs), 18,054 prompts. MT-Bench is left out: it
// is the out-of-domain test.
//
// Measured: on RouterBench's held-out test split, routing GPT-4 vs
// Mixtral-8x7B by this model's difficulty gives APGR 0.592 (prompt length:
// 0.429; go test -run TestDefaultClassifierOnData -v .). On chat prompts
// it is at random level (Arena-Hard, 5-fold CV: 0.51–0.52; BENCHMARKS.md).
// Its knowledge is that of its training data — which subjects and tasks
// cheaper models fall short on — so it carries over to traffic with a
// similar mix; train on your own outcomes (train.Linear) for anything else.
//
// The classifier is shared and immutable: safe for concurrent use.
func DefaultLinearClassifier() (*LinearClassifier, error) { return defaultLinear() }
