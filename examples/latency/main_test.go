package main

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRun(t *testing.T) {
	var out bytes.Buffer
	require.NoError(t, run(&out))
	got := out.String()
	for _, want := range []string{
		"by the cards (no samples yet):\n  latency-critical: → mini in 2.5s (fastest model with predicted quality at or above the threshold); " +
			"flash removed: typical latency 1.5s > budget 1s; large removed: typical latency 4s > budget 1s\n",
		"  flash: card 1.5s, observed p90 350ms over 5 calls\n",
		"by observed latency:\n  latency-critical: → flash in 350ms (fastest model with predicted quality at or above the threshold); " +
			"mini removed: expected latency 2.5s > budget 1s; large removed: expected latency 3s > budget 1s\n",
		"  background: → mini in 2.5s (cheapest model with predicted quality at or above the threshold)\n",
	} {
		assert.Contains(t, got, want)
	}
}
