package train

import (
	"errors"
	"fmt"
	"iter"
	"math"
	"sort"

	"github.com/llmrouter/llmrouter"
	"github.com/llmrouter/llmrouter/dataset"
	"github.com/llmrouter/llmrouter/internal/linear"
	"github.com/llmrouter/llmrouter/internal/rowgroup"
)

// DefaultHashBits is Options.HashBits' default: 2^18 n-gram buckets.
const DefaultHashBits = linear.DefaultHashBits

// MaxModels is the most models Linear trains at once (the data's, or
// Options.Models). Each takes 2^HashBits float64s of weights while
// training (2 MiB at the default bits), so the bound keeps a crafted
// dataset naming thousands of models from taking gigabytes.
const MaxModels = 256

// MaxWeights bounds the weight table training allocates: its outputs (the
// models, plus the difficulty head) × 2^HashBits float64s, 512 MiB at most.
// MaxModels models fit at DefaultHashBits; at 24 bits, four outputs.
const MaxWeights = MaxModels << DefaultHashBits

// MaxCells bounds the models × rows that training stores densely (each
// model's score, regression target and weight at every row, and tuning's
// predictions, about 40 bytes a cell: 168 MiB at the bound) when the data
// fills them sparsely: past it, LinearSeq fails naming the record once the
// cells outnumber the outcomes read by more than maxCellsPerOutcome (16).
// A file naming many models, each scoring few rows, would otherwise take
// memory far faster than its size, while data where each row scores a
// share of the models (an exported decision log scores one of ten) grows
// linearly and is never refused.
const MaxCells = 1 << 22

// maxCellsPerOutcome is how many dense cells an outcome read may pay for
// past MaxCells: about 640 bytes of tables for an outcome of about 20
// bytes of JSON, a bound on memory linear in the input.
const maxCellsPerOutcome = 16

// denseTooBig reports whether cells dense score cells, holding outcomes
// outcomes, are past MaxCells and too sparse to be paid for by the input.
func denseTooBig(cells, outcomes int) bool {
	return cells > MaxCells && cells > maxCellsPerOutcome*outcomes
}

const (
	cgMaxIter = 200
	cgTol     = 1e-6 // on the squared relative residual
	// tuneTol is cgTol while tuning: on the 14k MMLU rows it moves no
	// setting's tuning score by more than 0.002 (setting-to-setting gaps
	// are larger) and saves a third of the solver's iterations.
	tuneTol = 1e-4
)

// problem is the regression targets and weights of every output.
type problem struct {
	models []string
	y      [][]float64 // [output][row]
	w      [][]float64 // [output][row]; 0 = row does not train the output
	score  [][]float64 // [model][row] raw scores, NaN when absent
	ref    int         // reference model index, -1 if none
	only   bool        // it is the only output
}

