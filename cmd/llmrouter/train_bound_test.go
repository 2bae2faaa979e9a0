package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/llmrouter/llmrouter/train"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A file that training rejects part-way (here one naming 256 models once,
// then rows of one outcome each, past train.MaxCells) fails with an error
// naming the file and line, not only the record.
func TestTrainBoundNamesFile(t *testing.T) {
	dir := t.TempDir()
	var b strings.Builder
	b.WriteString(`{"id":"c/0","prompt":"first","outcomes":{`)
	for j := range 256 {
		if j > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, `"m%03d":{"score":%d}`, j, j%2)
	}
	b.WriteString("}}\n")
	rows := train.MaxCells/256 + 1
	for i := 1; i <= rows; i++ {
		fmt.Fprintf(&b, `{"id":"c/%d","prompt":"question %d","outcomes":{"m%03d":{"score":%d}}}`+"\n", i, i, i%256, i%2)
	}
	data := filepath.Join(dir, "crafted.jsonl")
	require.NoError(t, os.WriteFile(data, []byte(b.String()), 0o644))
	var out, errb bytes.Buffer
	code := run([]string{"train", "-quiet", "-bits", "10", "-o", filepath.Join(dir, "m.bin"), data}, &out, &errb)
	assert.Equal(t, 1, code)
	assert.Contains(t, errb.String(), fmt.Sprintf("crafted.jsonl (its record %d)", train.MaxCells/256+1))
	assert.Contains(t, errb.String(), "MaxCells")
}
