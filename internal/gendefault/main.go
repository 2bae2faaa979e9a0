// Command gendefault builds the built-in default classifier from the shared
// outcomes data: the trained difficulty model (default_model.bin), the
// quantiles that read its difficulty as a percentile and the request-shape
// weights of the blend (default_quantiles.go), and probe values that pin
// the two to what was fitted (default_probes_test.go). Run by go generate
// in the repository root (see default_model.go):
//
//	go run ./internal/gendefault -data ../shared/data
//
// With -cv it writes no files and reports instead the pooled out-of-fold
// APGR of the whole build on the Arena prompts and the benchmark files (see
// runCV), and the selection criterion (select.go), against the compiled-in
// default, the trained model alone, the heuristic's shape alone and prompt
// length; -variants compares several candidates on the same folds and
// -split chooses the folds (at random by prompt, or by whole tasks). The
// training data never includes MT-Bench; -holdout reports candidates on a
// held-out file (MT-Bench, the out-of-domain test), to be run once the
// candidates are final, as a report and never as a choice.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"go/format"
	"log"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/llmrouter/llmrouter/dataset"
	"github.com/llmrouter/llmrouter/internal/chatshape"
	"github.com/llmrouter/llmrouter/train"
)

// quantiles is how many intervals the table splits the distribution into.
const quantiles = 100

// probeTexts are prompts whose blended difficulty the generated test pins.
var probeTexts = []string{
	"",
	"What is the capital of Australia?",
	"Write a Python function that merges two sorted lists, with tests.",
	"Prove that there are infinitely many primes, and explain why the argument fails without adding 1.",
	"First summarise the text, then list three questions about it. Why does it matter? Who wrote it?\n1. a\n2. b\n3. c",
	"```go\nfunc f(x int) int { return x * 2 }\n```\nWhat does this do?",
}

