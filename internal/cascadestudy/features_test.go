package main

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/llmrouter/llmrouter/internal/shareddata"
)

func TestShape(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   string
		want answerShape
	}{
		{"empty", "", answerShape{}},
		{"plain", "héllo world", answerShape{Chars: 11, Words: 2, Lines: 1}},
		{"markdown", "# Title\n\n- a\n* b\n12. c\n3) d\n-x\n```go\nx := 1\n```\n```\nopen",
			answerShape{Chars: 56, Words: 18, Lines: 11, Headers: 1, ListItems: 4, CodeBlocks: 2}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, shape(tc.in))
		})
	}
}

func TestRidgeRecoversAnExactFit(t *testing.T) {
	var x [][]float64
	var y []float64
	for i := range 20 {
		a, b := float64(i), float64(i*i%7)
		x = append(x, []float64{1, a, b})
		y = append(y, 2+3*a-b)
	}
	w := ridge(x, y, 0)
	require.Len(t, w, 3)
	assert.InDeltaSlice(t, []float64{2, 3, -1}, w, 1e-9)
	// A penalty shrinks the slopes, never the bias's role.
	assert.Less(t, ridge(x, y, 1e4)[1], 3.0)
}

func TestStudyOnRealArena(t *testing.T) {
	path := shareddata.Path(t, "arenahard-gpt4o-dw1.jsonl")
	var out bytes.Buffer
	require.NoError(t, run([]string{"-pairs", "gpt-4o:gpt-3.5-turbo-0125", path}, &out))
	// The cascade column of train-verifier reads long first 0.5053 here.
	assert.Contains(t, out.String(), "chars                                                  0.5053       0.4947")
	// gpt-4o beats gpt-3.5 almost everywhere: even the oracle reads 0.678.
	assert.Contains(t, out.String(), "ceiling: the oracle (the gain itself)                  0.6781")
}
