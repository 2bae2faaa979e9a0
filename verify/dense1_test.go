package verify

import (
	"bytes"
	"math"
	"os"
	"strings"
	"testing"

	"github.com/llmrouter/llmrouter/dataset"
	"github.com/llmrouter/llmrouter/internal/shareddata"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// testdata/verify-dense-1.bin is the default verifier as shipped before
// verify-dense-2 (commit c26d962): a model of the earlier feature set.

// refScore1 is what a verify-dense-1 model scored before verify-dense-2:
// its weights over the reference scan's verify-dense-1 features.
func refScore1(m *Model, prompt, answer string) float64 {
	var x [numFeatures]float64
	refExtract(prompt, answer, &x, true)
	return m.score(&x)
}

// TestDense1ModelScoresAsBefore loads a verify-dense-1 file and checks it
// scores every answer (hand-made and, without -short, every real one)
// through Score and ScorePrompt exactly as verify-dense-1 defines, and
// that it saves back as verify-dense-1, byte for byte.
func TestDense1ModelScoresAsBefore(t *testing.T) {
	b, err := os.ReadFile("testdata/verify-dense-1.bin")
	require.NoError(t, err)
	m, err := Read(bytes.NewReader(b))
	require.NoError(t, err)
	require.True(t, m.dense1)

	var out bytes.Buffer
	_, err = m.WriteTo(&out)
	require.NoError(t, err)
	assert.Equal(t, b, out.Bytes(), "saved again unchanged")

	n, differ := 0, 0
	check := func(prompt, answer string) {
		want := refScore1(m, prompt, answer)
		got := m.Score(prompt, answer)
		p := ReadPrompt(prompt)
		if math.Float64bits(got) != math.Float64bits(want) || math.Float64bits(m.ScorePrompt(&p, answer)) != math.Float64bits(want) {
			t.Fatalf("score %v, verify-dense-1 gives %v\nprompt %.200q\nanswer %.200q", got, want, prompt, answer)
		}
		// The same weights over verify-dense-2's features: the set the
		// model is read as matters wherever the repeated-line feature does.
		var x [numFeatures]float64
		refExtract(prompt, answer, &x, false)
		if m.score(&x) != want {
			differ++
		}
		n++
	}
	for _, s := range diffSeeds {
		check(s.prompt, s.answer)
	}
	if testing.Short() {
		return
	}
	for _, name := range goldenFiles {
		ds, err := dataset.Load(shareddata.Path(t, name))
		require.NoError(t, err)
		for _, r := range ds.Records {
			for _, o := range r.Outcomes {
				check(r.Prompt, o.Answer)
			}
		}
	}
	t.Logf("%d answers; %d score differently read as verify-dense-2", n, differ)
	assert.Positive(t, differ, "no answer tells the feature sets apart: the test shows nothing")
}

// TestDefaultIsCurrentSet checks the embedded default is of this build's
// feature set (go generate was run after the feature set changed).
func TestDefaultIsCurrentSet(t *testing.T) {
	assert.False(t, Default().dense1)
	var out bytes.Buffer
	_, err := Default().WriteTo(&out)
	require.NoError(t, err)
	assert.Contains(t, out.String(), `"`+featureSet+`"`)
}

// TestScoreAllocatesNothing scores crafted answers (one huge line, many
// short repeated ones, lines of every length near 8, non-ASCII, past the
// scan limit) with a model of each feature set: no allocation at all.
func TestScoreAllocatesNothing(t *testing.T) {
	b, err := os.ReadFile("testdata/verify-dense-1.bin")
	require.NoError(t, err)
	old, err := Read(bytes.NewReader(b))
	require.NoError(t, err)
	answers := []string{
		strings.Repeat("a", 1<<20),
		strings.Repeat("x\n", 1<<16),
		strings.Repeat("1234567\n12345678\n123456789\r\n  \t\n", 1000),
		strings.Repeat("é€ 😀 = 3 + 4\n", 5000),
	}
	for _, m := range []*Model{Default(), old} {
		for _, a := range answers {
			p := ReadPrompt("What is 3 + 4?")
			assert.Zero(t, testing.AllocsPerRun(5, func() { m.Score("What is 3 + 4?", a) }))
			assert.Zero(t, testing.AllocsPerRun(5, func() { m.ScorePrompt(&p, a) }))
		}
	}
}