func main() {
	dir := flag.String("data", "../shared/data", "the shared outcomes data directory")
	modelOut := flag.String("model", "default_model.bin", "the trained model file to write")
	out := flag.String("o", "default_quantiles.go", "the Go file of quantiles and shape weights to write")
	probes := flag.String("probes", "default_probes_test.go", "the Go test file of probe difficulties to write")
	cv := flag.Bool("cv", false, "report cross-validated APGR on the Arena prompts instead of writing files")
	holdout := flag.String("holdout", "", "build every -variants candidate on all the training data and report its APGR on this held-out outcomes file (MT-Bench: only ever to report, never to choose) instead of writing files")
	holdoutPair := flag.String("holdout-pair", reference+",mistralai/Mixtral-8x7B-Instruct-v0.1", "the strong and weak model of -holdout, comma-separated")
	var cfg config
	flag.IntVar(&cfg.bits, "bits", 16, "hash bits of the trained model")
	flag.IntVar(&cfg.dup, "dup", 1, "copies of each Arena prompt in the trained model's data (its weight against the 17,555 benchmark rows); 0 leaves them out")
	flag.Float64Var(&cfg.blend, "blend", -1, "fix the blend weight of the heuristic's shape weights (-shape prior) instead of choosing it by CV")
	flag.StringVar(&cfg.target, "target", "slope", `Arena difficulty target: "slope" (gap between the strongest and weakest model, fitted over all models) or "mean"`)
	flag.StringVar(&cfg.fit, "fit", "all", `rows the shape weights are fitted on: "all" (every source weighing the same), "fe" (the same, the Arena rows moved to the benchmarks' means: see fixedEffect) or "chat" (the Arena prompts)`)
	flag.StringVar(&cfg.benchWeak, "bench-weak", "", `a benchmark row's target is `+reference+`'s score minus the mean of the others'; with a model name, minus that model's alone where the row has it (RouterBench: "mistralai/mixtral-8x7b-chat", so that every benchmark's gap is GPT-4's over Mixtral)`)
	flag.StringVar(&cfg.sel, "select", "source", `how -shape prior chooses its blend weight: "source" (mean per-source APGR) or "mixed" (the criterion of select.go: routing across tasks and the Arena pairs)`)
	variants := flag.String("variants", "", `with -cv, compare these candidates on the same folds instead of the flags' one: comma-separated prior:source, prior:mixed, ridge:all, ridge:fe, ridge:chat, dense:all, dense:fe (ridge without the trained logit), blend:<weight>`)
	flag.StringVar(&cfg.shape, "shape", "prior", `shape weights: "prior" (the heuristic's hand-set weights × a blend weight chosen by CV) or "ridge" (fitted)`)
	flag.StringVar(&cfg.split, "split", "prompt", `how folds are dealt, in -cv and in the blend fit: "prompt" (-folds folds at random, grouped by prompt), "task" (leave one task out) or "subject" (-folds folds of whole tasks, MMLU's subjects each one)`)
	flag.IntVar(&cfg.folds, "folds", 5, "folds of the blend fit and of -cv")
	flag.Uint64Var(&cfg.seed, "seed", 1, "fold seed")
	flag.IntVar(&cfg.workers, "workers", 2, "trainings run at once")
	lambda := flag.Float64("lambda", 0, "fix the trained model's ridge penalty (0: tuned by inner CV in every training; fixing it makes -cv about 30× faster, for exploring)")
	idf := flag.String("idf", "auto", "the trained model's idf: auto (tuned), on or off")
	flag.Parse()
	if *lambda > 0 {
		cfg.lambdas = []float64{*lambda}
	}
	switch *idf {
	case "on":
		cfg.idf = train.IDFOn
	case "off":
		cfg.idf = train.IDFOff
	case "auto":
	default:
		log.Fatalf("gendefault: -idf %q: want auto, on or off", *idf)
	}
	if cfg.fit != "all" && cfg.fit != "fe" && cfg.fit != "chat" {
		log.Fatalf("gendefault: -fit %q: want all, fe or chat", cfg.fit)
	}
	if cfg.sel != "source" && cfg.sel != "mixed" {
		log.Fatalf("gendefault: -select %q: want source or mixed", cfg.sel)
	}
	if cfg.split != "prompt" && cfg.split != "task" && cfg.split != "subject" {
		log.Fatalf("gendefault: -split %q: want prompt, task or subject", cfg.split)
	}
	vs, err := parseVariants(*variants, cfg)
	if err != nil {
		log.Fatalf("gendefault: %v", err)
	}
	if cfg.target != "slope" && cfg.target != "mean" {
		log.Fatalf("gendefault: -target %q: want slope or mean", cfg.target)
	}
	cfg.note = "llmrouter default model: go generate -run default_ (see default_model.go)"
	start := time.Now()
	c, err := load(*dir, cfg)
	if err != nil {
		log.Fatalf("gendefault: %v", err)
	}
	if *holdout != "" {
		strong, weak, ok := strings.Cut(*holdoutPair, ",")
		if !ok {
			log.Fatalf("gendefault: -holdout-pair %q: want strong,weak", *holdoutPair)
		}
		if err := runHoldout(os.Stdout, c, cfg, vs, *holdout, strong, weak); err != nil {
			log.Fatalf("gendefault: %v", err)
		}
		return
	}
	if *cv {
		if err := runCV(os.Stdout, c, cfg, vs); err != nil {
			log.Fatalf("gendefault: %v", err)
		}
		fmt.Printf("\n(%s)\n", time.Since(start).Round(time.Second))
		return
	}
	m, err := c.build(seq(len(c.items)), cfg)
	if err != nil {
		log.Fatalf("gendefault: %v", err)
	}
	if err := m.lin.Save(*modelOut); err != nil {
		log.Fatalf("gendefault: %v", err)
	}
	nb, nc := c.counts()
	rows := nb + cfg.dup*nc
	if cfg.dup == 0 {
		nc = 0
	}
	if err := writeGo(*out, quantilesSource(m, rows, cfg)); err != nil {
		log.Fatalf("gendefault: %v", err)
	}
	if err := writeGo(*probes, probesSource(m)); err != nil {
		log.Fatalf("gendefault: %v", err)
	}
	fmt.Printf("gendefault: %d benchmark + %d Arena prompts (×%d), α %.3f, λ %g, shape weights %s → %s, %s, %s (%s)\n",
		nb, nc, cfg.dup, m.alpha, m.lambda, fmtWeights(m.w[:]), *modelOut, *out, *probes, time.Since(start).Round(time.Second))
}

