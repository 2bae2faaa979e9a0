package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A model with no recorded cost and no price names the ways out: a price
// for it (or -prices at all), -price-free, or -models leaving it out. The
// message said only "... no price in -prices \"\"", quoting an empty flag
// when none was given, and did not mention -models, which the shipped
// arena-prices.json needs (it prices seven of the Arena file's models).
func TestSimulateMissingPriceHint(t *testing.T) {
	dir := t.TempDir()
	data := writeSynth(t, dir, "two.jsonl", 0, 30, mStrong, mWeak) // no costs
	prices := filepath.Join(dir, "prices.json")
	require.NoError(t, os.WriteFile(prices, []byte(`{"models":{"`+mStrong+`":{"input_per_mtok":1,"output_per_mtok":2}}}`), 0o644))
	for _, tc := range []struct {
		args []string
		want []string
	}{
		{[]string{"simulate", data}, []string{`no -prices given`, "-price-free", "-models"}},
		{[]string{"simulate", "-prices", prices, data}, []string{`model "` + mWeak + `" has no recorded cost and no price in -prices`, "-models"}},
	} {
		var out, errb bytes.Buffer
		require.Equal(t, 1, run(tc.args, &out, &errb))
		for _, w := range tc.want {
			assert.Contains(t, errb.String(), w)
		}
		assert.NotContains(t, errb.String(), `-prices ""`)
	}
}
