package llmrouter_test

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"math"
	"os"
	"runtime"
	"testing"

	"github.com/llmrouter/llmrouter"
	"github.com/llmrouter/llmrouter/dataset"
	"github.com/llmrouter/llmrouter/internal/shareddata"
	"github.com/llmrouter/llmrouter/train"
	"github.com/stretchr/testify/require"
	"github.com/tmc/langchaingo/llms"
)

// goldenPredictions pins, for every distinct prompt of the shared outcome
// files, what the shipped models predict and what the analyzer extracts:
// the default classifier's and the built-in trained model's difficulty,
// the qualities of a LinearClassifier trained (fixed setting, IDF and dense
// features on) on the first 3,000 MMLU rows, and the analyzer's content
// signals. The digest was produced by the code before the hot-path work of
// issue 8 (commit b9424d2); a faster path must predict bit-identically.
// Changed twice since, on purpose: the default classifier's blend became
// trained logit + weighted shape signals (internal/chatshape), the same
// formula regrouped (on 19,078 shared-data prompts its difficulty moved by
// at most 2.8e-16 and no label changed); and training stopped storing
// entry values (issue 8, item 3, memory), which moved the model trained
// here within the solver's tolerance (its qualities by at most 6e-7),
// serving unchanged; and the built-in model was retrained without GSM8K
// row 326 (a copy of MT-Bench question 115 with other numbers, found by
// the 8-word shingles they share; internal/gendefault's contaminated), which
// moves the default's and the built-in model's difficulties (same
// configuration, one training row fewer).
// The fourth change: the linear classifier's n-gram block became one pass
// with a per-bucket counter (linear_stream.go), the same definition summed
// in another order and in float64, which moved predictions by at most
// 7.2e-7 and no routing decision (TestStreamMatchesGatherOnSharedData);
// goldenGather pins the previous path, kept as the stream's reference
// twin, at the previous digest. Raw bits stay hashed (no rounding): a
// rounding grid would still flip on values near its steps, and the
// twin's test bounds the difference instead.
// The fifth change: the Code signal stopped reading one bracket in a short
// text as symbol density (density over at least 40 runes) and counts
// names of languages and tools twice (markers.go). Of the 18,971 prompts,
// 253 changed Code (MMLU 31, MT-Bench 2, RouterBench 112, Arena 108), so
// the default's difficulty, none lost the "code" label and 64 gained it:
// 13 MMLU programming questions and one about snakes ("python"), two
// MT-Bench coding prompts and 48 Arena prompts (about 46 of them asking
// for code). Both digests moved.
// The sixth change (session 25): a request for code that names no
// language reads as code ("Write a function to …", "a program that …",
// "a script", and data structures such as "linked list" or "hash table"),
// and "let" is no longer a code word (markers.go). Of the distinct prompts
// of each file (19,471 in all), 547 changed Code (MMLU 195, GSM8K 1,
// MT-Bench 8, RouterBench 281, Arena 62). 253 gained the "code" label: 220
// RouterBench prompts, nearly all MBPP's "Write a function to …", 4
// MT-Bench coding prompts, 16 Arena rows (8 prompts in each of its two
// files, all asking for code) and 13 MMLU questions, 9 about programs and
// data structures and 4 not (an analytic or integrable "function that", a
// "program" of treatment or of public relations). 31 lost it: 27 were
// mathematics, physics, history or ethics questions opening with "Let …"
// (25 MMLU, an Arena proof in both files), 4 were about code (three MMLU
// questions on a Python list, one on a search box). Both digests moved.
// Floating-point results are pinned for amd64 only (other architectures may
// fuse multiply-adds). Set LLMROUTER_PRINT_GOLDEN=1 to print the digest.
const goldenPredictions = "2a06f6c60830fbda481cdedd"

// goldenGather is the digest of the same predictions by the gather twins.
const goldenGather = "fba45546c0a521f0f388da5c"

var goldenFiles = []string{
	"routellm-mmlu.jsonl", "routellm-gsm8k.jsonl", "routellm-mtbench.jsonl",
	"routerbench-train.jsonl", "routerbench-test.jsonl",
	"arenahard-gpt4o-dw1.jsonl", "arenahard-gpt4t-zp.jsonl",
}

