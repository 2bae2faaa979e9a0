package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/llmrouter/llmrouter/dataset"
	"github.com/llmrouter/llmrouter/eval"
	"github.com/llmrouter/llmrouter/verify"
)

func init() {
	commands["train-verifier"] = command{
		summary: "train an answer verifier (cascade): train-verifier -strong M -weak M [-cv 5] -o verifier.bin data.jsonl…",
		run:     runTrainVerifier,
	}
	commands["predict-verifier"] = command{
		summary: "write per-prompt escalation scores of a verifier: predict-verifier -model verifier.bin -weak M data.jsonl…",
		run:     runPredictVerifier,
	}
}

func pairsFlag(strong, weak string) ([]verify.Pair, error) {
	s, w := strings.Split(strong, ","), strings.Split(weak, ",")
	if strong == "" || weak == "" {
		return nil, usagef("-strong and -weak are required")
	}
	if len(s) != len(w) {
		return nil, usagef("-strong names %d models and -weak %d: give one strong model per weak model", len(s), len(w))
	}
	p := make([]verify.Pair, len(s))
	for i := range s {
		p[i] = verify.Pair{Strong: s[i], Weak: w[i]}
	}
	return p, nil
}

func runTrainVerifier(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("train-verifier", flag.ContinueOnError)
	fs.SetOutput(stdout)
	strong := fs.String("strong", "", "strong model(s), comma-separated, one per -weak model (required)")
	weak := fs.String("weak", "", "weak model(s) whose answers the verifier reads, comma-separated (required)")
	out := fs.String("o", "", "write the trained verifier to this file")
	cv := fs.Int("cv", 0, "print pooled out-of-fold figures of k-fold CV grouped by prompt (k ≥ 2)")
	seed := fs.Uint64("seed", 1, "fold seed for -cv")
	target := fs.String("target", string(verify.TargetGain), "what to predict: gain (strong − weak) or weak-fails")
	l2 := fs.Float64("l2", 1, "ridge penalty on standardized weights")
	share := fs.Float64("share", 0.3, "escalation share the saved cutoff gives on the training answers")
	quality := fs.Float64("quality", 0, "calibrate the saved cutoff instead: with -cv, the least escalation share whose pooled out-of-fold cascade reaches this fraction of the strong models' mean quality (e.g. 0.95); replaces -share, which is then refused")
	prices := fs.String("prices", "", "prices.json (USD per million tokens): with -cv, print the cascade's cost to reach 95% of the strong model's quality")
	note := fs.String("note", "", "free text stored in the model")
	l2Grid := fs.String("l2-grid", "", "choose -l2 among these comma-separated penalties by CV: nested inside each outer fold for the -cv figures, on all the data for the saved model (replaces -l2, which is then refused)")
	targets := fs.String("targets", "", "with -l2-grid, also choose the target among these (e.g. gain,weak-fails) by the same CV (replaces -target, which is then refused)")
	inner := fs.Int("inner", 5, "inner CV folds for -l2-grid")
	tune := fs.String("tune", "apgr", "-l2-grid criterion: apgr (mean over pairs of the cascade's APGR) or cost95 (cost share to reach 95% of the strong model's quality; needs -prices)")
	data := dataFlag(fs)
	fs.Usage = func() {
		fmt.Fprintln(stdout, "usage: llmrouter train-verifier -strong M[,M2] -weak W[,W2] [-cv 5] [-o verifier.bin] data.jsonl…")
		fmt.Fprintln(stdout, "each record gives one example per pair with both models present: the weak model's answer;")
		fmt.Fprintln(stdout, "with -target weak-fails and no -cv or -l2-grid, also per pair with the weak model alone (a decisionlog.ExportVerifier file)")
		fmt.Fprintln(stdout, stdioUsage)
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	pairs, err := pairsFlag(*strong, *weak)
	if err != nil {
		return err
	}
	if err := checkNeeds(fs, flagNeed{flag: "inner", with: []string{"l2-grid"}}, flagNeed{flag: "tune", with: []string{"l2-grid"}},
		flagNeed{flag: "targets", with: []string{"l2-grid"}}, flagNeed{flag: "seed", with: []string{"cv", "l2-grid"}},
		flagNeed{flag: "prices", with: []string{"cv", "tune"}},
		flagNeed{flag: "share", without: "quality"}, flagNeed{flag: "l2", without: "l2-grid"}, flagNeed{flag: "target", without: "targets"}); err != nil {
		return err
	}
	if *out == "" && *cv == 0 {
		return usagef("nothing to do: give -o FILE, -cv K or both")
	}
	if err := checkOutput("o", *out, append(dataFiles(*data, fs.Args()), *prices)...); err != nil {
		return err
	}
	if err := checkVerifierFlags(*cv, *l2, *share, *quality); err != nil {
		return err
	}
	dst, stdout := stdout, reportTo(stdout, *out)
	opts := verify.TrainOptions{L2: *l2, Share: *share, Pairs: pairs, Target: verify.Target(*target), Note: *note}
	var pr map[string]price
	if *prices != "" {
		if pr, err = loadPrices(*prices); err != nil {
			return err
		}
	}
	var tuning *verifierTuning
	if *l2Grid != "" {
		if *inner < 2 {
			return fmt.Errorf("-inner %d: want at least 2 folds", *inner)
		}
		tuning = &verifierTuning{inner: *inner, name: *tune}
		if tuning.grid, err = parseL2Grid(*l2Grid); err != nil {
			return err
		}
		if tuning.crit, err = tuneCriterion(*tune, pairs, pr); err != nil {
			return err
		}
		if *targets != "" {
			if tuning.targets, err = parseTargets(*targets); err != nil {
				return err
			}
		}
	}
	ds, files, err := loadDatasetFiles(dataFiles(*data, fs.Args()))
	if err != nil {
		return err
	}
	needBoth := *cv != 0 || tuning != nil
	ex, counts, err := verifierExamples(ds, files, pairs, verify.Target(*target), needBoth)
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, counts)
	if *cv != 0 {
		sh, err := verifierCV(stdout, ex, pairs, *cv, *seed, opts, pr, *quality, tuning)
		if err != nil {
			return err
		}
		if *quality > 0 {
			*share = sh
			opts.Share = max(sh, 1e-9) // 0 would mean the default
		}
	} else if *quality > 0 {
		return usagef("-quality calibrates on out-of-fold scores: give -cv K too")
	}
	if *out == "" {
		return nil
	}
	if tuning != nil {
		best, ratings, err := verify.Tune(ex, tuning.inner, *seed, tuning.candidates(opts), tuning.crit)
		if err != nil {
			return err
		}
		opts = tuning.candidates(opts)[best]
		if ex, _, err = verifierExamples(ds, files, pairs, opts.Target, true); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "l2 %s chosen by %d-fold CV on all the data (%s %.4f)\n", tuning.describe(best), tuning.inner, tuning.name, ratings)
	}
	m, err := verify.Train(ex, opts)
	if err != nil {
		return err
	}
	if *share == 0 { // TrainOptions reads a zero Share as its default, 0.3
		m = m.WithShare(0)
	}
	if err := writeOutput(dst, *out, func(w io.Writer) error { _, err := m.WriteTo(w); return err }); err != nil {
		return fmt.Errorf("-o: %w", err)
	}
	got := escalatedShare(m, ex)
	fmt.Fprintf(stdout, "wrote %s (cutoff %.4f escalates %.1f%% of the training answers", outputName(*out), m.Cutoff(), 100*got)
	if len(ex) > 0 && math.Abs(got-*share) > 1/float64(len(ex))+1e-9 { // farther than one answer
		fmt.Fprintf(stdout, "; %.1f%% was asked for, which the scores' ties and gaps do not allow", 100**share)
	}
	fmt.Fprintln(stdout, ")")
	return nil
}

