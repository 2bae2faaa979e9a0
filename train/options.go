package train

import (
	"fmt"
	"math"
	"runtime"
	"strconv"

	"github.com/llmrouter/llmrouter"
	"github.com/llmrouter/llmrouter/internal/linear"
)

// IDFMode says whether a LinearClassifier weighs n-grams by inverse
// document frequency.
type IDFMode int

const (
	// IDFAuto lets cross-validation choose (the default).
	IDFAuto IDFMode = iota
	// IDFOn always weighs by idf.
	IDFOn
	// IDFOff never does.
	IDFOff
)

// Options configures Linear. The zero value is useful: every
// model of the dataset, 2^18 buckets, ridge penalty, idf and dense weight
// chosen by 3-fold cross-validation on the training set.
type Options struct {
	// Models to predict; default every model in the dataset, sorted.
	// Records without an outcome for a model do not train that model.
	Models []string
	// HashBits: 2^HashBits n-gram buckets. Default DefaultHashBits (18).
	HashBits int
	// MaxWords: words of each prompt read. Default llmrouter.DefaultMaxNGramWords.
	MaxWords int
	// Lambdas are the candidate ridge penalties. Default {0.3, 1, 3, 10, 30,
	// 100}: the small ones serve small datasets, the large ones noisy ones.
	Lambdas []float64
	// IDF: whether to weigh n-grams by idf. Default IDFAuto (tuned).
	IDF IDFMode
	// DenseWeights are the candidate scales of the dense features; nil
	// or empty means {0.1}; {0} leaves them out.
	DenseWeights []float64
	// TuneFolds is the number of cross-validation folds used to choose
	// among more than one setting (prompts grouped: identical prompts share
	// a fold). Default 3 (when 0); tuning fails with fewer than 2. Tuning
	// sees only the dataset given to Linear, so a caller that holds out
	// test data gets nested cross-validation.
	TuneFolds int
	// Seed seeds the tuning folds; training is deterministic given it.
	Seed uint64
	// ClassWeight weighs each model's acceptable (score ≥ 0.5) and
	// unacceptable outcomes so both classes count equally ("balanced").
	ClassWeight bool
	// Difficulty adds a model-agnostic difficulty head: the score gain of
	// Reference over the mean of the other models (see LinearClassifier).
	Difficulty bool
	// DifficultyOnly trains the difficulty head alone (it implies
	// Difficulty): a small, model-agnostic classifier that leaves
	// Prediction.Quality to the router's model cards.
	DifficultyOnly bool
	// Reference is the strong model of the difficulty head and of tuning
	// (tuning maximises the APGR of routing between each other model and
	// Reference, all pairs and folds pooled). Default: the model with the
	// highest mean score.
	Reference string
	// Workers bounds the goroutines fitting outputs in parallel. Default
	// GOMAXPROCS.
	Workers int
	// Note is stored in LinearInfo.Note.
	Note string
	// Progress, when non-nil, is called after each step of training with
	// the number of steps done and their total: one step per candidate
	// setting fitted on a tuning fold, then the final fit. It is called
	// from the goroutine that called Linear.
	Progress func(done, total int)
}

// Defaults of Options.
var (
	defaultLambdas      = []float64{0.3, 1, 3, 10, 30, 100}
	defaultDenseWeights = []float64{0.1}
)

const defaultTuneFolds = 3

// OptionError is an Options field Linear refuses whatever the data:
// Options.Check's and LinearSeq's error before any record is read. Field
// is the field's name ("Lambdas"), Value the refused value where one is
// ("0"), Msg what is wrong.
type OptionError struct {
	Field, Value, Msg string
}

func (e *OptionError) Error() string {
	if e.Value == "" {
		return "llmrouter: train: Options." + e.Field + ": " + e.Msg
	}
	label := e.Field
	switch e.Field {
	case "Lambdas":
		label = "lambda"
	case "DenseWeights":
		label = "dense weight"
	case "IDF":
		label = "IDF mode"
	}
	return "llmrouter: train: " + label + " " + e.Value + ": " + e.Msg
}

