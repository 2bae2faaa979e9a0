// Command cascadestudy measures simple single-feature cascades on outcomes
// files with answers: for each (strong, weak) pair, the APGR of escalating
// by one measure of the weak answer (length in characters, words, lines,
// markdown headers, list items, code blocks; length relative to the length
// the prompt predicts), in both orientations, with the per-prompt graded
// score and with the grade turned into win/tie/loss. A research harness, not
// shipped: it explains what the cascade columns of BENCHMARKS.md read.
//
//	go run ./internal/cascadestudy -pairs gpt-4o:gpt-3.5-turbo-0125,claude-3-5-sonnet-20240620:gemma-2-27b-it ../shared/data/arenahard-gpt4o-dw1.jsonl
//	go run ./internal/cascadestudy -all ../shared/data/arenahard-gpt4t-zp.jsonl
package main

import (
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"sort"
	"strings"

	"github.com/llmrouter/llmrouter/dataset"
	"github.com/llmrouter/llmrouter/eval"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "cascadestudy:", err)
		os.Exit(1)
	}
}

type pair struct{ strong, weak string }

func run(args []string, w io.Writer) error {
	fs := flag.NewFlagSet("cascadestudy", flag.ContinueOnError)
	pairsFlag := fs.String("pairs", "", "strong:weak pairs, comma-separated")
	all := fs.Bool("all", false, "also summarise the weak-answer-length APGR over every pair whose mean scores differ by ≥ 0.1")
	k := fs.Int("cv", 5, "folds for the expected-length regression (grouped by prompt)")
	seed := fs.Uint64("seed", 1, "fold seed")
	judge2 := fs.String("judge2", "", "another judge's file over the same prompts: where it grades the same weak model, also score the cascade that escalates the answers it grades worst (a ceiling for reading the weak answer)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	var pairs []pair
	if *pairsFlag != "" {
		for _, p := range strings.Split(*pairsFlag, ",") {
			s, wk, ok := strings.Cut(p, ":")
			if !ok || s == "" || wk == "" {
				return fmt.Errorf("-pairs: %q is not strong:weak", p)
			}
			pairs = append(pairs, pair{s, wk})
		}
	}
	if fs.NArg() == 0 {
		return fmt.Errorf("no data files")
	}
	var other map[string]map[string]float64 // prompt → model → score
	if *judge2 != "" {
		ds2, err := dataset.Load(*judge2)
		if err != nil {
			return err
		}
		other = map[string]map[string]float64{}
		for _, rec := range ds2.Records {
			m := map[string]float64{}
			for name, o := range rec.Outcomes {
				m[name] = o.Score
			}
			other[rec.Prompt] = m
		}
	}
	for _, path := range fs.Args() {
		ds, err := dataset.Load(path)
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "== %s (%d prompts)\n", path, ds.Len())
		for _, p := range pairs {
			if err := studyPair(w, ds, p, *k, *seed); err != nil {
				return fmt.Errorf("%s: %s vs %s: %w", path, p.strong, p.weak, err)
			}
			if other != nil {
				judgeCeiling(w, ds, p, other)
			}
		}
		if *all {
			if err := allPairs(w, ds); err != nil {
				return fmt.Errorf("%s: %w", path, err)
			}
		}
	}
	return nil
}

// rows is one pair's prompts with both models present.
type rows struct {
	prompt                   []string
	strong, weak             []float64
	weakAnswer, strongAnswer []string
}

func collect(ds *dataset.Dataset, p pair) rows {
	var r rows
	for _, rec := range ds.Records {
		s, okS := rec.Outcomes[p.strong]
		wk, okW := rec.Outcomes[p.weak]
		if !okS || !okW {
			continue
		}
		r.prompt = append(r.prompt, rec.Prompt)
		r.strong, r.weak = append(r.strong, s.Score), append(r.weak, wk.Score)
		r.weakAnswer, r.strongAnswer = append(r.weakAnswer, wk.Answer), append(r.strongAnswer, s.Answer)
	}
	return r
}

// win turns a graded score against the baseline into win 1, tie 0.5, loss 0.
func win(xs []float64) []float64 {
	out := make([]float64, len(xs))
	for i, x := range xs {
		switch {
		case x > 0.5:
			out[i] = 1
		case x == 0.5:
			out[i] = 0.5
		}
	}
	return out
}

