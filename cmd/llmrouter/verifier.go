package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/llmrouter/llmrouter/eval"
	"github.com/llmrouter/llmrouter/internal/cascade"
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
		return nil, errors.New("-strong and -weak are required")
	}
	if len(s) != len(w) {
		return nil, fmt.Errorf("-strong names %d models and -weak %d: give one strong model per weak model", len(s), len(w))
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
	prices := fs.String("prices", "", "prices.json (USD per million tokens): with -cv, print the cascade's cost to reach 95% of the strong model's quality")
	note := fs.String("note", "", "free text stored in the model")
	data := dataFlag(fs)
	fs.Usage = func() {
		fmt.Fprintln(stdout, "usage: llmrouter train-verifier -strong M[,M2] -weak W[,W2] [-cv 5] [-o verifier.bin] data.jsonl…")
		fmt.Fprintln(stdout, "each record gives one example per pair with both models present: the weak model's answer")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	pairs, err := pairsFlag(*strong, *weak)
	if err != nil {
		return err
	}
	if *out == "" && *cv == 0 {
		return errors.New("nothing to do: give -o FILE, -cv K or both")
	}
	ds, err := loadDatasets(dataFiles(*data, fs.Args()))
	if err != nil {
		return err
	}
	ex, skipped, err := verify.Examples(ds, pairs, verify.Target(*target))
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%d examples (%d records without a pair skipped)\n", len(ex), skipped)
	opts := verify.TrainOptions{L2: *l2, Share: *share, Pairs: pairs, Target: verify.Target(*target), Note: *note}
	if *cv != 0 {
		var pr map[string]price
		if *prices != "" {
			if pr, err = loadPrices(*prices); err != nil {
				return err
			}
		}
		if err := verifierCV(stdout, ex, pairs, *cv, *seed, opts, pr); err != nil {
			return err
		}
	}
	if *out == "" {
		return nil
	}
	m, err := verify.Train(ex, opts)
	if err != nil {
		return err
	}
	if err := m.Save(*out); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %s (cutoff %.4f escalates %.0f%% of the training answers)\n", *out, m.Cutoff(), 100**share)
	return nil
}

type price struct {
	In  float64 `json:"input_per_mtok"`
	Out float64 `json:"output_per_mtok"`
}

func loadPrices(path string) (map[string]price, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var f struct {
		Models map[string]price `json:"models"`
	}
	if err := json.Unmarshal(b, &f); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return f.Models, nil
}

// verifierCV prints, per pair, the pooled out-of-fold APGR of the verifier
// (escalation score as the router score) next to the baselines on the same
// folds: a prompt-only logistic model and the weak answer's length.
//
// TODO(cascade): when eval/cascade.go (branch tune) is merged, replace the
// cascade.Curve cost sum below with its cascade curve and cost-to-95%.
func verifierCV(w io.Writer, ex []verify.Example, pairs []verify.Pair, k int, seed uint64, opts verify.TrainOptions, pr map[string]price) error {
	full, err := verify.CrossValidate(ex, k, seed, opts)
	if err != nil {
		return err
	}
	po := opts
	po.PromptOnly = true
	prompt, err := verify.CrossValidate(ex, k, seed, po)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "%d-fold CV grouped by prompt, pooled out-of-fold (seed %d, target %s, l2 %g)\n", k, seed, opts.Target, opts.L2)
	for j, p := range pairs {
		var strong, weak, sv, pv, short, long, sc, wc []float64
		for i := range ex {
			e := &ex[i]
			if e.Pair != j {
				continue
			}
			strong, weak = append(strong, e.Strong), append(weak, e.Weak)
			sv, pv = append(sv, full[i]), append(pv, prompt[i])
			short, long = append(short, -float64(e.WeakChars)), append(long, float64(e.WeakChars))
			if pr != nil {
				in := float64(len([]rune(e.Prompt))) / 4
				ps, pw := pr[p.Strong], pr[p.Weak]
				sc = append(sc, (in*ps.In+float64(e.StrongChars)/4*ps.Out)/1e6)
				wc = append(wc, (in*pw.In+float64(e.WeakChars)/4*pw.Out)/1e6)
			}
		}
		if len(strong) == 0 {
			fmt.Fprintf(w, "%s vs %s: no examples\n", p.Strong, p.Weak)
			continue
		}
		fmt.Fprintf(w, "%s vs %s: %d prompts, strong %.4f, weak %.4f\n", p.Strong, p.Weak, len(strong), mean(strong), mean(weak))
		for _, r := range []struct {
			name  string
			score []float64
		}{{"verifier (answer + prompt)", sv}, {"prompt-only logistic", pv}, {"weak answer length, short first", short}, {"weak answer length, long first", long}} {
			apgr, err := eval.APGR(strong, weak, r.score)
			if err != nil {
				return err
			}
			line := fmt.Sprintf("  %-34s APGR %.4f", r.name, apgr)
			if _, ok1 := pr[p.Strong]; ok1 && sc != nil {
				if _, ok2 := pr[p.Weak]; ok2 {
					pts, err := cascade.Curve(strong, weak, sc, wc, r.score)
					if err != nil {
						return err
					}
					if c, ok := cascade.CheapestReaching(pts, 0.95*mean(strong)); ok {
						line += fmt.Sprintf("  95%% of strong quality at %.1f%% of strong's cost (%.1f%% escalated)", 100*c.Cost, 100*c.Share)
					} else {
						line += "  never reaches 95% of strong quality"
					}
				}
			}
			fmt.Fprintln(w, line)
		}
	}
	return nil
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
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *weak == "" {
		return errors.New("-weak is required")
	}
	m := verify.Default()
	if *model != "" {
		var err error
		if m, err = verify.Load(*model); err != nil {
			return err
		}
	}
	ds, err := loadDatasets(dataFiles(*data, fs.Args()))
	if err != nil {
		return err
	}
	w := stdout
	var f *os.File
	if *out != "" {
		if f, err = os.Create(*out); err != nil {
			return err
		}
		w = f
	}
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	for _, r := range ds.Records {
		for _, name := range strings.Split(*weak, ",") {
			o, ok := r.Outcomes[name]
			if !ok {
				continue
			}
			s := m.Score(r.Prompt, o.Answer)
			if err = enc.Encode(verifierLine{ID: r.ID, Model: name, Score: s, Escalate: s > m.Cutoff()}); err != nil {
				break
			}
			break
		}
	}
	if ferr := bw.Flush(); err == nil {
		err = ferr
	}
	if f != nil {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}
	return err
}
