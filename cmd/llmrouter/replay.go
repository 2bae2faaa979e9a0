package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/llmrouter/llmrouter"
	"github.com/llmrouter/llmrouter/dataset"
	"github.com/llmrouter/llmrouter/replay"
	"github.com/llmrouter/llmrouter/routertest"
)

func init() {
	commands["replay"] = command{
		summary: "replay a candidate classifier and policy exactly on outcomes, or estimate it off-policy from a decision log",
		run:     runReplay,
	}
}

func runReplay(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("replay", flag.ContinueOnError)
	fs.SetOutput(stdout)
	outcomes := fs.String("outcomes", "", "outcomes files, comma-separated (every model's outcome known): replay the candidate exactly")
	logDir := fs.String("log", "", "decision log directory (decisionlog) with feedback: estimate the candidate off-policy (IPS, doubly robust)")
	cardsFrom := fs.String("cards", "", "outcomes files, comma-separated, the candidate's model cards are derived from (mean score, mean cost per request; default: -outcomes, in-sample)")
	model := fs.String("model", "", "candidate classifier, a model file written by train (default: the built-in classifier)")
	policy := fs.String("policy", "cheapest:0.7", "candidate policy: cheapest:TAU (CheapestAdequate) or threshold:STRONG,WEAK,CUTOFF")
	conf := fs.Float64("confidence", 0.95, "confidence level of the intervals")
	folds := fs.Int("folds", 2, "cross-fitting folds of the doubly robust reward model")
	fs.Usage = func() {
		fmt.Fprintln(stdout, "usage: llmrouter replay [-outcomes test.jsonl] [-log dir] [-cards train.jsonl] [-model model.bin] [-policy spec]")
		fmt.Fprintln(stdout, stdinUsage+" (-log is a directory)")
		fs.PrintDefaults()
	}
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := noArgs(fs); err != nil {
		return err
	}
	if !(*conf > 0 && *conf < 1) {
		return fmt.Errorf("-confidence %v: want a level in (0,1)", *conf)
	}
	if *folds < 1 {
		return fmt.Errorf("-folds %d: want at least 1", *folds)
	}
	if err := checkNeeds(fs, flagNeed{flag: "confidence", with: []string{"log"}}, flagNeed{flag: "folds", with: []string{"log"}}); err != nil {
		return err
	}
	cardsOnly := *cardsFrom // -cards the same as -outcomes is read once
	if cardsOnly == *outcomes {
		cardsOnly = ""
	}
	if err := oneStdin(*outcomes, *model, cardsOnly); err != nil {
		return err
	}
	if *logDir == "-" {
		return errors.New("-log -: a decision log is a directory; standard input cannot be one")
	}
	if *outcomes == "" && *logDir == "" {
		return usagef("give -outcomes, -log or both")
	}
	pol, err := parsePolicy(*policy) // before any input is read
	if err != nil {
		return err
	}
	cardsFlag := "-cards"
	if *cardsFrom == "" {
		if *outcomes == "" {
			return usagef("-log needs -cards (an outcomes file naming the models) to build the candidate router")
		}
		*cardsFrom, cardsFlag = *outcomes, "-outcomes"
	}
	// -outcomes is read once, for the cards too when they come from it
	// (standard input can be read once).
	var outDS *dataset.Dataset
	var outFiles dataFileSpans
	if *outcomes != "" {
		if outDS, outFiles, err = loadDatasetFiles([]string{*outcomes}); err != nil {
			return fmt.Errorf("-outcomes: %w", err)
		}
	}
	cardsDS := outDS
	if *cardsFrom != *outcomes {
		if cardsDS, err = loadDatasets([]string{*cardsFrom}); err != nil {
			return fmt.Errorf("%s: %w", cardsFlag, err)
		}
	}
	cards, err := replay.CardsFromOutcomes(cardsDS.Records)
	if err != nil {
		return fmt.Errorf("%s %s: %w", cardsFlag, inputName(*cardsFrom), err)
	}
	opts := []llmrouter.Option{llmrouter.WithPolicy(pol)}
	if *model != "" {
		c, err := loadModel(*model)
		if err != nil {
			return err
		}
		opts = append(opts, llmrouter.WithClassifier(c))
	}
	ps := make([]llmrouter.Provider, len(cards))
	for i, c := range cards {
		ps[i] = routertest.NewProvider(c) // Route only: never called
	}
	r, err := llmrouter.New(ps, opts...)
	if err != nil {
		return fmt.Errorf("candidate: %w", err)
	}
	choose := replay.RouterChooser(r)
	ctx := context.Background()
	in := ""
	if *cardsFrom == *outcomes {
		in = " (in-sample: cards from the replayed file)"
	}
	fmt.Fprintf(stdout, "candidate: policy %s, classifier %s, %d models from %s%s\n", *policy, orDefault(*model, "built-in"), len(cards), inputName(*cardsFrom), in)
	if *outcomes != "" {
		ds, files := outDS, outFiles
		res, err := replay.Exact(ctx, ds.Records, choose)
		var re *replay.RecordError
		if errors.As(err, &re) {
			return fmt.Errorf("%s: line %d (id %q): %w", files.of(re.Index), re.Line, re.ID, re.Err)
		} else if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "exact replay on %s: %d requests, quality %.4f, cost $%.6f/request (%d with a cost)\n", inputName(*outcomes), res.N, res.Quality, res.Cost, res.Costed)
	}
	if *logDir == "" {
		return nil
	}
	return estimateLog(ctx, stdout, *logDir, choose, replay.Options{Confidence: *conf, Folds: *folds})
}