func apgr(strong, weak, score []float64) float64 {
	r, err := eval.Cascade(strong, weak, score, []float64{1}, []float64{0})
	if err != nil {
		return math.NaN()
	}
	return r.APGR
}

func neg(xs []float64) []float64 {
	out := make([]float64, len(xs))
	for i, x := range xs {
		out[i] = -x
	}
	return out
}

// expectedLogLen returns, per row, log(1+weak chars) minus its out-of-fold
// prediction from the prompt alone (ridge on promptFeatures).
func expectedLogLen(r rows, k int, seed uint64) ([]float64, error) {
	folds, err := eval.GroupKFold(r.prompt, k, seed, nil)
	if err != nil {
		return nil, err
	}
	y := make([]float64, len(r.prompt))
	x := make([][]float64, len(r.prompt))
	for i := range y {
		y[i] = math.Log1p(shape(r.weakAnswer[i]).Chars)
		x[i] = promptFeatures(r.prompt[i])
	}
	out := make([]float64, len(y))
	for _, f := range folds {
		var tx [][]float64
		var ty []float64
		for _, i := range f.Train {
			tx, ty = append(tx, x[i]), append(ty, y[i])
		}
		wts := ridge(tx, ty, 1)
		for _, i := range f.Test {
			out[i] = y[i] - dot(wts, x[i])
		}
	}
	return out, nil
}

func studyPair(w io.Writer, ds *dataset.Dataset, p pair, k int, seed uint64) error {
	r := collect(ds, p)
	if len(r.prompt) == 0 {
		fmt.Fprintf(w, "-- %s vs %s: no prompt has both\n", p.strong, p.weak)
		return nil
	}
	n := len(r.prompt)
	cols := map[string][]float64{}
	names := []string{"chars", "words", "lines", "headers", "list items", "code blocks",
		"log chars − prompt-expected (CV ridge)", "prompt chars (prompt only)",
		"weak chars / strong chars (NOT cascade-visible)"}
	for _, nm := range names {
		cols[nm] = make([]float64, n)
	}
	for i := range n {
		s := shape(r.weakAnswer[i])
		cols["chars"][i], cols["words"][i], cols["lines"][i] = s.Chars, s.Words, s.Lines
		cols["headers"][i], cols["list items"][i], cols["code blocks"][i] = s.Headers, s.ListItems, s.CodeBlocks
		cols["prompt chars (prompt only)"][i] = float64(len([]rune(r.prompt[i])))
		cols["weak chars / strong chars (NOT cascade-visible)"][i] = (s.Chars + 1) / (shape(r.strongAnswer[i]).Chars + 1)
	}
	rel, err := expectedLogLen(r, k, seed)
	if err != nil {
		return err
	}
	cols["log chars − prompt-expected (CV ridge)"] = rel
	for i := range n {
		for j, v := range extraFeatures(r.prompt[i], r.weakAnswer[i]) {
			cols[extraNames[j]] = append(cols[extraNames[j]], v)
		}
	}
	names = append(names, extraNames...)
	ws, ww := win(r.strong), win(r.weak)
	fmt.Fprintf(w, "-- %s vs %s: %d prompts; graded mean %.3f vs %.3f; win/tie/loss mean %.3f vs %.3f\n",
		p.strong, p.weak, n, mean(r.strong), mean(r.weak), mean(ws), mean(ww))
	fmt.Fprintf(w, "   %-48s %12s %12s %12s %12s\n", "weak-answer measure (cascade APGR)", "long first", "short first", "W/L long", "W/L short")
	for _, nm := range names {
		c := cols[nm]
		fmt.Fprintf(w, "   %-48s %12.4f %12.4f %12.4f %12.4f\n", nm,
			apgr(r.strong, r.weak, c), apgr(r.strong, r.weak, neg(c)), apgr(ws, ww, c), apgr(ws, ww, neg(c)))
	}
	// All cascade-visible columns together (logs of the counts), nested CV.
	var x [][]float64
	for i := range n {
		var row []float64
		for _, nm := range names {
			if nm == "weak chars / strong chars (NOT cascade-visible)" {
				continue
			}
			v := cols[nm][i]
			if v >= 0 {
				v = math.Log1p(v)
			}
			row = append(row, v)
		}
		x = append(x, row)
	}
	sc, chosen, err := combined(x, r.strong, r.weak, r.prompt, k, seed, []float64{0.1, 1, 10, 100, 1000})
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "   %-48s %12.4f   (ridge on the gain, l2 by nested CV: %v)\n", "all cascade-visible columns (nested CV)", apgr(r.strong, r.weak, sc), chosen)
	// Ceilings, not cascades: this judge's own grade of the weak answer (a
	// perfect weak-fails verifier) and the oracle (the gain itself).
	gain := make([]float64, n)
	for i := range gain {
		gain[i] = r.strong[i] - r.weak[i]
	}
	fmt.Fprintf(w, "   %-48s %12.4f\n", "ceiling: this judge's grade of the weak answer", apgr(r.strong, r.weak, neg(r.weak)))
	fmt.Fprintf(w, "   %-48s %12.4f\n", "ceiling: the oracle (the gain itself)", apgr(r.strong, r.weak, gain))
	return nil
}

