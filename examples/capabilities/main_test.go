package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRun(t *testing.T) {
	var out bytes.Buffer
	require.NoError(t, run(&out))
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	require.Len(t, lines, 4, out.String())
	tests := []struct{ line, want string }{
		{lines[0], "plain (label simple): → general (cheapest model with predicted quality at or above the threshold)"},
		{lines[1], "code (label code): → coder (cheapest adequate model with a strength the request calls for)"},
		{lines[2], "code in a screenshot (label vision): → multimodal (cheapest model with predicted quality at or above the threshold); " +
			"general removed: lacks vision (set ModelCard.Capabilities to include llmrouter.Vision); " +
			"coder removed: lacks vision (set ModelCard.Capabilities to include llmrouter.Vision)"},
		{lines[3], "Japanese (label simple): → multimodal (cheapest adequate model with a strength the request calls for)"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, tt.line)
	}
}