// load reads the training data: benchmark rows and merged Arena prompts.
func load(dir string, cfg config) (*corpus, error) {
	c := &corpus{}
	group := map[string]int{}
	tasks, subjects := map[string]int{}, map[string]int{}
	add := func(it item, task, subject string) {
		s, ok := subjects[subject]
		if !ok {
			s = len(subjects)
			subjects[subject] = s
		}
		it.subject = s
		t, ok := tasks[task]
		if !ok {
			t = len(c.tasks)
			tasks[task] = t
			c.tasks = append(c.tasks, task)
		}
		it.task = t
		g, ok := group[it.prompt]
		if !ok {
			g = len(group)
			group[it.prompt] = g
		}
		it.group = g
		it.shape = shapeOf(it.prompt)
		c.items = append(c.items, it)
	}
	for s, name := range benchFiles {
		path := filepath.Join(dir, name)
		ds, err := dataset.Load(path)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		c.sources = append(c.sources, strings.TrimSuffix(name, ".jsonl"))
		for k := range ds.Records {
			r := &ds.Records[k]
			if contaminated[r.ID] {
				continue
			}
			if cfg.benchWeak != "" {
				if o, ok := r.Outcomes[cfg.benchWeak]; ok {
					cp := *r
					cp.Outcomes = map[string]dataset.Outcome{cfg.benchWeak: o}
					if ref, ok := r.Outcomes[reference]; ok {
						cp.Outcomes[reference] = ref
					}
					r = &cp
				}
			}
			gap, ok := benchGap(r)
			if !ok {
				return nil, fmt.Errorf("%s: record %s: no %s outcome and another", path, r.ID, reference)
			}
			task, _, _ := strings.Cut(r.Task, "/")
			add(item{prompt: r.Prompt, source: s, gap: gap, bench: r}, task, r.Task)
		}
	}
	chat, err := loadChat(dir, cfg.target)
	if err != nil {
		return nil, err
	}
	c.sources = append(c.sources, "arena")
	for k := range chat {
		add(item{prompt: chat[k].prompt, source: len(c.sources) - 1, gap: chat[k].gap, chat: &chat[k]}, "arena", "arena")
	}
	return c, nil
}

// parseVariants reads -variants; empty, it is the flags' own build.
func parseVariants(s string, cfg config) ([]variant, error) {
	if s == "" {
		return []variant{{"new default", cfg}}, nil
	}
	var vs []variant
	for _, spec := range strings.Split(s, ",") {
		v := variant{name: spec, cfg: cfg}
		v.cfg.blend = -1
		kind, arg, _ := strings.Cut(spec, ":")
		switch {
		case kind == "prior" && (arg == "source" || arg == "mixed"):
			v.cfg.shape, v.cfg.sel = "prior", arg
		case kind == "ridge" && (arg == "all" || arg == "fe" || arg == "chat"):
			v.cfg.shape, v.cfg.fit = "ridge", arg
		case kind == "dense" && (arg == "all" || arg == "fe"):
			v.cfg.shape, v.cfg.fit, v.cfg.dense = "ridge", arg, true
		case kind == "blend":
			b, err := strconv.ParseFloat(arg, 64)
			if err != nil || b < 0 {
				return nil, fmt.Errorf("-variants %q: want a blend weight ≥ 0", spec)
			}
			v.cfg.shape, v.cfg.blend = "prior", b
		default:
			return nil, fmt.Errorf("-variants %q: want prior:source, prior:mixed, ridge:all, ridge:fe, ridge:chat, dense:all, dense:fe or blend:<weight>", spec)
		}
		vs = append(vs, v)
	}
	return vs, nil
}