// allPairs prints, for every ordered pair whose mean scores differ by at
// least 0.1, the APGR of escalating the weaker model's answers long first
// and short first, then the spread.
func allPairs(w io.Writer, ds *dataset.Dataset) error {
	ms := map[string][]float64{}
	for _, rec := range ds.Records {
		for m, o := range rec.Outcomes {
			ms[m] = append(ms[m], o.Score)
		}
	}
	models := make([]string, 0, len(ms))
	for m := range ms {
		models = append(models, m)
	}
	sort.Strings(models)
	var long, short []float64
	fmt.Fprintf(w, "-- every pair with mean gap ≥ 0.1: weak answer chars as the cascade score\n")
	for _, s := range models {
		for _, wk := range models {
			if mean(ms[s])-mean(ms[wk]) < 0.1 {
				continue
			}
			r := collect(ds, pair{s, wk})
			c := make([]float64, len(r.prompt))
			for i := range c {
				c[i] = shape(r.weakAnswer[i]).Chars
			}
			a, b := apgr(r.strong, r.weak, c), apgr(r.strong, r.weak, neg(c))
			long, short = append(long, a), append(short, b)
			fmt.Fprintf(w, "   %-45s %-45s long %.4f short %.4f\n", s, wk, a, b)
		}
	}
	if len(long) == 0 {
		return nil
	}
	sort.Float64s(long)
	sort.Float64s(short)
	fmt.Fprintf(w, "   %d pairs: long first min %.4f median %.4f max %.4f; short first min %.4f median %.4f max %.4f\n",
		len(long), long[0], long[len(long)/2], long[len(long)-1], short[0], short[len(short)/2], short[len(short)-1])
	return nil
}

func mean(xs []float64) float64 {
	s := 0.0
	for _, x := range xs {
		s += x
	}
	return s / float64(len(xs))
}

// judgeCeiling prints the cascade APGR of escalating the weak answers that
// another judge graded worst (the same answers, where the other file has
// the weak model): what a verifier that read answers exactly as that judge
// does would reach.
func judgeCeiling(w io.Writer, ds *dataset.Dataset, p pair, other map[string]map[string]float64) {
	var s, wk, v []float64
	for _, rec := range ds.Records {
		so, okS := rec.Outcomes[p.strong]
		wo, okW := rec.Outcomes[p.weak]
		g, okG := other[rec.Prompt][p.weak]
		if okS && okW && okG {
			s, wk, v = append(s, so.Score), append(wk, wo.Score), append(v, -g)
		}
	}
	if len(s) == 0 {
		fmt.Fprintf(w, "   the other judge does not grade %s\n", p.weak)
		return
	}
	fmt.Fprintf(w, "   %-48s %12.4f   (%d prompts; graded: escalate the answers the other judge grades worst)\n",
		"other judge's grade of the same weak answer", apgr(s, wk, v), len(s))
	fmt.Fprintf(w, "   %-48s %12.4f\n", "other judge's grade, W/L", apgr(win(s), win(wk), v))
}
