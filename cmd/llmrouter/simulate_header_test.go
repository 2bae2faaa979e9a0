package main

import (
	"regexp"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The summary's first column is the cumulative reward over the first 2,000
// requests, and its header says over how many: a stream shorter than
// that is summed whole, and the column was still headed "reward@2000".
func TestSimulateEarlyRewardHeader(t *testing.T) {
	dir := t.TempDir()
	for _, n := range []int{300, 2100} {
		data := writeSynth(t, dir, "synth"+strconv.Itoa(n)+".jsonl", 0, n, mStrong, mMid, mWeak)
		out := runOK(t, "simulate", "-no-offline", "-seed", "2", "-window", "100", "-lambda", "20", data)
		want := min(n, 2000)
		hdr := regexp.MustCompile(`(?m)^policy +reward@(\d+) +reward `).FindStringSubmatch(out)
		require.NotNil(t, hdr, out)
		assert.Equal(t, strconv.Itoa(want), hdr[1], "%d requests", n)
		row := regexp.MustCompile(`(?m)^bandit +(-?[0-9.]+) +(-?[0-9.]+) `).FindStringSubmatch(out)
		require.NotNil(t, row, out)
		if n <= 2000 {
			assert.Equal(t, row[1], row[2], "the whole stream")
		} else {
			assert.NotEqual(t, row[1], row[2], "the first 2,000 of %d", n)
		}
	}
}