// counts returns the benchmark rows and the Arena prompts.
func (c *corpus) counts() (bench, chat int) {
	for _, it := range c.items {
		if it.chat != nil {
			chat++
		} else {
			bench++
		}
	}
	return bench, chat
}

func quantilesSource(m *model, rows int, cfg config) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "// Code generated by go run ./internal/gendefault; DO NOT EDIT.\n\npackage llmrouter\n\n")
	fmt.Fprintf(&b, "// defaultDifficultyQuantiles are the 0th, 1st, … 100th percentiles of the\n")
	fmt.Fprintf(&b, "// built-in model's difficulty over its training prompts (%d rows, Arena prompts ×%d).\n", rows, cfg.dup)
	fmt.Fprintf(&b, "var defaultDifficultyQuantiles = [%d]float64{", quantiles+1)
	for k, v := range m.q {
		if k%6 == 0 {
			b.WriteString("\n")
		}
		fmt.Fprintf(&b, "%.6f, ", v)
	}
	b.WriteString("\n}\n\n")
	fmt.Fprintf(&b, "// defaultTrainedWeight weighs the trained difficulty's percentile logit in\n")
	fmt.Fprintf(&b, "// the blend (1 with the heuristic's shape; fitted with -shape ridge).\n")
	fmt.Fprintf(&b, "const defaultTrainedWeight = %.6f\n\n", m.a)
	fmt.Fprintf(&b, "// defaultShapeWeights weigh the request-shape signals (internal/chatshape)\n")
	fmt.Fprintf(&b, "// against the trained logit: bias, then one weight per signal.\n")
	if cfg.shape == "prior" {
		fmt.Fprintf(&b, "// The HeuristicClassifier's weights × blend weight %g, fixed or chosen by CV\n", m.alpha)
		fmt.Fprintf(&b, "// on the training data's out-of-fold trained logits (folds split by %s, select %q).\n", cfg.split, cfg.sel)
	} else {
		fmt.Fprintf(&b, "// Fitted by ridge (λ %g) with the trained logit's weight on the out-of-fold\n", m.lambda)
		fmt.Fprintf(&b, "// trained logits (folds split by %s, fit %q), scaled to the trained logit's spread.\n", cfg.split, cfg.fit)
	}
	fmt.Fprintf(&b, "var defaultShapeWeights = [%d]float64{\n", chatshape.N+1)
	fmt.Fprintf(&b, "%.6f, // bias\n", m.w[0])
	for k, name := range chatshape.Names {
		fmt.Fprintf(&b, "%.6f, // %s\n", m.w[k+1], name)
	}
	b.WriteString("}\n")
	return b.Bytes()
}

func probesSource(m *model) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "// Code generated by go run ./internal/gendefault; DO NOT EDIT.\n\npackage llmrouter\n\n")
	fmt.Fprintf(&b, "// defaultProbes are the generator's blended logits of a few prompts:\n")
	fmt.Fprintf(&b, "// the default classifier must agree (TestDefaultClassifierProbes).\n")
	fmt.Fprintf(&b, "var defaultProbes = []struct {\n\ttext  string\n\tlogit float64\n}{\n")
	for _, t := range probeTexts {
		x := shapeOf(t)
		fmt.Fprintf(&b, "{%q, %.9g},\n", t, m.logit(t, &x))
	}
	b.WriteString("}\n")
	return b.Bytes()
}

func writeGo(path string, src []byte) error {
	src, err := format.Source(src)
	if err != nil {
		return err
	}
	return os.WriteFile(path, src, 0o644)
}
