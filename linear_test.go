package llmrouter_test

import (
	"bytes"
	"cmp"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/llmrouter/llmrouter"
	"github.com/llmrouter/llmrouter/dataset"
	"github.com/llmrouter/llmrouter/internal/synthdata"
	"github.com/llmrouter/llmrouter/train"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tmc/langchaingo/llms"
)

// synthDataset is synthdata.Dataset: outcomes with a learnable signal.
func synthDataset(n int) *dataset.Dataset { return synthdata.Dataset(n) }

func trainSynth(t testing.TB, opts train.Options) *llmrouter.LinearClassifier {
	t.Helper()
	c, err := train.Linear(synthDataset(200), opts)
	require.NoError(t, err)
	return c
}

func TestTrainLinearLearnsSignal(t *testing.T) {
	tests := []struct {
		name string
		opts train.Options
	}{
		{"defaults (tuned)", train.Options{}},
		{"idf on, one lambda", train.Options{IDF: train.IDFOn, Lambdas: []float64{1}}},
		{"idf off, no dense", train.Options{IDF: train.IDFOff, Lambdas: []float64{1}, DenseWeights: []float64{0}}},
		{"class weight", train.Options{ClassWeight: true, Lambdas: []float64{1}, IDF: train.IDFOn}},
		{"difficulty head, small hash", train.Options{Difficulty: true, HashBits: 10, Lambdas: []float64{1}, IDF: train.IDFOn}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := trainSynth(t, tt.opts)
			assert.Equal(t, []string{"strong", "weak"}, c.Models())
			hard, _ := c.Predict("please prove the integral bound for case 9999")
			easy, _ := c.Predict("what is the capital of this country (case 9999)")
			assert.Greater(t, hard[0]-hard[1], easy[0]-easy[1]+0.2, "the gap must be larger on the hard prompt")
			for _, q := range append(hard, easy...) {
				assert.True(t, q >= 0 && q <= 1, "quality %v outside [0,1]", q)
			}
			if tt.opts.Difficulty {
				ok, ref := c.HasDifficulty()
				assert.True(t, ok)
				assert.Equal(t, "strong", ref)
				_, dh := c.Predict("please prove the integral bound for case 9999")
				_, de := c.Predict("what is the capital of this country (case 9999)")
				assert.Greater(t, dh, de)
			}
		})
	}
}

func TestTrainLinearDeterministic(t *testing.T) {
	var a, b bytes.Buffer
	_, err := trainSynth(t, train.Options{Seed: 7}).WriteTo(&a)
	require.NoError(t, err)
	_, err = trainSynth(t, train.Options{Seed: 7, Workers: 1}).WriteTo(&b)
	require.NoError(t, err)
	assert.Equal(t, a.Bytes(), b.Bytes())
}

