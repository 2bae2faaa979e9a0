package main

import (
	"fmt"
	"io"
	"math"
	"strings"
	"unicode/utf8"

	"github.com/llmrouter/llmrouter/eval"
)

// pair is a strong and a weak model of one source, routed between.
type pair struct{ file, strong, weak string }

// pairs are the model pairs the CV report scores: Arena pairs (by judge
// run) and GPT-4 vs Mixtral on the benchmark files.
var pairs = []pair{
	{"arenahard-gpt4o-dw1", "gpt-4o", "gpt-3.5-turbo-0125"},
	{"arenahard-gpt4o-dw1", "claude-3-5-sonnet-20240620", "gemma-2-27b-it"},
	{"arenahard-gpt4t-zp", "Qwen__Qwen2.5-72B-Instruct", "gpt-3.5-turbo-0125"},
	{"routellm-mmlu", reference, "mistralai/Mixtral-8x7B-Instruct-v0.1"},
	{"routellm-gsm8k", reference, "mistralai/Mixtral-8x7B-Instruct-v0.1"},
	{"routerbench-train", reference, "mistralai/mixtral-8x7b-chat"},
}

// routers are the CV report's columns.
var routers = []string{"new default", "embedded default", "trained only", "shape only", "length"}

// cvScores builds the default cfg.folds times, each without one fold of the
// prompts (benchmark and Arena, grouped by prompt), and scores the fold's
// prompts with every router. It returns each router's out-of-fold scores
// and each item's fold.
func cvScores(w io.Writer, c *corpus, cfg config) (map[string][]float64, []int, error) {
	all := seq(len(c.items))
	folds := c.folds(all, cfg.folds, cfg.seed)
	scores := map[string][]float64{}
	for _, r := range routers {
		scores[r] = make([]float64, len(c.items))
	}
	foldOf := make([]int, len(c.items))
	for f, test := range folds {
		m, err := c.build(without(all, test), cfg)
		if err != nil {
			return nil, nil, fmt.Errorf("fold %d: %w", f, err)
		}
		fmt.Fprintf(w, "fold %d: blend weight (prior) or α (ridge) %.3f, λ %g, shape weights %s\n", f, m.alpha, m.lambda, fmtWeights(m.w[:]))
		for _, i := range test {
			foldOf[i] = f
			it := &c.items[i]
			_, d := m.lin.Predict(it.prompt)
			scores["new default"][i] = m.logit(it.prompt, &it.shape)
			scores["trained only"][i] = d
			scores["shape only"][i] = dot(m.w[1:], it.shape[:])
			scores["length"][i] = float64(utf8.RuneCountInString(it.prompt))
			e, err := embeddedDifficulty(it.prompt)
			if err != nil {
				return nil, nil, err
			}
			scores["embedded default"][i] = e
		}
	}
	return scores, foldOf, nil
}

// runCV reports the pooled out-of-fold APGR (cvScores) of each router on
// each pair.
func runCV(w io.Writer, c *corpus, cfg config) error {
	scores, foldOf, err := cvScores(w, c, cfg)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "\n%d-fold CV grouped by prompt (seed %d), pooled out-of-fold APGR [per-fold min–max]; target %q, fit %q, dup %d, %d hash bits, λ %v, idf %v\n\n",
		cfg.folds, cfg.seed, cfg.target, cfg.fit, cfg.dup, cfg.bits, cfg.lambdas, cfg.idf)
	fmt.Fprintf(w, "| pair | %s |\n|---|%s\n", strings.Join(routers, " | "), strings.Repeat("---|", len(routers)))
	for _, pr := range pairs {
		fmt.Fprintf(w, "| %s: %s vs %s |", pr.file, pr.strong, pr.weak)
		for _, r := range routers {
			pooled, lo, hi, err := pairAPGR(c, pr, scores[r], foldOf, cfg.folds)
			if err != nil {
				return err
			}
			fmt.Fprintf(w, " %.3f [%.2f–%.2f] |", pooled, lo, hi)
		}
		fmt.Fprintln(w)
	}
	return nil
}

// outcome is item i's score of model in file, if it has one.
func (c *corpus) outcome(i int, file, model string) (float64, bool) {
	it := &c.items[i]
	if it.chat != nil {
		s, ok := it.chat.scores[file][model]
		return s, ok
	}
	if c.sources[it.source] != file {
		return 0, false
	}
	o, ok := it.bench.Outcomes[model]
	return o.Score, ok
}

// pairAPGR is the pooled APGR of routing pr by score over the items that
// have both models' scores, and the per-fold minimum and maximum.
func pairAPGR(c *corpus, pr pair, score []float64, foldOf []int, k int) (pooled, lo, hi float64, err error) {
	st, wk, sc := make([][]float64, k+1), make([][]float64, k+1), make([][]float64, k+1)
	for i := range c.items {
		s, ok1 := c.outcome(i, pr.file, pr.strong)
		x, ok2 := c.outcome(i, pr.file, pr.weak)
		if !ok1 || !ok2 {
			continue
		}
		for _, f := range []int{k, foldOf[i]} {
			st[f], wk[f], sc[f] = append(st[f], s), append(wk[f], x), append(sc[f], score[i])
		}
	}
	if pooled, err = eval.APGR(st[k], wk[k], sc[k]); err != nil {
		return 0, 0, 0, fmt.Errorf("%s %s vs %s: %w", pr.file, pr.strong, pr.weak, err)
	}
	lo, hi = math.Inf(1), math.Inf(-1)
	for f := range k {
		a, err := eval.APGR(st[f], wk[f], sc[f])
		if err != nil {
			return 0, 0, 0, err
		}
		lo, hi = math.Min(lo, a), math.Max(hi, a)
	}
	return pooled, lo, hi, nil
}

func fmtWeights(w []float64) string {
	var b strings.Builder
	for k, v := range w {
		if k > 0 {
			b.WriteString(" ")
		}
		fmt.Fprintf(&b, "%.3f", v)
	}
	return b.String()
}
