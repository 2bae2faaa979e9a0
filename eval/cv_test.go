package eval

import (
	"fmt"
	"testing"

	"github.com/llmrouter/llmrouter/dataset"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestGroupKFold(t *testing.T) {
	var prompts, tasks []string
	for i := 0; i < 60; i++ {
		prompts = append(prompts, fmt.Sprintf("q%d", i%45)) // 15 prompts twice
		if i%3 == 0 {
			tasks = append(tasks, "math")
		} else {
			tasks = append(tasks, "code")
		}
	}
	tests := []struct {
		name   string
		k      int
		strata []string
	}{
		{"plain k=5", 5, nil},
		{"plain k=2", 2, nil},
		{"stratified k=4", 4, tasks},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			folds, err := GroupKFold(prompts, tt.k, 42, tt.strata)
			require.NoError(t, err)
			require.Len(t, folds, tt.k)
			seen := make([]int, len(prompts))
			foldOfPrompt := map[string]int{}
			for f, fold := range folds {
				assert.Equal(t, len(prompts), len(fold.Train)+len(fold.Test))
				for _, i := range fold.Test {
					seen[i]++
					if g, ok := foldOfPrompt[prompts[i]]; ok {
						assert.Equal(t, g, f, "prompt %q split across folds", prompts[i])
					}
					foldOfPrompt[prompts[i]] = f
				}
				// Sizes differ by at most one group (2 rows) per stratum.
				assert.InDelta(t, float64(len(prompts))/float64(tt.k), float64(len(fold.Test)), 2.0*2)
			}
			for i, s := range seen {
				assert.Equal(t, 1, s, "row %d tested %d times", i, s)
			}
			again, err := GroupKFold(prompts, tt.k, 42, tt.strata)
			require.NoError(t, err)
			assert.Equal(t, folds, again, "deterministic for a seed")
			other, err := GroupKFold(prompts, tt.k, 43, tt.strata)
			require.NoError(t, err)
			assert.NotEqual(t, folds, other, "another seed, another split")
			if tt.strata != nil {
				for _, fold := range folds {
					n := 0
					for _, i := range fold.Test {
						if tasks[i] == "math" {
							n++
						}
					}
					assert.InDelta(t, 20.0/float64(tt.k), float64(n), 2, "math rows per fold")
				}
			}
		})
	}
	_, err := GroupKFold(prompts, 1, 1, nil)
	assert.Error(t, err)
	_, err = GroupKFold([]string{"a", "a", "b"}, 3, 1, nil)
	assert.ErrorContains(t, err, "2 distinct prompts")
	_, err = GroupKFold(prompts, 2, 1, tasks[:3])
	assert.Error(t, err)
	_, err = GroupKFold(nil, 2, 1, nil)
	assert.Error(t, err)
}

func TestDatasetFoldsAndSubset(t *testing.T) {
	ds := &dataset.Dataset{}
	for i := 0; i < 10; i++ {
		ds.Records = append(ds.Records, dataset.Record{ID: fmt.Sprint(i), Task: []string{"a", "b"}[i%2],
			Prompt: fmt.Sprint("p", i/2), Outcomes: map[string]dataset.Outcome{"m": {Score: 1}}})
	}
	folds, err := DatasetFolds(ds, 5, 3, true)
	require.NoError(t, err)
	sub := Subset(ds, folds[0].Test)
	assert.Equal(t, len(folds[0].Test), sub.Len())
	_, err = DatasetFolds(nil, 2, 1, false)
	assert.Error(t, err)
}
