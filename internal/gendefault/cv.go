package main

import (
	"fmt"
	"io"
	"math"
	"strings"
	"unicode/utf8"

	"github.com/llmrouter/llmrouter/eval"
	"github.com/llmrouter/llmrouter/internal/chatshape"
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

// baselines are the CV report's columns beside the candidates.
var baselines = []string{"embedded default", "trained only", "heuristic shape", "length"}

// variant is one candidate build: a name and its config.
type variant struct {
	name string
	cfg  config
}

// cvScores builds the default cfg.folds times, each without one fold of the
// prompts (benchmark and Arena, grouped by prompt), and scores the fold's
// prompts with every candidate (each fold's trained models are shared by
// the candidates, which differ only in the shape fit) and every baseline.
// It returns each router's out-of-fold scores and each item's fold.
func cvScores(w io.Writer, c *corpus, cfg config, vs []variant) (map[string][]float64, []int, error) {
	all := seq(len(c.items))
	folds := c.splits(all, cfg, cfg.seed)
	scores := map[string][]float64{}
	for _, r := range baselines {
		scores[r] = make([]float64, len(c.items))
	}
	for _, v := range vs {
		scores[v.name] = make([]float64, len(c.items))
	}
	foldOf := make([]int, len(c.items))
	for f, test := range folds {
		n, err := c.trainNested(without(all, test), cfg)
		if err != nil {
			return nil, nil, fmt.Errorf("fold %d: %w", f, err)
		}
		for _, v := range vs {
			m, err := c.fitShape(n, v.cfg)
			if err != nil {
				return nil, nil, fmt.Errorf("fold %d, %s: %w", f, v.name, err)
			}
			fmt.Fprintf(w, "fold %d, %s: blend weight (prior) or α (ridge) %.3f, λ %g, shape weights %s\n", f, v.name, m.alpha, m.lambda, fmtWeights(m.w[:]))
			for _, i := range test {
				scores[v.name][i] = m.logit(c.items[i].prompt, &c.items[i].shape)
			}
		}
		for _, i := range test {
			foldOf[i] = f
			it := &c.items[i]
			_, d := n.all.lin.Predict(it.prompt)
			scores["trained only"][i] = d
			scores["heuristic shape"][i] = chatshape.Score(&priorShape, &it.shape)
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
// each pair, and the selection criterion (select.go) of each.
func runCV(w io.Writer, c *corpus, cfg config, vs []variant) error {
	scores, foldOf, err := cvScores(w, c, cfg, vs)
	if err != nil {
		return err
	}
	var routers []string
	for _, v := range vs {
		routers = append(routers, v.name)
	}
	routers = append(routers, baselines...)
	fmt.Fprintf(w, "\n%d-fold CV split by %s (seed %d), pooled out-of-fold APGR [per-fold min–max]; target %q, dup %d, %d hash bits, λ %v, idf %v\n\n",
		foldCount(foldOf), cfg.split, cfg.seed, cfg.target, cfg.dup, cfg.bits, cfg.lambdas, cfg.idf)
	fmt.Fprintf(w, "| pair | %s |\n|---|%s\n", strings.Join(routers, " | "), strings.Repeat("---|", len(routers)))
	for _, pr := range pairs {
		fmt.Fprintf(w, "| %s: %s vs %s |", pr.file, pr.strong, pr.weak)
		for _, r := range routers {
			pooled, lo, hi, err := pairAPGR(c, pr, scores[r], foldOf, foldCount(foldOf))
			if err != nil {
				return err
			}
			fmt.Fprintf(w, " %.3f [%.2f–%.2f] |", pooled, lo, hi)
		}
		fmt.Fprintln(w)
	}
	for _, row := range []string{"criterion", "mixed tasks (exact APGR)", "Arena mean (exact APGR)"} {
		fmt.Fprintf(w, "| %s |", row)
		for _, r := range routers {
			crit, mixed, chat := c.criterion(seq(len(c.items)), scores[r])
			fmt.Fprintf(w, " %.3f |", map[string]float64{"criterion": crit, "mixed tasks (exact APGR)": mixed, "Arena mean (exact APGR)": chat}[row])
		}
		fmt.Fprintln(w)
	}
	return nil
}

// foldCount is the number of folds foldOf deals items into.
func foldCount(foldOf []int) int {
	k := 0
	for _, f := range foldOf {
		k = max(k, f+1)
	}
	return k
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
		if len(st[f]) == 0 {
			continue // split by task: the pair's items are in one fold
		}
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
