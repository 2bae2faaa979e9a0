//go:build !race

package llmrouter_test

// poolDropSlack is 0 without the race detector: see race_on_test.go.
const poolDropSlack = 0

// tinySlack is 0 without the race detector: see race_on_test.go.
const tinySlack = 0
