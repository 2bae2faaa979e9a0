package main

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// totals parses the summary table: policy → total reward.
func totals(t *testing.T, out string) map[string]float64 {
	t.Helper()
	m := map[string]float64{}
	re := regexp.MustCompile(`(?m)^(bandit|default|default-greedy|offline \(in-sample\)|random|oracle) +(-?[0-9.]+) +(-?[0-9.]+) `)
	for _, g := range re.FindAllStringSubmatch(out, -1) {
		v, err := strconv.ParseFloat(g[3], 64)
		require.NoError(t, err)
		m[g[1]] = v
	}
	require.Len(t, m, 6, out)
	return m
}

func TestSimulateLearns(t *testing.T) {
	dir := t.TempDir()
	data := writeSynth(t, dir, "synth.jsonl", 0, 1200, mStrong, mMid, mWeak)
	plot := filepath.Join(dir, "curve.svg")
	state := filepath.Join(dir, "bandit.state")
	args := []string{"simulate", "-seed", "3", "-window", "300", "-explore-share", "0.2", "-delay", "10", "-noise", "0.1", "-lambda", "20", data}
	out := runOK(t, append(args[:len(args)-1:len(args)-1], "-plot", plot, "-state", state, data)...)
	assert.Contains(t, out, "1200 requests (0 rows without every model left out), 3 models, seed 3")
	assert.Contains(t, out, "λ = 20 per USD")
	tot := totals(t, out)
	// The bandit learns the three kinds of prompt well past random and its
	// own starting point (the prior's greedy reading).
	assert.Greater(t, tot["bandit"], tot["random"]+100, out)
	assert.Greater(t, tot["bandit"], tot["default-greedy"]+40, out)
	assert.LessOrEqual(t, tot["bandit"], tot["oracle"], out)
	m := regexp.MustCompile(`bandit exploration: \d+ of 1200 decisions \(([0-9.]+)%, cap 20%\); extra estimated spend \$[0-9.]+ = ([0-9.]+)% of \$[0-9.]+ \(cap 10%\); (\d+) grades learnt`).FindStringSubmatch(out)
	require.NotNil(t, m, out)
	share, _ := strconv.ParseFloat(m[1], 64)
	spend, _ := strconv.ParseFloat(m[2], 64)
	assert.LessOrEqual(t, share, 20.0)
	assert.LessOrEqual(t, spend, 10.0)
	assert.Equal(t, "1190", m[3], "the last 10 grades are still on their way")
	// The out-of-fold comparator: a row and a column of its own, and the
	// bandit's gap to it.
	oof := regexp.MustCompile(`(?m)^offline \(out-of-fold\) +(-?[0-9.]+) +(-?[0-9.]+) `).FindStringSubmatch(out)
	require.NotNil(t, oof, out)
	oofTotal, _ := strconv.ParseFloat(oof[2], 64)
	assert.Greater(t, oofTotal, tot["random"], out)
	assert.LessOrEqual(t, oofTotal, tot["oracle"], out)
	assert.Contains(t, out, "bandit vs offline (out-of-fold): ")
	assert.FileExists(t, plot)
	assert.FileExists(t, state)
	// Seeded: the same run prints the same.
	assert.Equal(t, out, runOK(t, append(args[:len(args)-1:len(args)-1], "-plot", plot, "-state", state, data)...))
}

// -no-offline skips the offline classifiers (a quick run for tuning the
// bandit): the bandit's and the default's rows are those of the full run.
func TestSimulateNoOffline(t *testing.T) {
	dir := t.TempDir()
	data := writeSynth(t, dir, "synth.jsonl", 0, 300, mStrong, mMid, mWeak)
	args := []string{"simulate", "-seed", "4", "-window", "100", "-lambda", "20", data}
	full := runOK(t, args...)
	quick := runOK(t, append([]string{"simulate", "-no-offline"}, args[1:]...)...)
	assert.Contains(t, quick, "-no-offline: the offline rows repeat the default's")
	assert.NotContains(t, quick, "training the offline classifier")
	row := regexp.MustCompile(`(?m)^(?:bandit|default) +-?[0-9.]+ +-?[0-9.]+ `) // reward@2000, reward
	require.Len(t, row.FindAllString(full, -1), 2, full)
	assert.Equal(t, row.FindAllString(full, -1), row.FindAllString(quick, -1))
	ft, qt := totals(t, full), totals(t, quick)
	assert.Equal(t, qt["default"], qt["offline (in-sample)"])
	assert.NotEqual(t, ft["default"], ft["offline (in-sample)"], "the full run trains the classifier")
}

