package train

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/llmrouter/llmrouter"
	"github.com/llmrouter/llmrouter/dataset"
	"github.com/llmrouter/llmrouter/internal/linear"
	"github.com/llmrouter/llmrouter/internal/rowgroup"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tmc/langchaingo/llms"
)

// TestTrainMatrixCounts checks every entry's bucket and tf against a
// plain count of the n-grams serving reads (the analyzer's), including
// counts past the codes that fit beside 24 hash bits (255), which are
// kept aside, and that each row's count-1 entries come first.
func TestTrainMatrixCounts(t *testing.T) {
	var long strings.Builder
	for k := 1; k <= 300; k++ { // word k repeated k times: 300 distinct counts
		long.WriteString(strings.Repeat(fmt.Sprintf("w%d ", k), k))
	}
	texts := []string{"", "one", "a b a b a b c", long.String(), "Why? " + long.String()[:5000]}
	for k := 1; k <= 300; k++ { // 300 distinct counts across rows (a long row is cut at the scan window)
		texts = append(texts, strings.Repeat("x ", k))
	}
	for _, bits := range []int{10, 18, 24} {
		t.Run(fmt.Sprint(bits), func(t *testing.T) {
			const maxWords = 1 << 20
			m := newTrainMatrix(bits)
			for _, s := range texts {
				m.add(s, maxWords)
			}
			m.done()
			require.Equal(t, len(texts), m.n)
			mask := uint32(1)<<bits - 1
			for i, s := range texts {
				// Training counts the n-grams serving sees: the analyzer's,
				// which read the first MaxScanBytes of a long prompt.
				req := llmrouter.Request{Messages: []llms.MessageContent{llms.TextParts(llms.ChatMessageTypeHuman, s)}}
				var f llmrouter.Features
				llmrouter.DefaultAnalyzer{MaxNGramWords: maxWords}.Analyze(&req, &f)
				want := map[uint32]uint32{}
				for _, h := range f.NGrams {
					want[h&mask]++
				}
				got := map[uint32]float32{}
				prev := int64(-1)
				for _, e := range m.row(i) {
					assert.Greater(t, int64(e), prev, "row %d ascending by code, then bucket", i)
					prev = int64(e)
					got[e&mask] = m.tf(i, e)
				}
				ones, rest := m.rowParts(i)
				require.Equal(t, len(m.row(i)), len(ones)+len(rest))
				for _, e := range ones {
					assert.Equal(t, 1, int(want[e]), "row %d: bucket %d of the count-1 run", i, e)
				}
				for _, e := range rest {
					assert.Greater(t, int(want[e&mask]), 1, "row %d: bucket %d after the count-1 run", i, e&mask)
				}
				require.Len(t, got, len(want), "row %d", i)
				for b, c := range want {
					assert.Equal(t, linear.TF(c), got[b], "row %d bucket %d count %d", i, b, c)
				}
				var d [linear.NumDense]float64
				linear.DenseSignals(s, &d)
				assert.Equal(t, d, m.dense[i])
			}
			if bits == 24 {
				assert.NotEmpty(t, m.over, "counts past 254 are kept aside with 24 bits")
			} else {
				assert.Empty(t, m.over)
			}
		})
	}
}

// TestGroupByKey checks that grouping by prompt hash, as the tuning folds
// do, is GroupByPrompt.
func TestGroupByKey(t *testing.T) {
	prompts := []string{"a", "b", "a", "", "c", "b", "", "a"}
	keys := make([]uint64, len(prompts))
	for i, p := range prompts {
		keys[i] = fnv64a(p)
	}
	assert.Equal(t, dataset.GroupByPrompt(prompts), rowgroup.ByKey(keys))
}

// TestReadDatasetSeq checks the stream against dataset.Read: the records
// that pass, then one *dataset.Errors, or a read error; and early stops.
func TestReadDatasetSeq(t *testing.T) {
	good := func(id string) string {
		return `{"id":"` + id + `","prompt":"p ` + id + `","outcomes":{"m":{"score":1}}}` + "\n"
	}
	tests := []struct {
		name    string
		input   io.Reader
		ids     []string
		wantErr string
	}{
		{"all good", strings.NewReader(good("a") + good("b")), []string{"a", "b"}, ""},
		{"a bad line and a duplicate", strings.NewReader(good("a") + "{\n" + good("b") + good("a")), []string{"a", "b"}, "2 problem(s)"},
		{"read error", io.MultiReader(strings.NewReader(good("a")), errReader{}), []string{"a"}, "disk on fire"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var ids []string
			var errs []error
			for rec, err := range dataset.ReadSeq(tt.input) {
				if err != nil {
					errs = append(errs, err)
					continue
				}
				ids = append(ids, rec.ID)
			}
			assert.Equal(t, tt.ids, ids)
			if tt.wantErr == "" {
				assert.Empty(t, errs)
				return
			}
			require.Len(t, errs, 1, "one error, last")
			assert.ErrorContains(t, errs[0], tt.wantErr)
		})
	}
	n := 0
	for range dataset.ReadSeq(strings.NewReader(good("a") + good("b") + good("c"))) {
		n++
		if n == 2 {
			break
		}
	}
	assert.Equal(t, 2, n, "breaking out of the loop stops the stream")
}

type errReader struct{}

func (errReader) Read([]byte) (int, error) { return 0, errors.New("disk on fire") }

// TestTrainLinearSeqError checks that an error in the stream stops
// training and is returned as is.
func TestTrainLinearSeqError(t *testing.T) {
	boom := errors.New("boom")
	_, err := LinearSeq(func(yield func(dataset.Record, error) bool) {
		if !yield(dataset.Record{ID: "a", Prompt: "p", Outcomes: map[string]dataset.Outcome{"m": {Score: 1}}}, nil) {
			return
		}
		yield(dataset.Record{}, boom)
	}, Options{HashBits: 10, Lambdas: []float64{1}, IDF: IDFOff})
	assert.ErrorIs(t, err, boom)
}
