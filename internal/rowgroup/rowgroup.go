// Package rowgroup groups row indexes by key: the one grouping behind
// dataset.GroupByPrompt (keys are prompt strings) and train's tuning folds
// (keys are prompt hashes), so both split a dataset the same way.
package rowgroup

// ByKey groups the indexes of keys by equal key: the groups in order of
// first appearance, each group's indexes ascending. It returns nil for no
// keys. Safe for concurrent use (it reads keys only).
func ByKey[K comparable](keys []K) [][]int {
	groupOf := make(map[K]int)
	var groups [][]int
	for i, k := range keys {
		g, ok := groupOf[k]
		if !ok {
			g = len(groups)
			groupOf[k] = g
			groups = append(groups, nil)
		}
		groups[g] = append(groups[g], i)
	}
	return groups
}