// -price-free plays data without costs: every call free, λ = 0, so the
// reward is the score and no policy spends anything.
func TestSimulatePriceFree(t *testing.T) {
	dir := t.TempDir()
	data := writeSynth(t, dir, "nocost.jsonl", 0, 200, mStrong, mMid, mWeak)
	out := runOK(t, "simulate", "-seed", "2", "-window", "100", "-price-free", data)
	assert.Contains(t, out, "λ = 0 per USD")
	tot := totals(t, out)
	assert.LessOrEqual(t, tot["bandit"], tot["oracle"], out)
	rows := regexp.MustCompile(`(?m)^(?:bandit|default|oracle) .* ([0-9.]+) +[0-9.]+$`).FindAllStringSubmatch(out, -1)
	require.Len(t, rows, 3, out)
	for _, r := range rows {
		assert.Equal(t, "0.000000", r[1], "$/request: %s", r[0])
	}
}

func TestSimulateErrors(t *testing.T) {
	dir := t.TempDir()
	twoModels := writeSynth(t, dir, "two.jsonl", 0, 30, mStrong, mWeak) // no costs
	require.NoError(t, os.WriteFile(filepath.Join(dir, "prices.json"), []byte(`{"models":{"`+mStrong+`":{"input_per_mtok":1,"output_per_mtok":2},"`+mWeak+`":{"input_per_mtok":0.1,"output_per_mtok":0.2}}}`), 0o644))
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"simulate", twoModels}, `model "acme/strong-xl" has no recorded cost and no price`},
		{[]string{"simulate", "-window", "0", twoModels}, "-window 0: want a positive count"},
		// Each bad number is named with its value; one message listed every
		// rule ("-window must be positive; -delay, -noise, … not negative")
		// whichever flag broke one, and an infinite -noise passed.
		{[]string{"simulate", "-delay", "-1", twoModels}, "-delay -1: want a count ≥ 0"},
		{[]string{"simulate", "-max-rows", "-3", twoModels}, "-max-rows -3: want a count ≥ 0"},
		{[]string{"simulate", "-output-tokens", "-5", twoModels}, "-output-tokens -5: want a count ≥ 0"},
		{[]string{"simulate", "-noise", "NaN", twoModels}, "-noise NaN: want a finite number ≥ 0"},
		{[]string{"simulate", "-noise", "Inf", twoModels}, "-noise +Inf: want a finite number ≥ 0"},
		{[]string{"simulate", "-lambda", "-2", twoModels}, "-lambda -2: want a finite number ≥ 0"},
		{[]string{"simulate", "-lambda", "NaN", twoModels}, "-lambda NaN: want a finite number ≥ 0"},
		// The bandit reads seed 0 as "pick one at random": two runs of
		// "-seed 0" differed, under a header saying "seed 0".
		{[]string{"simulate", "-seed", "0", twoModels}, "-seed 0: want a seed ≥ 1"},
		// One path for both outputs: the plot overwrote the saved state.
		{[]string{"simulate", "-price-free", "-state", filepath.Join(dir, "out.svg"), "-plot", dir + "/./out.svg", twoModels},
			"-plot " + dir + "/./out.svg: is also -state; write them to two files"},
		{[]string{"simulate", "-plot", filepath.Join(dir, "x.gif"), twoModels}, "unknown format"},
	} {
		var out, errb bytes.Buffer
		require.Equal(t, 1, run(tt.args, &out, &errb), "%v", tt.args)
		assert.Contains(t, errb.String(), tt.want)
	}
}