// readRows consumes records once: each prompt is hashed into the training
// matrix and dropped, each outcome kept as a score. It stops at the first
// error of records.
func readRows(records iter.Seq2[dataset.Record, error], opts *Options) (*trainMatrix, *problem, error) {
	m := newTrainMatrix(opts.HashBits)
	given := len(opts.Models) > 0
	pr := &problem{ref: -1}
	index := map[string]int{}
	for _, name := range opts.Models { // checked by Options.Check
		index[name] = len(pr.models)
		pr.models = append(pr.models, name)
		pr.score = append(pr.score, nil)
	}
	outcomes := 0 // outcomes stored so far
	for rec, err := range records {
		if err != nil {
			return nil, nil, err
		}
		row := m.n
		if denseTooBig(len(pr.models)*(row+1), outcomes+len(rec.Outcomes)) {
			return nil, nil, denseErr(rec.ID, row+1, len(pr.models), outcomes+len(rec.Outcomes))
		}
		m.add(rec.Prompt, opts.MaxWords)
		for j := range pr.score {
			pr.score[j] = append(pr.score[j], math.NaN())
		}
		for name, o := range rec.Outcomes {
			j, ok := index[name]
			if !ok {
				if given {
					continue
				}
				if name == "" {
					return nil, nil, fmt.Errorf("llmrouter: train: empty or repeated model %q", name)
				}
				if len(pr.models) == MaxModels {
					return nil, nil, fmt.Errorf("llmrouter: train: record %q (row %d): more than %d models in the data (MaxModels); pick the models to train with Options.Models (the CLI's -models)", rec.ID, row+1, MaxModels)
				}
				if err := weightsFit(len(pr.models)+1, opts); err != nil {
					return nil, nil, fmt.Errorf("llmrouter: train: record %q (row %d): %w", rec.ID, row+1, err)
				}
				if denseTooBig((len(pr.models)+1)*(row+1), outcomes+len(rec.Outcomes)) {
					return nil, nil, denseErr(rec.ID, row+1, len(pr.models)+1, outcomes+len(rec.Outcomes))
				}
				j = len(pr.models)
				index[name] = j
				pr.models = append(pr.models, name)
				col := make([]float64, row+1)
				for i := range col {
					col[i] = math.NaN()
				}
				pr.score = append(pr.score, col)
			}
			if !(o.Score >= 0 && o.Score <= 1) {
				return nil, nil, fmt.Errorf("llmrouter: train: record %q: model %q: score %v outside [0,1]", rec.ID, name, o.Score)
			}
			pr.score[j][row] = o.Score
			outcomes++
		}
	}
	m.done()
	if m.n == 0 {
		return nil, nil, errors.New("llmrouter: train: empty dataset")
	}
	if len(pr.models) == 0 {
		return nil, nil, errors.New("llmrouter: train: the dataset has no outcomes")
	}
	if !given { // every model of the data, sorted
		order := make([]int, len(pr.models))
		for j := range order {
			order[j] = j
		}
		sort.Slice(order, func(a, b int) bool { return pr.models[order[a]] < pr.models[order[b]] })
		models, score := make([]string, len(order)), make([][]float64, len(order))
		for k, j := range order {
			models[k], score[k] = pr.models[j], pr.score[j]
		}
		pr.models, pr.score = models, score
	}
	best := math.Inf(-1)
	for j, name := range pr.models {
		var sum float64
		var cnt int
		for _, s := range pr.score[j] {
			if s == s {
				sum += s
				cnt++
			}
		}
		if cnt == 0 {
			return nil, nil, fmt.Errorf("llmrouter: train: no record has an outcome for model %q", name)
		}
		if mean := sum / float64(cnt); opts.Reference == "" && mean > best {
			best, pr.ref = mean, j
		}
		if opts.Reference == name {
			pr.ref = j
		}
	}
	return m, pr, pr.targets(m.n, opts)
}

// weightsFit reports whether models models' weight table (with the
// difficulty head's) fits MaxWeights at opts.HashBits.
func weightsFit(models int, opts *Options) error {
	outs := models
	if opts.DifficultyOnly {
		outs = 1
	} else if opts.Difficulty {
		outs++
	}
	if outs<<opts.HashBits > MaxWeights {
		return fmt.Errorf("%d outputs × 2^%d weights exceed MaxWeights %d (%d MiB); use fewer models or HashBits", outs, opts.HashBits, MaxWeights, MaxWeights>>17)
	}
	return nil
}

// targets fills the outputs' regression targets and weights from the scores.
func (pr *problem) targets(n int, opts *Options) error {
	models := pr.models
	if opts.Reference != "" && pr.ref < 0 {
		return fmt.Errorf("llmrouter: train: reference model %q is not among the models %v", opts.Reference, models)
	}
	if opts.Difficulty && len(models) < 2 {
		return errors.New("llmrouter: train: a difficulty head needs at least two models")
	}
	for j := range models {
		y := make([]float64, n)
		w := make([]float64, n)
		var pos, neg float64
		for i, s := range pr.score[j] {
			if s != s {
				continue
			}
			y[i], w[i] = s, 1
			if s >= 0.5 {
				pos++
			} else {
				neg++
			}
		}
		if opts.ClassWeight && pos > 0 && neg > 0 {
			for i, s := range pr.score[j] {
				switch {
				case s != s:
				case s >= 0.5:
					w[i] = (pos + neg) / (2 * pos)
				default:
					w[i] = (pos + neg) / (2 * neg)
				}
			}
		}
		pr.y = append(pr.y, y)
		pr.w = append(pr.w, w)
	}
	if opts.Difficulty {
		y := make([]float64, n)
		w := make([]float64, n)
		rs := pr.score[pr.ref]
		for i := range y {
			if rs[i] != rs[i] {
				continue
			}
			var sum, cnt float64
			for j := range models {
				if j != pr.ref && pr.score[j][i] == pr.score[j][i] {
					sum += pr.score[j][i]
					cnt++
				}
			}
			if cnt > 0 {
				y[i], w[i] = rs[i]-sum/cnt, 1
			}
		}
		pr.y = append(pr.y, y)
		pr.w = append(pr.w, w)
		if opts.DifficultyOnly {
			pr.y, pr.w, pr.only = pr.y[len(models):], pr.w[len(models):], true
		}
	}
	return nil
}

