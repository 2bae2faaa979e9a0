package verify

import (
	"encoding/json"
	"flag"
	"math"
	"os"
	"sort"
	"testing"

	"github.com/llmrouter/llmrouter/dataset"
	"github.com/llmrouter/llmrouter/internal/shareddata"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var updateGolden = flag.Bool("update-golden", false, "rewrite testdata/features.golden.json from the real data")

// goldenFiles are the real outcomes files whose every answer (every model)
// the golden digests cover: tens of thousands of real prompts and answers,
// math, code and chat, some over the 16 KiB scan limit.
var goldenFiles = []string{"routellm-gsm8k-answers.jsonl", "arenahard-gpt4o-dw1.jsonl", "arenahard-gpt4t-zp.jsonl"}

// featureDigests returns, per feature, an FNV-1a digest of the exact bits
// of its value on every (prompt, answer) of the real files, in file and
// record order, models sorted by name; and the number of answers read.
func featureDigests(t *testing.T, dense1 bool) (map[string]string, int) {
	var h [numFeatures]uint64
	for f := range h {
		h[f] = 14695981039346656037
	}
	n := 0
	for _, name := range goldenFiles {
		ds, err := dataset.Load(shareddata.Path(t, name))
		require.NoError(t, err)
		for _, r := range ds.Records {
			models := make([]string, 0, len(r.Outcomes))
			for m := range r.Outcomes {
				models = append(models, m)
			}
			sort.Strings(models)
			for _, m := range models {
				var x [numFeatures]float64
				if dense1 {
					extract1(r.Prompt, r.Outcomes[m].Answer, &x)
				} else {
					extract(r.Prompt, r.Outcomes[m].Answer, &x)
				}
				for f, v := range x {
					b := math.Float64bits(v)
					for k := 0; k < 8; k++ {
						h[f] = (h[f] ^ (b & 0xff)) * 1099511628211
						b >>= 8
					}
				}
				n++
			}
		}
	}
	out := make(map[string]string, numFeatures)
	for f := range h {
		out[featureNames[f]] = formatHex(h[f])
	}
	return out, n
}

func formatHex(v uint64) string {
	const digits = "0123456789abcdef"
	var b [16]byte
	for i := 15; i >= 0; i-- {
		b[i] = digits[v&0xf]
		v >>= 4
	}
	return string(b[:])
}

type golden struct {
	FeatureSet string            `json:"feature_set"`
	Answers    int               `json:"answers"`
	Digests    map[string]string `json:"digests"`
}

// TestGoldenFeatures pins every feature's exact value on every real answer
// of the shared data, in each feature set (verify-dense-1's digests are
// those it had before verify-dense-2 was added): a faster extractor must
// give bit-identical vectors (or change featureSet, retrain the default
// and write a new file with -update-golden).
func TestGoldenFeatures(t *testing.T) {
	if testing.Short() {
		t.Skip("reads every real answer")
	}
	for _, tt := range []struct {
		set, path string
		dense1    bool
	}{
		{featureSet, "testdata/features-dense-2.golden.json", false},
		{featureSet1, "testdata/features.golden.json", true},
	} {
		t.Run(tt.set, func(t *testing.T) {
			got, n := featureDigests(t, tt.dense1)
			if *updateGolden && !tt.dense1 {
				b, err := json.MarshalIndent(golden{FeatureSet: tt.set, Answers: n, Digests: got}, "", "  ")
				require.NoError(t, err)
				require.NoError(t, os.WriteFile(tt.path, append(b, '\n'), 0o644))
			}
			b, err := os.ReadFile(tt.path)
			require.NoError(t, err)
			var want golden
			require.NoError(t, json.Unmarshal(b, &want))
			require.Equal(t, tt.set, want.FeatureSet, "feature set changed: regenerate with -update-golden after retraining")
			require.Equal(t, want.Answers, n, "answers read")
			require.Len(t, want.Digests, numFeatures)
			for f := 0; f < numFeatures; f++ {
				assert.Equal(t, want.Digests[featureNames[f]], got[featureNames[f]], featureNames[f])
			}
		})
	}
}
