package rowgroup

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestByKey(t *testing.T) {
	tests := []struct {
		name string
		keys []string
		want [][]int
	}{
		{"none", nil, nil},
		{"one", []string{"a"}, [][]int{{0}}},
		{"all distinct", []string{"b", "a", "c"}, [][]int{{0}, {1}, {2}}},
		{"repeats: first appearance, rows ascending", []string{"a", "b", "a", "", "c", "b", "", "a"},
			[][]int{{0, 2, 7}, {1, 5}, {3, 6}, {4}}},
		{"all equal", []string{"x", "x", "x"}, [][]int{{0, 1, 2}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, ByKey(tt.keys))
		})
	}
}

// TestByKeyOtherKeys: the grouping does not depend on the key's type.
func TestByKeyOtherKeys(t *testing.T) {
	assert.Equal(t, [][]int{{0, 2}, {1}}, ByKey([]uint64{7, 3, 7}))
	assert.Equal(t, ByKey([]string{"p", "q", "p", "r"}), ByKey([]int{9, 1, 9, 0}))
}
