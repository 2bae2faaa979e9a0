package main

import "github.com/llmrouter/llmrouter/internal/rowgroup"

// splits deals the items idx into folds as cfg.split says: cfg.folds folds
// grouped by prompt, or one fold per task.
func (c *corpus) splits(idx []int, cfg config, seed uint64) [][]int {
	switch cfg.split {
	case "subject":
		return c.foldsBy(idx, cfg.folds, seed, func(it *item) int { return it.subject })
	case "task":
	default:
		return c.folds(idx, cfg.folds, seed)
	}
	tasks := make([]int, len(idx))
	for n, i := range idx {
		tasks[n] = c.items[i].task
	}
	out := rowgroup.ByKey(tasks) // positions in idx, tasks in order of first appearance
	for _, f := range out {
		for n, pos := range f {
			f[n] = idx[pos]
		}
	}
	return out
}

// folds deals the groups of the items idx into k folds after a seeded
// shuffle: items with the same prompt share a fold.
func (c *corpus) folds(idx []int, k int, seed uint64) [][]int {
	return c.foldsBy(idx, k, seed, func(it *item) int { return it.group })
}

// foldsBy deals the items idx into k folds after a seeded shuffle of their
// keys: items with the same key share a fold.
func (c *corpus) foldsBy(idx []int, k int, seed uint64, key func(*item) int) [][]int {
	var groups []int
	seen := map[int]bool{}
	for _, i := range idx {
		if g := key(&c.items[i]); !seen[g] {
			seen[g] = true
			groups = append(groups, g)
		}
	}
	fold := map[int]int{}
	for f, gs := range groupFolds(groups, k, seed) {
		for _, g := range gs {
			fold[g] = f
		}
	}
	out := make([][]int, k)
	for _, i := range idx {
		f := fold[key(&c.items[i])]
		out[f] = append(out[f], i)
	}
	return out
}

func seq(n int) []int {
	s := make([]int, n)
	for i := range s {
		s[i] = i
	}
	return s
}

// without returns idx minus the members of drop.
func without(idx, drop []int) []int {
	out := make(map[int]bool, len(drop))
	for _, i := range drop {
		out[i] = true
	}
	var keep []int
	for _, i := range idx {
		if !out[i] {
			keep = append(keep, i)
		}
	}
	return keep
}

// groupFolds deals idx into k folds after a seeded shuffle. Chat rows are
// one per prompt (the files are merged by prompt), so a fold never splits
// a prompt.
func groupFolds(idx []int, k int, seed uint64) [][]int {
	s := append([]int(nil), idx...)
	state := seed*0x9E3779B97F4A7C15 + 1
	for i := len(s) - 1; i > 0; i-- { // Fisher–Yates, splitmix64
		state += 0x9E3779B97F4A7C15
		z := state
		z = (z ^ z>>30) * 0xBF58476D1CE4E5B9
		z = (z ^ z>>27) * 0x94D049BB133111EB
		z ^= z >> 31
		j := int(z % uint64(i+1))
		s[i], s[j] = s[j], s[i]
	}
	folds := make([][]int, k)
	for n, i := range s {
		folds[n%k] = append(folds[n%k], i)
	}
	return folds
}
