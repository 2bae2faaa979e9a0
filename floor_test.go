package llmrouter

import "github.com/llmrouter/llmrouter/internal/floor"

// Floor is the benchmarks' reference router (see internal/floor, where it
// lives so its code does not move with the root package's).
type Floor = floor.Floor

// NewFloor returns a floor over models (≤ 8) with fixed pseudo-random weights.
func NewFloor(models int) *Floor { return floor.New(models) }
