package bandit_test

import "hash/crc32"

func crc32c(b []byte) uint32 { return crc32.Checksum(b, crc32.MakeTable(crc32.Castagnoli)) }

// The state file's layout (state.go) for one-letter model names: the
// header, then per model 2+1 bytes of name, 8 of count, the 9×9 matrix and
// the 9-vector, then the pending decisions.
const (
	stateHeader = 8 + 12 + 16 + 32
	stateArm    = 2 + 1 + 8 + 8*9*9 + 8*9
)

func armsOf(b []byte, models int) []byte { return b[stateHeader : stateHeader+models*stateArm] }

func pendingAt(models int) int { return stateHeader + models*stateArm }