// escalatedShare is the share of the examples' answers m escalates: the
// cutoff comes from a quantile table of the training scores, so with tied
// or sparse scores it can be far from the share asked for.
func escalatedShare(m *verify.Model, ex []verify.Example) float64 {
	if len(ex) == 0 {
		return 0
	}
	n := 0
	for _, e := range ex {
		if m.Score(e.Prompt, e.Answer) > m.Cutoff() {
			n++
		}
	}
	return float64(n) / float64(len(ex))
}

// verifierCV prints, per pair, the pooled out-of-fold cascade the verifier
// drives (eval.Cascade: every request pays the weak model, escalated ones
// pay both) next to pre-routing by a prompt-only logistic model trained on
// the same folds (eval.PreRoute: each request pays one model) and the weak
// answer's length as a cascade score: APGR over the escalation (strong)
// share, quality at shares 10%…90%, and with prices the cost share there
// and the cost of reaching 95% of the strong model's quality. With quality
// > 0 it returns the least escalation share at which the cascade over all
// pairs pooled reaches that fraction of the strong models' mean quality.
func verifierCV(w io.Writer, ex []verify.Example, pairs []verify.Pair, k int, seed uint64, opts verify.TrainOptions, pr map[string]price, quality float64, tuning *verifierTuning) (float64, error) {
	full, err := outOfFold(w, ex, k, seed, opts, tuning)
	if err != nil {
		return 0, err
	}
	po := opts
	po.PromptOnly = true
	prompt, err := verify.CrossValidate(ex, k, seed, po)
	if err != nil {
		return 0, err
	}
	l2 := strconv.FormatFloat(opts.L2, 'g', -1, 64)
	if tuning != nil {
		l2 = "nested over " + strings.Trim(fmt.Sprint(tuning.grid), "[]")
		if len(tuning.targets) > 0 {
			l2 += fmt.Sprintf(" × targets %v", tuning.targets)
		}
	}
	fmt.Fprintf(w, "%d-fold CV grouped by prompt, pooled out-of-fold (seed %d, target %s, l2 %s)\n", k, seed, opts.Target, l2)
	var allS, allW, allV []float64
	for j, p := range pairs {
		var strong, weak, sv, pv, long, sc, wc []float64
		for i := range ex {
			e := &ex[i]
			if e.Pair != j {
				continue
			}
			strong, weak = append(strong, e.Strong), append(weak, e.Weak)
			sv, pv = append(sv, full[i]), append(pv, prompt[i])
			long = append(long, float64(e.WeakChars))
			in := float64(len([]rune(e.Prompt))) / 4
			ps, pw := pr[p.Strong], pr[p.Weak]
			sc = append(sc, (in*ps.In+float64(e.StrongChars)/4*ps.Out)/1e6)
			wc = append(wc, (in*pw.In+float64(e.WeakChars)/4*pw.Out)/1e6)
		}
		if len(strong) == 0 {
			fmt.Fprintf(w, "%s vs %s: no examples\n", p.Strong, p.Weak)
			continue
		}
		allS, allW, allV = append(allS, strong...), append(allW, weak...), append(allV, sv...)
		_, okS := pr[p.Strong]
		_, okW := pr[p.Weak]
		priced := okS && okW && mean(sc) > 0
		if !priced {
			sc, wc = []float64{1}, []float64{0} // quality and share only
		}
		fmt.Fprintf(w, "%s vs %s: %d prompts, strong %.4f, weak %.4f\n", p.Strong, p.Weak, len(strong), mean(strong), mean(weak))
		rows := []struct {
			name   string
			report func(strong, weak, score, cs, cw []float64) (eval.CascadeReport, error)
			score  []float64
		}{
			{"cascade: verifier (answer + prompt)", eval.Cascade, sv},
			{"cascade: weak answer length, long first", eval.Cascade, long},
			{"pre-route: prompt-only logistic", eval.PreRoute, pv},
		}
		reps := make([]eval.CascadeReport, len(rows))
		for ri, r := range rows {
			if reps[ri], err = r.report(strong, weak, r.score, sc, wc); err != nil {
				return 0, err
			}
			line := fmt.Sprintf("  %-40s APGR %.4f", r.name, reps[ri].APGR)
			if priced {
				if math.IsNaN(reps[ri].CostAt95) {
					line += "  never reaches 95% of strong quality"
				} else {
					line += fmt.Sprintf("  95%% of strong quality at %.1f%% of strong's cost (%.1f%% escalated/strong)", 100*reps[ri].CostAt95, 100*reps[ri].ShareAt95)
				}
			}
			fmt.Fprintln(w, line)
		}
		head := "  share  verifier quality  pre-route quality"
		if priced {
			head += "  verifier cost  pre-route cost  (cost: share of always-strong)"
		}
		fmt.Fprintln(w, head)
		for s := 1; s <= 9; s++ {
			share := float64(s) / 10
			qv, cv := atShare(reps[0], share)
			qp, cp := atShare(reps[2], share)
			line := fmt.Sprintf("  %4.0f%%  %16.4f  %17.4f", 100*share, qv, qp)
			if priced {
				line += fmt.Sprintf("  %12.1f%%  %13.1f%%", 100*cv, 100*cp)
			}
			fmt.Fprintln(w, line)
		}
	}
	if quality <= 0 || len(allS) == 0 {
		return 0, nil
	}
	all, err := eval.Cascade(allS, allW, allV, []float64{1}, []float64{0})
	if err != nil {
		return 0, err
	}
	_, share := all.CostFor(quality)
	if math.IsNaN(share) {
		return 0, fmt.Errorf("-quality %g: the out-of-fold cascade never reaches %g of the strong models' quality %.4f", quality, quality, all.StrongQuality)
	}
	fmt.Fprintf(w, "-quality %g: escalating %.1f%% of answers reaches it out of fold (all pairs pooled); the saved cutoff is set for that share of the training answers\n", quality, 100*share)
	return share, nil
}