// Linear trains a LinearClassifier on the records of ds: one ridge
// regression per model of its score on the prompt's features (see
// LinearClassifier). With more than one candidate setting (by default six
// penalties × idf on/off, see Options), it first chooses the setting with the best
// APGR — routing between each model and the reference model, all pairs and
// folds pooled — on opts.TuneFolds folds of ds, prompts grouped, then fits
// on all of ds.
//
// Measured with `llmrouter eval` (5-fold cross-validation, identical
// prompts in one fold, this tuning nested inside each training fold) on
// the shared RouteLLM data: MMLU APGR 0.661, CPT(50%) 28.3% (prompt length
// alone: 0.584); GSM8K APGR 0.642 / 0.644 / 0.657 over fold seeds 1–3 and
// CPT(50%) 29.5–32.2% over seeds 1–4. Trained on RouterBench's training
// split, it reaches 95% of GPT-4's test quality at 23% of its cost (27% at
// a single operating point). Training on the 14,037 MMLU rows, tuning
// included, takes 2.6–3.0 s of user CPU and 84–91 MB peak RSS with
// `llmrouter train` at load average 1.4; 100k rows take 163–170 MB
// (BENCHMARKS.md, "Training time and memory").
//
// Linear is deterministic given opts.Seed and safe to call
// concurrently.
func Linear(ds *dataset.Dataset, opts Options) (*llmrouter.LinearClassifier, error) {
	var recs []dataset.Record
	if ds != nil {
		recs = ds.Records
	}
	return LinearSeq(func(yield func(dataset.Record, error) bool) {
		for i := range recs {
			if !yield(recs[i], nil) {
				return
			}
		}
	}, opts)
}

