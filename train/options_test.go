package train_test

import (
	"errors"
	"math"
	"testing"

	"github.com/llmrouter/llmrouter/dataset"
	"github.com/llmrouter/llmrouter/train"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Options.Check refuses every option LinearSeq would refuse without data,
// naming the field, and LinearSeq refuses them with the same error before
// reading a record: the CLI's train and eval check their flags with it, so
// the bounds are written once (the CLI repeated HashBits', the lambdas' and
// the dense weights' checks, and eval found a repeated -models only in
// cross-validation's first fold, after reading every file).
func TestOptionsCheck(t *testing.T) {
	for _, tc := range []struct {
		name  string
		opts  train.Options
		field string
		msg   string
	}{
		{"bits low", train.Options{HashBits: 3}, "HashBits", "HashBits 3"},
		{"bits high", train.Options{HashBits: 40}, "HashBits", "HashBits 40"},
		{"lambda zero", train.Options{Lambdas: []float64{1, 0}}, "Lambdas", "lambda 0"},
		{"lambda NaN", train.Options{Lambdas: []float64{math.NaN()}}, "Lambdas", "lambda NaN"},
		{"lambda Inf", train.Options{Lambdas: []float64{math.Inf(1)}}, "Lambdas", "lambda +Inf"},
		{"dense negative", train.Options{DenseWeights: []float64{-0.5}}, "DenseWeights", "dense weight -0.5"},
		{"idf unknown", train.Options{IDF: 7}, "IDF", "IDF mode 7"},
		{"folds with tuning", train.Options{TuneFolds: 1}, "TuneFolds", "TuneFolds 1"},
		{"folds negative", train.Options{TuneFolds: -2}, "TuneFolds", "TuneFolds -2"},
		{"model repeated", train.Options{Models: []string{"a", "b", "a"}}, "Models", `repeated model "a"`},
		{"model empty", train.Options{Models: []string{"a", ""}}, "Models", `empty model name`},
		{"too many models", train.Options{Models: names(train.MaxModels + 1)}, "Models", "MaxModels"},
		{"weights", train.Options{HashBits: 24, Models: names(5), Lambdas: []float64{1}}, "Models", "MaxWeights"},
		{"tuning one model", train.Options{Models: []string{"a"}}, "Models", "tuning needs at least two models"},
		{"difficulty one model", train.Options{Models: []string{"a"}, Difficulty: true, Lambdas: []float64{1}, IDF: train.IDFOn}, "Difficulty", "at least two models"},
		{"reference not a model", train.Options{Models: []string{"a", "b"}, Reference: "c"}, "Reference", `reference model "c" is not among the models [a b]`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.opts.Check()
			var oe *train.OptionError
			require.True(t, errors.As(err, &oe), "%v", err)
			assert.Equal(t, tc.field, oe.Field)
			assert.ErrorContains(t, err, tc.msg)

			read := false
			_, lerr := train.LinearSeq(func(yield func(dataset.Record, error) bool) { read = true }, tc.opts)
			assert.Equal(t, err.Error(), lerr.Error())
			assert.False(t, read, "LinearSeq read records before refusing its options")
		})
	}
	for _, ok := range []train.Options{
		{},
		{TuneFolds: 1, Lambdas: []float64{1}, IDF: train.IDFOff},
		{Models: []string{"a"}, Lambdas: []float64{1}, IDF: train.IDFOn},
		{Models: []string{"a", "b"}, Reference: "b", Difficulty: true},
		{HashBits: 24, Models: names(4), Lambdas: []float64{1}},
	} {
		assert.NoError(t, ok.Check(), "%+v", ok)
	}
}

func names(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = "m" + string(rune('a'+i%26)) + string(rune('a'+i/26))
	}
	return out
}

// Empty (non-nil) Lambdas and DenseWeights mean their defaults, as nil
// does: DenseWeights: []float64{} used to panic with an index out of
// range (the default was taken for nil only, and tuning read the first
// candidate). Found reading Options' defaults while moving them to
// options.go.
func TestOptionsEmptyCandidates(t *testing.T) {
	ds := synthDataset(60)
	for _, opts := range []train.Options{
		{DenseWeights: []float64{}, Lambdas: []float64{1}, IDF: train.IDFOn},
		{Lambdas: []float64{}, DenseWeights: []float64{}, IDF: train.IDFOff},
	} {
		require.NoError(t, opts.Check())
		want, err := train.Linear(ds, train.Options{Lambdas: opts.Lambdas, IDF: opts.IDF})
		require.NoError(t, err)
		got, err := train.Linear(ds, opts)
		require.NoError(t, err)
		assert.Equal(t, want.Info(), got.Info())
	}
}