func TestTrainLinearErrors(t *testing.T) {
	ds := synthDataset(30)
	bad := synthDataset(30)
	bad.Records[3].Outcomes["weak"] = dataset.Outcome{Score: 2}
	tests := []struct {
		name string
		ds   *dataset.Dataset
		opts train.Options
		want string
	}{
		{"nil dataset", nil, train.Options{}, "empty dataset"},
		{"empty dataset", &dataset.Dataset{}, train.Options{}, "empty dataset"},
		{"hash bits", ds, train.Options{HashBits: 40}, "HashBits 40"},
		{"lambda", ds, train.Options{Lambdas: []float64{-1}}, "lambda -1"},
		{"dense weight", ds, train.Options{DenseWeights: []float64{math.NaN()}}, "dense weight NaN"},
		{"unknown model", ds, train.Options{Models: []string{"strong", "nope"}}, `model "nope"`},
		{"repeated model", ds, train.Options{Models: []string{"weak", "weak"}}, `repeated model "weak"`},
		{"reference", ds, train.Options{Reference: "gpt-9"}, `reference model "gpt-9"`},
		{"score range", bad, train.Options{}, "score 2 outside [0,1]"},
		{"too few prompts to tune", synthDataset(2), train.Options{}, "too few"},
		{"tuning one model", ds, train.Options{Models: []string{"weak"}}, "at least two models"},
		{"idf mode", ds, train.Options{IDF: 9}, "IDF mode 9"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := train.Linear(tt.ds, tt.opts)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}

func TestLinearClassify(t *testing.T) {
	c := trainSynth(t, train.Options{Difficulty: true, Lambdas: []float64{1}, IDF: train.IDFOn})
	text := "prove the integral bound please"
	wantQ, wantD := c.Predict(text)

	models := []llmrouter.ModelCard{{Name: "other"}, {Name: "weak"}, {Name: "strong"}}
	var f llmrouter.Features
	llmrouter.DefaultAnalyzer{}.Analyze(&llmrouter.Request{Messages: []llms.MessageContent{
		llms.TextParts(llms.ChatMessageTypeHuman, text),
	}}, &f)
	p := llmrouter.Prediction{Quality: []float64{math.NaN(), math.NaN(), math.NaN()}, Difficulty: math.NaN()}
	require.NoError(t, c.Classify(context.Background(), &f, models, &p))
	assert.True(t, math.IsNaN(p.Quality[0]), "a model the classifier does not know keeps NaN")
	assert.InDelta(t, wantQ[1], p.Quality[1], 1e-6)
	assert.InDelta(t, wantQ[0], p.Quality[2], 1e-6)
	assert.InDelta(t, wantD, p.Difficulty, 1e-6)

	// Features without n-grams (built by hand) are hashed from Text.
	p2 := llmrouter.Prediction{Quality: []float64{math.NaN(), math.NaN(), math.NaN()}}
	require.NoError(t, c.Classify(context.Background(), &llmrouter.Features{Text: text}, models, &p2))
	assert.InDelta(t, p.Quality[2], p2.Quality[2], 1e-6)

	// Empty text: the biases and dense features only, still in range.
	p3 := llmrouter.Prediction{Quality: []float64{math.NaN(), math.NaN(), math.NaN()}}
	require.NoError(t, c.Classify(context.Background(), &llmrouter.Features{}, models, &p3))
	assert.True(t, p3.Quality[2] >= 0 && p3.Quality[2] <= 1)

	assert.NoError(t, c.Validate(models))
	noDiff := trainSynth(t, train.Options{Lambdas: []float64{1}, IDF: train.IDFOn})
	err := noDiff.Validate([]llmrouter.ModelCard{{Name: "x"}})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "knows none")
}

func TestLinearClassifyDoesNotAllocate(t *testing.T) {
	c := trainSynth(t, train.Options{Lambdas: []float64{1}, IDF: train.IDFOn})
	f := analyzed(linearPrompt1KB)
	models := []llmrouter.ModelCard{{Name: "strong"}, {Name: "weak"}}
	p := llmrouter.Prediction{Quality: make([]float64, 2)}
	ctx := context.Background()
	allocs := testing.AllocsPerRun(200, func() {
		_ = c.Classify(ctx, f, models, &p)
	})
	assert.Zero(t, allocs)
}

func TestLinearClassifyConcurrent(t *testing.T) {
	c := trainSynth(t, train.Options{Lambdas: []float64{1}, IDF: train.IDFOn})
	want, _ := c.Predict(linearPrompt1KB)
	f := analyzed(linearPrompt1KB)
	models := []llmrouter.ModelCard{{Name: "strong"}, {Name: "weak"}}
	done := make(chan error)
	for g := 0; g < 4; g++ {
		go func() {
			p := llmrouter.Prediction{Quality: make([]float64, 2)}
			for i := 0; i < 200; i++ {
				if err := c.Classify(context.Background(), f, models, &p); err != nil {
					done <- err
					return
				}
				if math.Abs(p.Quality[0]-want[0]) > 1e-6 {
					done <- fmt.Errorf("got %v, want %v", p.Quality[0], want[0])
					return
				}
			}
			done <- nil
		}()
	}
	for g := 0; g < 4; g++ {
		require.NoError(t, <-done)
	}
}

func TestLinearSaveLoad(t *testing.T) {
	for _, opts := range []train.Options{
		{Lambdas: []float64{1}, IDF: train.IDFOn},
		{Lambdas: []float64{1}, IDF: train.IDFOff, DenseWeights: []float64{0}, HashBits: 12, Difficulty: true, Note: "note"},
	} {
		c := trainSynth(t, opts)
		path := filepath.Join(t.TempDir(), "m.bin")
		require.NoError(t, c.Save(path))
		d, err := loadLinear(path)
		require.NoError(t, err)
		assert.Equal(t, c.Info(), d.Info())
		assert.Equal(t, cmp.Or(opts.HashBits, train.DefaultHashBits), d.Info().HashBits, "the feature configuration is in Info")
		assert.Equal(t, c.Models(), d.Models())
		for _, text := range []string{"prove the integral", linearPrompt1KB, "", "capital of this country"} {
			q1, d1 := c.Predict(text)
			q2, d2 := d.Predict(text)
			assert.Equal(t, q1, q2, text)
			if !math.IsNaN(d1) || !math.IsNaN(d2) {
				assert.Equal(t, d1, d2)
			}
		}
		var a, b bytes.Buffer
		_, err = c.WriteTo(&a)
		require.NoError(t, err)
		_, err = d.WriteTo(&b)
		require.NoError(t, err)
		assert.Equal(t, a.Bytes(), b.Bytes(), "save(load(save(m))) == save(m)")
	}
}

func TestReadLinearClassifierErrors(t *testing.T) {
	var buf bytes.Buffer
	_, err := trainSynth(t, train.Options{Lambdas: []float64{1}, IDF: train.IDFOn}).WriteTo(&buf)
	require.NoError(t, err)
	good := buf.Bytes()
	hlen := binary.LittleEndian.Uint32(good[12:])

	// withHeader rewrites the JSON header (and fixes the checksum).
	withHeader := func(edit func(string) string) []byte {
		hdr := edit(string(good[16 : 16+hlen]))
		var out bytes.Buffer
		out.Write(good[:12])
		binary.Write(&out, binary.LittleEndian, uint32(len(hdr)))
		out.WriteString(hdr)
		out.Write(good[16+hlen : len(good)-4])
		binary.Write(&out, binary.LittleEndian, crc(out.Bytes()))
		return out.Bytes()
	}
	flip := func(i int) []byte {
		b := bytes.Clone(good)
		b[i] ^= 0x40
		return b
	}
	version := func(v uint32) []byte {
		b := bytes.Clone(good)
		binary.LittleEndian.PutUint32(b[8:], v)
		return b
	}
	tests := []struct {
		name string
		data []byte
		want string
	}{
		{"empty", nil, "too short"},
		{"not a model", []byte(`{"id":"x","prompt":"hello","outcomes":{}}`), "bad magic"},
		{"newer version", version(2), "newer than this build reads"},
		{"old version", version(0), "unknown format version 0"},
		{"truncated header", good[:20], "truncated"},
		{"truncated body", good[:len(good)-30], "truncated"},
		{"no checksum", good[:len(good)-2], "truncated"},
		{"corrupt body", flip(len(good) - 10), "checksum mismatch"},
		{"trailing bytes", append(bytes.Clone(good), 0), "trailing bytes"},
		{"other hash", withHeader(func(h string) string { return strings.Replace(h, "FNV-1a", "xxhash", 1) }), "n-gram hash"},
		{"other tf", withHeader(func(h string) string { return strings.Replace(h, "1 + ln count", "count", 1) }), "term weighting"},
		{"dense feature renamed", withHeader(func(h string) string { return strings.Replace(h, `"log_bytes"`, `"log_runes"`, 1) }), `dense feature 0 is "log_runes"`},
		{"hash bits", withHeader(func(h string) string { return strings.Replace(h, `"hash_bits":18`, `"hash_bits":40`, 1) }), "hash_bits 40"},
		{"bad json", withHeader(func(h string) string { return h[:len(h)-1] }), "header"},
		{"format", withHeader(func(h string) string { return strings.Replace(h, `"llmrouter-linear"`, `"other"`, 1) }), `format "other"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// A reader that tells its size, and one that does not.
			for _, r := range []io.Reader{bytes.NewReader(tt.data), struct{ io.Reader }{bytes.NewReader(tt.data)}} {
				_, err := llmrouter.ReadLinearClassifier(r)
				require.Error(t, err)
				assert.True(t, errors.Is(err, llmrouter.ErrBadModel), "%v should wrap ErrBadModel", err)
				assert.Contains(t, err.Error(), tt.want)
			}
		})
	}
	_, err = loadLinear(filepath.Join(t.TempDir(), "missing.bin"))
	assert.ErrorIs(t, err, os.ErrNotExist)
}

// linearPrompt1KB is a 1 KB prompt of ordinary prose with a question in it.
var linearPrompt1KB = func() string {
	s := strings.Repeat("Our service stores orders in PostgreSQL and must explain why the nightly export is slow? ", 12)
	return s[:1024]
}()

func analyzed(text string) *llmrouter.Features {
	f := &llmrouter.Features{}
	llmrouter.DefaultAnalyzer{}.Analyze(&llmrouter.Request{Messages: []llms.MessageContent{
		llms.TextParts(llms.ChatMessageTypeHuman, text),
	}}, f)
	return f
}

// analyzedRealPrompts analyses the real 1 KB prompts the routing
// benchmarks use (llmrouter.BenchPrompts), so classifier benchmarks cycle
// through them rather than repeat one friendly prompt.
func analyzedRealPrompts(b *testing.B) []*llmrouter.Features {
	prompts, source := llmrouter.BenchPrompts(1 << 10)
	b.Log(source)
	fs := make([]*llmrouter.Features, len(prompts))
	for i, text := range prompts {
		fs[i] = analyzed(text)
	}
	return fs
}

// BenchmarkLinearClassify is the trained classifier's share of a routing
// decision on real 1 KB prompts (features already analysed), with a model
// trained on synthetic data at the default 2^18 buckets.
func BenchmarkLinearClassify(b *testing.B) {
	c := trainSynth(b, train.Options{Lambdas: []float64{1}, IDF: train.IDFOn})
	fs := analyzedRealPrompts(b)
	models := []llmrouter.ModelCard{{Name: "strong"}, {Name: "weak"}}
	p := llmrouter.Prediction{Quality: make([]float64, 2)}
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		_ = c.Classify(ctx, fs[i%len(fs)], models, &p)
	}
}

// BenchmarkLinearAnalyzeClassify adds the analysis (n-gram hashing and
// text signals) of each real 1 KB prompt to BenchmarkLinearClassify.
func BenchmarkLinearAnalyzeClassify(b *testing.B) {
	c := trainSynth(b, train.Options{Lambdas: []float64{1}, IDF: train.IDFOn})
	prompts, _ := llmrouter.BenchPrompts(1 << 10)
	reqs := make([]*llmrouter.Request, len(prompts))
	for i, text := range prompts {
		reqs[i] = &llmrouter.Request{Messages: []llms.MessageContent{llms.TextParts(llms.ChatMessageTypeHuman, text)}}
	}
	models := []llmrouter.ModelCard{{Name: "strong"}, {Name: "weak"}}
	p := llmrouter.Prediction{Quality: make([]float64, 2)}
	f := llmrouter.Features{NGrams: make([]uint32, 0, 1024)}
	ctx := context.Background()
	var a llmrouter.DefaultAnalyzer
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		f.NGrams = f.NGrams[:0]
		a.Analyze(reqs[i%len(reqs)], &f)
		_ = c.Classify(ctx, &f, models, &p)
	}
}

func crc(b []byte) uint32 { return crc32.ChecksumIEEE(b) }

// loadLinear reads a classifier file, as a service does.
func loadLinear(path string) (*llmrouter.LinearClassifier, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return llmrouter.ReadLinearClassifier(f)
}
