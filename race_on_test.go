//go:build race

package llmrouter_test

// poolDropSlack is the allocations a call may add under the race detector,
// which drops a quarter of what goes back to a sync.Pool on purpose: the
// router's pools (route scratch, per-call execution state) then allocate
// anew.
const poolDropSlack = 1

// tinySlack is the bytes a call may add under the race detector, which
// turns the allocator's combining of tiny objects off.
const tinySlack = 16
