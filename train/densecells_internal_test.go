package train

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// A sparse file (many models, an outcome or two a row) is refused past
// MaxCells; data scoring a share of its models a row, such as an exported
// decision log (one outcome of ten models a row), grows linearly and is
// never refused, however many rows it has.
func TestDenseTooBig(t *testing.T) {
	for _, tc := range []struct {
		name            string
		cells, outcomes int
		want            bool
	}{
		{"under the bound, however sparse", MaxCells, 1, false},
		{"past it, one outcome of 256 models a row", 256 * (MaxCells/256 + 1), MaxCells/256 + 256, true},
		{"past it, one outcome of 10 models a row (a decision log)", 10 * 1_000_000, 1_000_000, false},
		{"past it, every model scored", 11 * 1_000_000, 11 * 1_000_000, false},
		{"past it, one of 17 a row", 17 * 1_000_000, 1_000_000, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, denseTooBig(tc.cells, tc.outcomes))
		})
	}
}