// atShare reads r's curve at an escalation share by linear interpolation
// between its points: the quality and cost share there.
func atShare(r eval.CascadeReport, share float64) (quality, costShare float64) {
	pts := r.Points
	for i := 1; i < len(pts); i++ {
		a, b := pts[i-1], pts[i]
		if share <= b.Share {
			f := 0.0
			if b.Share > a.Share {
				f = (share - a.Share) / (b.Share - a.Share)
			}
			return a.Quality + f*(b.Quality-a.Quality), a.CostShare + f*(b.CostShare-a.CostShare)
		}
	}
	p := pts[len(pts)-1]
	return p.Quality, p.CostShare
}

func mean(xs []float64) float64 {
	s := 0.0
	for _, x := range xs {
		s += x
	}
	return s / float64(len(xs))
}

// verifierLine is one line of predict-verifier's output.
type verifierLine struct {
	ID       string  `json:"id"`
	Model    string  `json:"model"`
	Score    float64 `json:"score"`
	Escalate bool    `json:"escalate"`
}

func runPredictVerifier(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("predict-verifier", flag.ContinueOnError)
	fs.SetOutput(stdout)
	model := fs.String("model", "", "verifier file written by train-verifier (default: the built-in default verifier)")
	weak := fs.String("weak", "", "model whose answers to score, comma-separated: the first present in a record is scored (required)")
	out := fs.String("o", "", "write the scores to this file (default: stdout)")
	data := dataFlag(fs)
	fs.Usage = func() {
		fmt.Fprintln(stdout, "usage: llmrouter predict-verifier [-model verifier.bin] -weak M [-o scores.jsonl] data.jsonl…")
		fmt.Fprintln(stdout, "writes one JSON line per record: {\"id\":…,\"model\":…,\"score\":…,\"escalate\":…}")
		fmt.Fprintln(stdout, "records with none of the -weak models are left out, and counted on stderr")
		fmt.Fprintln(stdout, stdioUsage)
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *weak == "" {
		return usagef("-weak is required")
	}
	if err := checkOutput("o", *out, append(dataFiles(*data, fs.Args()), *model)...); err != nil {
		return err
	}
	m := verify.Default()
	if *model != "" {
		var err error
		if m, err = loadVerifier(*model); err != nil {
			return err
		}
	}
	ds, files, err := loadDatasetFiles(dataFiles(*data, fs.Args()))
	if err != nil {
		return err
	}
	write := func(w io.Writer) error {
		var err error
		bw := bufio.NewWriter(w)
		enc := json.NewEncoder(bw)
		enc.SetEscapeHTML(false)
		scored, left, firstLeft := 0, 0, -1
		for i, r := range ds.Records {
			found := false
			for _, name := range strings.Split(*weak, ",") {
				o, ok := r.Outcomes[name]
				if !ok {
					continue
				}
				found = true
				if o.Answer == "" { // unknown (dataset.Outcome), not an empty answer
					err = fmt.Errorf("%s: line %d (id %q): model %q has no answer text; score an outcomes file with answers", files.of(i), r.Line, r.ID, name)
					break
				}
				scored++
				s := m.Score(r.Prompt, o.Answer)
				if err = enc.Encode(verifierLine{ID: r.ID, Model: name, Score: s, Escalate: s > m.Cutoff()}); err != nil {
					break
				}
				break
			}
			if err != nil {
				break
			}
			if !found {
				if left == 0 {
					firstLeft = i
				}
				left++
			}
		}
		if err == nil && scored == 0 {
			err = fmt.Errorf("-weak %q: no record of %s has an outcome for it", *weak, strings.Join(dataFiles(*data, fs.Args()), ", "))
		}
		if err == nil && left > 0 { // stdout may be the scores: say it beside them
			r := ds.Records[firstLeft]
			fmt.Fprintf(warnOutput(), "predict-verifier: scored %d of %d records; %d left out: no outcome for -weak %q (first: %s: line %d, id %q)\n",
				scored, len(ds.Records), left, *weak, files.of(firstLeft), r.Line, r.ID)
		}
		if ferr := bw.Flush(); err == nil {
			err = ferr
		}
		return err
	}
	return writeOutput(stdout, orDefault(*out, "-"), write)
}

// exampleCounts tally what verifierExamples made of the records.
type exampleCounts struct {
	examples, weakOnly int // examples; of them with the weak model alone
	used, records      int // records that gave an example; all records
	noWeak             int // records skipped: no pair's weak model
	weakOnlySkipped    int // records skipped: the weak model alone, and it was not enough
	why                string
}

func (c exampleCounts) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d examples from %d of %d records", c.examples, c.used, c.records)
	if c.weakOnly > 0 {
		fmt.Fprintf(&b, " (%d of them with the weak model's outcome only)", c.weakOnly)
	}
	fmt.Fprintf(&b, "; %d records without the weak model skipped", c.noWeak)
	if c.weakOnlySkipped > 0 {
		fmt.Fprintf(&b, "; %d records with the weak model's outcome only skipped (%s)", c.weakOnlySkipped, c.why)
	}
	return b.String()
}

