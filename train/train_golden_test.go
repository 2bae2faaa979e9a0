package train_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"runtime"
	"strings"
	"testing"

	"github.com/llmrouter/llmrouter/dataset"
	"github.com/llmrouter/llmrouter/train"
	"github.com/stretchr/testify/require"
)

// goldenDataset is a deterministic dataset of prompts drawn from a small
// vocabulary, with repeated words, repeated prompts and missing outcomes.
func goldenDataset() *dataset.Dataset {
	rng := rand.New(rand.NewPCG(7, 11))
	vocab := strings.Fields("the a of to solve integral prove code function bug python sql query " +
		"essay poem story translate french summary list table 42 3.14 x+y= {} () ; why how what which")
	ds := &dataset.Dataset{}
	for i := 0; i < 240; i++ {
		var b strings.Builder
		for w := 0; w < 5+rng.IntN(60); w++ {
			b.WriteString(vocab[rng.IntN(len(vocab))])
			b.WriteByte(" \n?"[rng.IntN(3)])
		}
		p := b.String()
		if i%17 == 0 && i > 0 {
			p = ds.Records[i-1].Prompt // a repeated prompt
		}
		out := map[string]dataset.Outcome{}
		for m, name := range []string{"strong", "mid", "weak"} {
			if rng.IntN(20) == 0 && m > 0 {
				continue // missing outcome
			}
			q := 0.9 - 0.25*float64(m) - 0.004*float64(len(p)%50)
			s := 0.0
			if rng.Float64() < q {
				s = 1
			}
			out[name] = dataset.Outcome{Score: s}
		}
		ds.Records = append(ds.Records, dataset.Record{ID: fmt.Sprint(i), Prompt: p, Outcomes: out})
	}
	return ds
}

// TestTrainLinearGolden pins the bytes of trained models. The hashes were
// produced by the training code before it kept prompts as a compact
// matrix (issue 8, item 3), which trains byte-identical models. The three
// tuned ones changed since, when tuning moved to the pooled APGR (issue 9,
// item 5) and then to one looser multi-shift solve for all penalties
// (issue 8, item 3): each still chose the same setting and had the same
// weights; only the saved tuning score (LinearInfo.CVScore) differed. All
// four changed when the solver stopped storing entry values (issue 8, item
// 3, memory): it computes tf·idf/‖row‖ in float64 rather than rounding it
// to float32, and sums in another order, so CG stops at another iterate
// within its tolerance. Each case still chooses the setting pinned below,
// with the same tuning score; solved to 1e-16 instead, old and new
// predictions agree to 3e-7 (at cgTol, each lies up to 0.014 from that
// solution).
// Floating-point results are pinned for amd64 only (other architectures
// may fuse multiply-adds).
func TestTrainLinearGolden(t *testing.T) {
	if runtime.GOARCH != "amd64" {
		t.Skipf("golden model bytes are for amd64, not %s", runtime.GOARCH)
	}
	ds := goldenDataset()
	type setting struct {
		lambda float64
		idf    bool
		dw     float64
	}
	for _, tc := range []struct {
		name string
		opts train.Options
		want string
		set  setting // what the solver with stored values chose
	}{
		{"default tuning", train.Options{HashBits: 12}, "023a823bba8828bb", setting{0.3, false, 0.1}},
		{"idf on, difficulty, class weight, two dense weights",
			train.Options{HashBits: 10, IDF: train.IDFOn, Difficulty: true, ClassWeight: true, DenseWeights: []float64{0, 0.3}, Lambdas: []float64{1, 10}, Seed: 3}, "de8f4377ab9729d7", setting{1, true, 0.3}},
		{"difficulty only, fixed setting", train.Options{HashBits: 14, DifficultyOnly: true, Lambdas: []float64{3}, IDF: train.IDFOff}, "b0b145147ebee69b", setting{3, false, 0.1}},
		{"subset of models, 16 hash bits", train.Options{HashBits: 16, Models: []string{"weak", "strong"}, Lambdas: []float64{1, 30}, IDF: train.IDFOn}, "b7c564ad8f12f0ef", setting{1, true, 0.1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := train.Linear(ds, tc.opts)
			require.NoError(t, err)
			info := c.Info()
			require.Equal(t, tc.set, setting{info.Lambda, info.IDF, info.DenseWeight}, "chosen setting")
			var buf bytes.Buffer
			_, err = c.WriteTo(&buf)
			require.NoError(t, err)
			sum := sha256.Sum256(buf.Bytes())
			require.Equal(t, tc.want, hex.EncodeToString(sum[:8]), "model bytes changed")
		})
	}
}
