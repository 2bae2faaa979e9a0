//go:build race

package llmrouter_test

// poolDropSlack is the allocations a call may add under the race detector,
// which drops a quarter of what goes back to a sync.Pool on purpose: the
// router's route scratch pool then allocates anew. (The per-call execution
// state, pooled before, is on GenerateContent's stack: were it to escape,
// the bounds of TestAllocsPerCall and TestDecisionStorage would catch its
// allocation and 512 bytes.)
const poolDropSlack = 1

// tinySlack is the bytes a call may add under the race detector, which
// turns the allocator's combining of tiny objects off.
const tinySlack = 16
