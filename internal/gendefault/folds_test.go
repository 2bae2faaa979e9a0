package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestTaskSplit: -split task makes one fold per task of the items idx, in
// order of the task's first appearance in idx, each fold's items in idx's
// order.
func TestTaskSplit(t *testing.T) {
	c := &corpus{items: []item{{task: 2}, {task: 0}, {task: 2}, {task: 1}, {task: 0}, {task: 2}}}
	tests := []struct {
		name string
		idx  []int
		want [][]int
	}{
		{"every item", []int{0, 1, 2, 3, 4, 5}, [][]int{{0, 2, 5}, {1, 4}, {3}}},
		{"a subset, out of order", []int{4, 3, 5, 1}, [][]int{{4, 1}, {3}, {5}}},
		{"one task", []int{2, 0}, [][]int{{2, 0}}},
		{"none", nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, c.splits(tt.idx, config{split: "task"}, 1))
		})
	}
}