// verifierExamples is verify.Examples for train-verifier: it counts the
// records used and skipped, and why, and drops examples with the weak
// model's outcome alone (verify.Example.WeakOnly) when needBoth (-cv and
// -l2-grid rate the cascade, which needs the strong model's score too). When
// nothing is left but such records it says so, naming the first one's file
// and line and what would use it.
func verifierExamples(ds *dataset.Dataset, files dataFileSpans, pairs []verify.Pair, target verify.Target, needBoth bool) ([]verify.Example, exampleCounts, error) {
	if target == "" {
		target = verify.TargetGain
	}
	c := exampleCounts{records: len(ds.Records)}
	first := -1 // the first record with a weak model alone
	var firstPair verify.Pair
	for i := range ds.Records {
		r := &ds.Records[i]
		weak, both := false, false
		for _, p := range pairs {
			_, okS := r.Outcomes[p.Strong]
			_, okW := r.Outcomes[p.Weak]
			weak = weak || okW
			both = both || okW && okS
			if okW && !okS && first < 0 {
				first, firstPair = i, p
			}
		}
		switch {
		case !weak:
			c.noWeak++
		case !both && (target != verify.TargetWeakFails || needBoth):
			c.weakOnlySkipped++
		default:
			c.used++
		}
	}
	switch {
	case target != verify.TargetWeakFails:
		c.why = fmt.Sprintf("target %s needs the strong model's outcome", target)
	default:
		c.why = "-cv and -l2-grid rate the cascade, which needs the strong model's outcome"
	}
	if c.used == 0 && first >= 0 {
		r := &ds.Records[first]
		fix := "train with -target weak-fails (and no -cv or -l2-grid) to learn from the weak model's grades alone, or give records with both models"
		if target == verify.TargetWeakFails {
			fix = "drop -cv and -l2-grid to train on them, or give records with both models"
		}
		return nil, c, fmt.Errorf("%s: line %d (id %q): %s: the record has only the weak model %q's outcome, not the strong model %q's (as %d of %d records); %s",
			files.of(first), r.Line, r.ID, c.why, firstPair.Weak, firstPair.Strong, c.weakOnlySkipped, c.records, fix)
	}
	if err := checkAnswers(ds, files, pairs, target); err != nil {
		return nil, c, err
	}
	ex, _, err := verify.Examples(ds, pairs, target)
	if err != nil {
		return nil, c, err
	}
	if needBoth {
		kept := ex[:0]
		for _, e := range ex {
			if !e.WeakOnly {
				kept = append(kept, e)
			}
		}
		ex = kept
	}
	for _, e := range ex {
		if e.WeakOnly {
			c.weakOnly++
		}
	}
	c.examples = len(ex)
	return ex, c, nil
}

