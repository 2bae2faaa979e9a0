package main

import (
	"fmt"
	"io"
	"unicode/utf8"

	"github.com/llmrouter/llmrouter/dataset"
	"github.com/llmrouter/llmrouter/eval"
	"github.com/llmrouter/llmrouter/internal/chatshape"
)

// runHoldout builds every candidate on all the training data (one trained
// model and its inner folds, shared) and reports the APGR of routing the
// held-out file's strong model against its weak by each candidate's blended
// difficulty, as the served classifier computes it. It is the last step
// of a comparison (MT-Bench, the out-of-domain test): no choice may be made
// on what it prints, so every candidate it was run on is to be reported.
func runHoldout(w io.Writer, c *corpus, cfg config, vs []variant, path, strong, weak string) error {
	ds, err := dataset.Load(path)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	n, err := c.trainNested(seq(len(c.items)), cfg)
	if err != nil {
		return err
	}
	var st, wk []float64
	shapes := make([][chatshape.N]float64, len(ds.Records))
	for i, r := range ds.Records {
		s, ok1 := r.Outcomes[strong]
		x, ok2 := r.Outcomes[weak]
		if !ok1 || !ok2 {
			return fmt.Errorf("%s: record %s: no %s or %s outcome", path, r.ID, strong, weak)
		}
		st, wk = append(st, s.Score), append(wk, x.Score)
		shapes[i] = shapeOf(r.Prompt)
	}
	report := func(name string, score func(i int) float64) error {
		sc := make([]float64, len(ds.Records))
		for i := range sc {
			sc[i] = score(i)
		}
		a, err := eval.APGR(st, wk, sc)
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "| %s | %.3f |\n", name, a)
		return nil
	}
	fmt.Fprintf(w, "%s, %s vs %s, %d prompts: APGR of the builds on all the training data\n\n| router | APGR |\n|---|---|\n", path, strong, weak, len(ds.Records))
	for _, v := range vs {
		m, err := c.fitShape(n, v.cfg)
		if err != nil {
			return fmt.Errorf("%s: %w", v.name, err)
		}
		fmt.Fprintf(w, "<!-- %s: a %.3f, shape weights %s -->\n", v.name, m.a, fmtWeights(m.w[:]))
		if err := report(v.name, func(i int) float64 { return m.logit(ds.Records[i].Prompt, &shapes[i]) }); err != nil {
			return err
		}
	}
	for _, b := range []struct {
		name  string
		score func(i int) float64
	}{
		{"trained only", func(i int) float64 { _, d := n.all.lin.Predict(ds.Records[i].Prompt); return d }},
		{"heuristic shape", func(i int) float64 { return chatshape.Score(&priorShape, &shapes[i]) }},
		{"length", func(i int) float64 { return float64(utf8.RuneCountInString(ds.Records[i].Prompt)) }},
	} {
		if err := report(b.name, b.score); err != nil {
			return err
		}
	}
	return nil
}