func estimateLog(ctx context.Context, w io.Writer, dir string, choose replay.Chooser, opts replay.Options) error {
	logged, st, err := replay.ReadLog(dir)
	if err != nil {
		return err
	}
	for _, m := range st.Scan.Messages {
		fmt.Fprintln(w, "note:", m)
	}
	var usable []replay.Logged
	var target []string
	noPrompt := 0
	for _, l := range logged {
		if !l.PromptFull || l.Prompt == "" {
			noPrompt++
			continue
		}
		m, err := choose(ctx, l.Prompt)
		if err != nil {
			return fmt.Errorf("decision %s: %w", l.ID, err)
		}
		usable = append(usable, l)
		target = append(target, m)
	}
	fmt.Fprintf(w, "log %s: %d decisions, %d feedback entries, %d decisions with feedback", dir, st.Decisions, st.Feedback, st.Joined)
	if st.DuplicateDecisions > 0 {
		fmt.Fprintf(w, "; %d decision %s an earlier id (the first kept)", st.DuplicateDecisions, plural(st.DuplicateDecisions, "line repeats", "lines repeat"))
	}
	if st.UnmatchedFeedback > 0 {
		fmt.Fprintf(w, "; feedback for %d %s with no decision in the log left out", st.UnmatchedFeedback, plural(st.UnmatchedFeedback, "id", "ids"))
	}
	if noPrompt > 0 {
		fmt.Fprintf(w, "; %d left out: prompt text not logged in full, the candidate cannot route them", noPrompt)
	}
	fmt.Fprintln(w)
	if len(usable) == 0 {
		return errors.New("no decision with feedback and its prompt logged in full: nothing to estimate from")
	}
	res, err := replay.Estimate(usable, target, opts)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "logging policy, observed: quality %.4f, cost $%.6f/request\n", res.Logged.Quality.Mean, res.Logged.Cost.Mean)
	fmt.Fprintf(w, "candidate agrees with the logged choice on %d of %d; %d logged with propensity 1 (%d recorded none)\n", res.Agree, res.N, res.Deterministic, res.NoPropensity)
	if !res.Estimable {
		fmt.Fprintf(w, "off-policy estimate: not possible: %s\n", res.Reason)
		fmt.Fprintf(w, "reward model alone (direct method, biased, for orientation only): quality %.4f, cost $%.6f/request\n", res.DM.Quality.Mean, res.DM.Cost.Mean)
		return nil
	}
	level := opts.Confidence
	if level == 0 {
		level = 0.95
	}
	fmt.Fprintf(w, "candidate, estimated (%.0f%% normal intervals; largest importance weight %.1f):\n", level*100, 1/res.MinPropensity)
	for _, row := range []struct {
		name string
		v    replay.Values
	}{{"IPS", res.IPS}, {"doubly robust", res.DR}} {
		fmt.Fprintf(w, "  %-13s quality %v  cost $%.6f [%.6f, %.6f]\n", row.name, row.v.Quality, row.v.Cost.Mean, row.v.Cost.Low, row.v.Cost.High)
	}
	return nil
}

// parsePolicy reads "cheapest:TAU" or "threshold:STRONG,WEAK,CUTOFF".
func parsePolicy(spec string) (llmrouter.Policy, error) {
	kind, arg, _ := strings.Cut(spec, ":")
	switch kind {
	case "cheapest":
		tau, err := strconv.ParseFloat(arg, 64)
		if err != nil || !(tau > 0 && tau <= 1) {
			return nil, fmt.Errorf("-policy %q: cheapest:TAU needs TAU in (0,1]", spec)
		}
		return llmrouter.DefaultPolicy(llmrouter.CheapestAdequate{MinQuality: tau}), nil
	case "threshold":
		parts := strings.Split(arg, ",")
		if len(parts) != 3 {
			return nil, fmt.Errorf("-policy %q: threshold:STRONG,WEAK,CUTOFF", spec)
		}
		cut, err := strconv.ParseFloat(parts[2], 64)
		if err != nil {
			return nil, fmt.Errorf("-policy %q: cutoff: %w", spec, err)
		}
		if math.IsNaN(cut) || math.IsInf(cut, 0) {
			return nil, fmt.Errorf("-policy %q: cutoff %v: want a finite number", spec, cut)
		}
		return llmrouter.DefaultPolicy(llmrouter.Threshold{Strong: parts[0], Weak: parts[1], Cutoff: cut}), nil
	}
	return nil, fmt.Errorf("-policy %q: want cheapest:TAU or threshold:STRONG,WEAK,CUTOFF", spec)
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// plural returns one when n is 1, else many.
func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