// LinearSeq is Linear on records read once, in order, as they
// come: it keeps each prompt's distinct n-gram buckets (four bytes each),
// dense signals and scores, never the text, so an outcomes file larger
// than memory trains in memory linear in its rows (see dataset.ReadSeq),
// up to MaxCells models × rows.
// It stops at the first error records yields and returns it. The model is
// that of Linear on the same records, byte for byte; like it,
// LinearSeq is deterministic given opts.Seed and safe to call
// concurrently (with distinct record streams).
func LinearSeq(records iter.Seq2[dataset.Record, error], opts Options) (*llmrouter.LinearClassifier, error) {
	if err := opts.Check(); err != nil {
		return nil, err
	}
	opts.defaults()
	lambdas, dws, idfs := opts.candidates()
	ts, pr, err := readRows(records, &opts)
	if err != nil {
		return nil, err
	}
	if researchHook != nil {
		researchHook(ts, pr)
	}
	// Tuning's buffers; the final fit reuses their float64 vectors.
	pbufs := make(chan *pathBuf, opts.Workers)
	for range min(opts.Workers, len(pr.y)) {
		pbufs <- new(pathBuf)
	}
	all := make([]int, ts.n)
	for i := range all {
		all[i] = i
	}

	best := struct {
		idf    bool
		dw     float64
		lambda float64
		score  float64
	}{idfs[0], dws[0], lambdas[0], math.NaN()}
	tuned := len(idfs)*len(dws)*len(lambdas) > 1
	var d *design
	steps, done := 1, 0
	if tuned {
		steps += opts.TuneFolds * len(idfs) * len(dws) * len(lambdas)
	}
	step := func() {
		done++
		if opts.Progress != nil {
			opts.Progress(done, steps)
		}
	}
	if tuned {
		if len(pr.models) < 2 {
			return nil, errors.New("llmrouter: train: tuning needs at least two models; give a single lambda, dense weight and IDF mode")
		}
		if err := pr.checkTunable(); err != nil {
			return nil, err
		}
		folds := groupFolds(ts.key, opts.TuneFolds, opts.Seed)
		if folds == nil {
			return nil, fmt.Errorf("llmrouter: train: %d distinct prompts are too few for %d tuning folds", len(rowgroup.ByKey(ts.key)), opts.TuneFolds)
		}
		// Each setting's gain area and total gain, summed over folds and
		// model pairs: their ratio is the pooled APGR (see tuneScore).
		scores := make(map[[3]float64][2]float64)
		var sb scoreBuf
		var pred [][][]float64
		for _, test := range folds {
			train := complementRows(ts.n, test)
			for _, useIDF := range idfs {
				for _, dw := range dws {
					d = newDesign(ts, train, useIDF, dw, d)
					d.bias = 0
					pred = tunePreds(d, pr, train, test, lambdas, pbufs, pred)
					for k, l := range lambdas {
						key := [3]float64{b2f(useIDF), dw, l}
						area, total := pr.tuneScore(pred[k], test, &sb)
						sc := scores[key]
						scores[key] = [2]float64{sc[0] + area, sc[1] + total}
						step()
					}
				}
			}
		}
		// The largest gain area wins (the total gain is the same for every
		// setting); ties resolve to the earliest candidate in the order given.
		bestArea := math.Inf(-1)
		for _, useIDF := range idfs {
			for _, dw := range dws {
				for _, l := range lambdas {
					sc := scores[[3]float64{b2f(useIDF), dw, l}]
					if sc[0] > bestArea {
						bestArea = sc[0]
						best.idf, best.dw, best.lambda, best.score = useIDF, dw, l, sc[0]/sc[1]
					}
				}
			}
		}
		if math.IsNaN(best.score) || math.IsInf(best.score, 0) {
			return nil, fmt.Errorf("llmrouter: train: tuning cannot score the settings: on the records holding outcomes of both %s and another model, %[1]s's total gain over the others is 0, so the APGR is undefined; give a single lambda, dense weight and IDF mode to fit without tuning", pr.refName())
		}
	}

	bufs := make(chan *cgBuf, opts.Workers)
	for range min(opts.Workers, len(pr.y)) {
		pb := <-pbufs
		pb.mu, pb.x, pb.p = nil, nil, nil // free for the collector
		bufs <- &pb.cg
	}
	d = newDesign(ts, all, best.idf, best.dw, d)
	betas := make([][]float64, len(pr.y))
	for o := range betas {
		betas[o] = make([]float64, d.dim)
	}
	fitOutputs(d, pr, all, best.lambda, betas, bufs)
	step()

	t := &linear.Trained{
		HashBits: opts.HashBits, MaxWords: opts.MaxWords, IDF: best.idf, DenseWeight: best.dw,
		Difficulty: opts.Difficulty, BucketIDF: d.idf, MaxIDF: d.maxIDF, Betas: betas,
		DMean: d.dmean, DStd: d.dstd,
		Rows: ts.n, Lambda: best.lambda, Tuned: tuned, ClassWeight: opts.ClassWeight, Seed: opts.Seed, Note: opts.Note,
	}
	if pr.ref >= 0 {
		t.Reference = pr.models[pr.ref]
	}
	if !pr.only {
		t.Models = pr.models
	}
	if tuned {
		t.CVScore = best.score
	}
	return linear.Build(t).(*llmrouter.LinearClassifier), nil
}

// checkTunable fails when no record can score a tuning setting: none
// holds the reference's outcome beside another model's (each record of a
// decision log's export holds only the answering model's), so every
// setting's gain over all-weak routing is 0/0.
func (pr *problem) checkTunable() error {
	if pr.ref >= 0 {
		rs := pr.score[pr.ref]
		for j := range pr.models {
			if j == pr.ref {
				continue
			}
			for i, w := range pr.score[j] {
				if w == w && rs[i] == rs[i] {
					return nil
				}
			}
		}
	}
	return fmt.Errorf("llmrouter: train: tuning routes between %s and each other model on records holding both outcomes, and no record holds outcomes of both (a decision log's export holds one model's outcome a record), so no setting can be scored; give a single lambda, dense weight and IDF mode to fit without tuning", pr.refName())
}

// refName names the reference model for messages.
func (pr *problem) refName() string {
	if pr.ref < 0 {
		return "the reference model"
	}
	return fmt.Sprintf("the reference %q", pr.models[pr.ref])
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// denseErr is the error of denseTooBig at a record.
func denseErr(id string, rows, models, outcomes int) error {
	return fmt.Errorf("llmrouter: train: record %q (row %d): %d models × %d rows exceed MaxCells %d while the data holds only %d outcomes: the scores training stores densely (about 40 bytes each) would take memory far faster than the input; pick fewer models (Options.Models, the CLI's -models) or train on fewer rows", id, rows, models, rows, MaxCells, outcomes)
}