// Check returns an *OptionError for the first field of o that Linear
// refuses before reading data: HashBits outside [MinHashBits,
// MaxHashBits] (0 = the default), a lambda not positive and finite, a
// dense weight not finite and ≥ 0, an unknown IDF mode, fewer than 2
// TuneFolds when there is more than one setting to tune, and of given
// Models: an empty or repeated name, more than MaxModels, weights past
// MaxWeights, a single model with tuning or a difficulty head, a Reference
// not among them. LinearSeq calls it first; a caller with options from
// elsewhere (the CLI's flags) calls it before reading any data. Data-
// dependent problems (a model without outcomes) are left to Linear.
func (o Options) Check() error {
	o.defaults()
	if o.HashBits < linear.MinHashBits || o.HashBits > linear.MaxHashBits {
		return &OptionError{"HashBits", strconv.Itoa(o.HashBits), fmt.Sprintf("want %d to %d", linear.MinHashBits, linear.MaxHashBits)}
	}
	lambdas, dws, idfs := o.candidates()
	for _, l := range lambdas {
		if !(l > 0) || math.IsInf(l, 0) {
			return &OptionError{"Lambdas", strconv.FormatFloat(l, 'g', -1, 64), "want positive numbers"}
		}
	}
	for _, v := range dws {
		if !(v >= 0) || math.IsInf(v, 0) {
			return &OptionError{"DenseWeights", strconv.FormatFloat(v, 'g', -1, 64), "want numbers ≥ 0"}
		}
	}
	if idfs == nil {
		return &OptionError{"IDF", strconv.Itoa(int(o.IDF)), "unknown"}
	}
	tuned := len(idfs)*len(dws)*len(lambdas) > 1
	if tuned && o.TuneFolds < 2 {
		return &OptionError{"TuneFolds", strconv.Itoa(o.TuneFolds), "tuning needs at least 2 folds"}
	}
	if len(o.Models) == 0 {
		return nil
	}
	if len(o.Models) > MaxModels {
		return &OptionError{"Models", "", fmt.Sprintf("%d models; at most %d (MaxModels)", len(o.Models), MaxModels)}
	}
	seen := make(map[string]bool, len(o.Models))
	for _, name := range o.Models {
		if name == "" {
			return &OptionError{"Models", "", "empty model name"}
		}
		if seen[name] {
			return &OptionError{"Models", "", fmt.Sprintf("repeated model %q", name)}
		}
		seen[name] = true
	}
	if err := weightsFit(len(o.Models), &o); err != nil {
		return &OptionError{"Models", "", err.Error()}
	}
	if tuned && len(o.Models) < 2 {
		return &OptionError{"Models", "", "tuning needs at least two models; give a single lambda, dense weight and IDF mode"}
	}
	if o.Difficulty && len(o.Models) < 2 {
		return &OptionError{"Difficulty", "", "a difficulty head needs at least two models"}
	}
	if o.Reference != "" && !seen[o.Reference] {
		return &OptionError{"Reference", "", fmt.Sprintf("reference model %q is not among the models %v", o.Reference, o.Models)}
	}
	return nil
}

// defaults fills o's zero fields with their defaults.
func (o *Options) defaults() {
	if o.HashBits == 0 {
		o.HashBits = DefaultHashBits
	}
	if o.MaxWords <= 0 {
		o.MaxWords = llmrouter.DefaultMaxNGramWords
	}
	if o.TuneFolds == 0 {
		o.TuneFolds = defaultTuneFolds
	}
	if o.Workers <= 0 {
		o.Workers = runtime.GOMAXPROCS(0)
	}
	if o.DifficultyOnly {
		o.Difficulty = true
	}
}

// candidates returns the settings tuning chooses among; idfs is nil for
// an unknown IDF mode.
func (o *Options) candidates() (lambdas, dws []float64, idfs []bool) {
	lambdas, dws = o.Lambdas, o.DenseWeights
	if len(lambdas) == 0 {
		lambdas = defaultLambdas
	}
	if len(dws) == 0 {
		dws = defaultDenseWeights
	}
	switch o.IDF {
	case IDFOn:
		idfs = []bool{true}
	case IDFOff:
		idfs = []bool{false}
	case IDFAuto:
		idfs = []bool{true, false}
	}
	return lambdas, dws, idfs
}