// goldenPrompts returns every distinct prompt of goldenFiles, in file
// order, and the MMLU file (the golden tests train on its first rows).
func goldenPrompts(t *testing.T) (prompts []string, mmlu *dataset.Dataset) {
	t.Helper()
	seen := map[string]bool{}
	for _, name := range goldenFiles {
		ds, err := dataset.Load(shareddata.Path(t, name))
		require.NoError(t, err)
		if name == "routellm-mmlu.jsonl" {
			mmlu = ds
		}
		for _, r := range ds.Records {
			if !seen[r.Prompt] {
				seen[r.Prompt] = true
				prompts = append(prompts, r.Prompt)
			}
		}
	}
	require.Greater(t, len(prompts), 15000)
	return prompts, mmlu
}

func TestPredictionsGolden(t *testing.T) {
	if testing.Short() {
		t.Skip("reads and trains on the shared data; skipped with -short")
	}
	if runtime.GOARCH != "amd64" {
		t.Skipf("golden predictions are for amd64, not %s", runtime.GOARCH)
	}
	prompts, mmlu := goldenPrompts(t)
	for _, p := range prompts {
		// The scan window's size rests on this: no prompt the shipped
		// model learnt from is cut by it.
		require.LessOrEqual(t, len(p), llmrouter.MaxScanBytes, "a shared-data prompt is longer than the scan window")
	}
	sub := &dataset.Dataset{Records: mmlu.Records[:3000]}
	lin, err := train.Linear(sub, train.Options{Lambdas: []float64{10}, IDF: train.IDFOn, DenseWeights: []float64{0.1}, Workers: 1})
	require.NoError(t, err)
	require.NotEmpty(t, lin.Models())
	builtin, err := llmrouter.DefaultLinearClassifier()
	require.NoError(t, err)
	def := llmrouter.DefaultClassifier()
	defGather, err := llmrouter.DefaultClassifierGather()
	require.NoError(t, err)
	models := make([]llmrouter.ModelCard, 0, len(lin.Models()))
	for _, m := range lin.Models() {
		models = append(models, llmrouter.ModelCard{Name: m})
	}
	// The digest of the served paths, then of their gather twins.
	for _, run := range []struct {
		name, want  string
		classifiers []llmrouter.Classifier
		predict     func(string) ([]float64, float64)
	}{
		{"served", goldenPredictions, []llmrouter.Classifier{def, builtin, lin}, lin.Predict},
		{"gather", goldenGather, []llmrouter.Classifier{defGather, llmrouter.GatherClassifier(builtin), llmrouter.GatherClassifier(lin)}, lin.PredictGather},
	} {
		goldenDigest(t, prompts, models, run.classifiers, run.predict, run.name, run.want)
	}
}

// goldenDigest hashes the analyzer's features and the classifiers'
// predictions on prompts and requires the digest want.
func goldenDigest(t *testing.T, prompts []string, models []llmrouter.ModelCard, classifiers []llmrouter.Classifier, predict func(string) ([]float64, float64), name, want string) {
	h := sha256.New()
	put := func(x float64) {
		var b [8]byte
		binary.LittleEndian.PutUint64(b[:], math.Float64bits(x))
		h.Write(b[:])
	}
	ctx := context.Background()
	f := llmrouter.Features{}
	for _, text := range prompts {
		req := llmrouter.Request{Messages: []llms.MessageContent{llms.TextParts(llms.ChatMessageTypeHuman, text)}}
		f.NGrams = f.NGrams[:0]
		llmrouter.DefaultAnalyzer{}.Analyze(&req, &f)
		for _, v := range []int{len(f.NGrams), f.Tokens, f.Chars, f.Words, f.Lines, f.Questions, f.CodeFences, f.Reasoning, f.MultiStep, int(f.Script)} {
			put(float64(v))
		}
		put(f.Code)
		put(f.Math)
		put(f.NonASCII)
		for _, c := range classifiers {
			p := llmrouter.Prediction{Quality: make([]float64, len(models)), Difficulty: math.NaN()}
			for i := range p.Quality {
				p.Quality[i] = math.NaN()
			}
			require.NoError(t, c.Classify(ctx, &f, models, &p))
			put(p.Difficulty)
			for _, q := range p.Quality {
				put(q)
			}
		}
		q, _ := predict(text) // the path without the analyzer's counts
		for _, v := range q {
			put(v)
		}
	}
	sum := hex.EncodeToString(h.Sum(nil)[:12])
	if os.Getenv("LLMROUTER_PRINT_GOLDEN") != "" {
		t.Logf("%s: %d prompts, digest %s", name, len(prompts), sum)
	}
	require.Equal(t, want, sum, "%s: predictions or features changed on %d real prompts", name, len(prompts))
}
