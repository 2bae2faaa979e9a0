package dataset

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestGroupByPrompt(t *testing.T) {
	assert.Nil(t, GroupByPrompt(nil))
	assert.Equal(t, [][]int{{0, 2}, {1, 4}, {3}}, GroupByPrompt([]string{"a", "b", "a", "", "b"}))
}