// checkAnswers fails, naming the file, line and id, on the first record
// that verify.Examples would refuse for want of answer texts (an example
// of a weak model with no answer, in a record with no answer at all);
// verify's own error, which knows no files, named the line alone.
func checkAnswers(ds *dataset.Dataset, files dataFileSpans, pairs []verify.Pair, target verify.Target) error {
	for i := range ds.Records {
		r := &ds.Records[i]
		for _, p := range pairs {
			w, okW := r.Outcomes[p.Weak]
			_, okS := r.Outcomes[p.Strong]
			if !okW || !okS && target != verify.TargetWeakFails || w.Answer != "" || anyAnswer(r) {
				continue
			}
			return fmt.Errorf("%s: line %d (id %q): model %q has no answer text; train on an outcomes file with answers", files.of(i), r.Line, r.ID, p.Weak)
		}
	}
	return nil
}

// anyAnswer reports whether some outcome of r carries an answer text.
func anyAnswer(r *dataset.Record) bool {
	for _, o := range r.Outcomes {
		if o.Answer != "" {
			return true
		}
	}
	return false
}

// loadVerifier is verify.Load, standard input for "-".
func loadVerifier(path string) (*verify.Model, error) {
	r, err := openInput(path, "a model file")
	if err != nil {
		return nil, err
	}
	defer r.Close()
	m, err := verify.Read(r)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", inputName(path), err)
	}
	return m, nil
}
