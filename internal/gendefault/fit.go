package main

import (
	"context"
	"errors"
	"math"
	"sort"
	"sync"

	"github.com/llmrouter/llmrouter"
	"github.com/llmrouter/llmrouter/dataset"
	"github.com/llmrouter/llmrouter/eval"
	"github.com/llmrouter/llmrouter/internal/chatshape"
	"github.com/llmrouter/llmrouter/train"
	"github.com/tmc/langchaingo/llms"
)

// config is every choice of the generator; cross-validation (-cv) compares
// them on the Arena prompts.
type config struct {
	bits    int    // hash bits of the trained model
	dup     int    // copies of each chat row in the trained model's data
	target  string // chat difficulty target: "slope" or "mean"
	fit     string // rows the shape weights are fitted on: "all" or "chat"
	shape   string // "prior": the heuristic's hand-set weights × a CV-chosen blend weight; "ridge": fitted
	folds   int    // folds of the blend fit (and of -cv)
	seed    uint64 // fold seed
	workers int    // trainings run at once
	note    string
	// lambdas and idf fix the trained model's ridge penalty and idf (nil
	// and IDFAuto: tuned by train.Linear's inner CV); tests fix them to
	// run fast.
	lambdas []float64
	idf     train.IDFMode
	// blend, when ≥ 0, fixes the prior shape's blend weight instead of
	// choosing it by CV (no inner trainings).
	blend float64
	// sel is how the prior shape's blend weight is chosen: "source" (the
	// mean over the sources of each one's APGR on its gap) or "mixed" (the
	// criterion of select.go, which also scores routing across tasks).
	sel string
	// split is how folds are dealt, outer and inner: "prompt" (at random,
	// grouped by prompt), "task" (leave one task out: every fold is a
	// task the models of the other folds never saw, as MT-Bench's chat is
	// to the default) or "subject" (folds of whole tasks, MMLU's 57
	// subjects each one: many more unseen tasks to learn a task prior from).
	split string
	// dense fits the ridge shape without the trained logit (a = 0).
	dense bool
	// benchWeak, when set, makes a benchmark row's target the reference's
	// score minus this model's alone (where the row has it).
	benchWeak string
}

// corpus is the training data, analysed once: the benchmark rows, then one
// item per Arena prompt.
type corpus struct {
	items []item
	// sources name item.source: the benchmark files, then "arena".
	sources []string
	// tasks name item.task: a record's task up to its first "/" (mmlu,
	// gsm8k, arc_challenge, winogrande, mbpp), then "arena".
	tasks []string
}

// item is one training prompt.
type item struct {
	prompt  string
	source  int
	group   int     // items with the same prompt share a group (and a fold)
	task    int     // the item's task (corpus.tasks), for -split task
	subject int     // the item's full task name (MMLU's subject), for -split subject
	gap     float64 // difficulty target: the strong model's expected gain
	bench   *dataset.Record
	chat    *chatRow
	shape   [chatshape.N]float64
}

// model is one built default: the trained difficulty model, its quantiles
// and the blend's shape weights.
type model struct {
	lin *llmrouter.LinearClassifier
	q   [quantiles + 1]float64
	w   [chatshape.N + 1]float64
	// a is the trained logit's weight in the blend (1 for the prior
	// shape; fitted for ridge); alpha the prior shape's blend weight or
	// the ridge's a, lambda the ridge's penalty (both reported only).
	a, alpha, lambda float64
}

// shapeOf analyses text as the router does and returns its shape signals.
func shapeOf(text string) [chatshape.N]float64 {
	req := llmrouter.Request{Messages: []llms.MessageContent{llms.TextParts(llms.ChatMessageTypeHuman, text)}}
	var f llmrouter.Features
	llmrouter.DefaultAnalyzer{}.Analyze(&req, &f)
	in := chatshape.Input{
		Tokens: f.Tokens - f.SystemTokens, Words: f.Words, Lines: f.Lines, Reasoning: f.Reasoning,
		MultiStep: f.MultiStep, Questions: f.Questions, CodeFences: f.CodeFences, Code: f.Code, Math: f.Math,
	}
	var x [chatshape.N]float64
	chatshape.Signals(&in, &x)
	return x
}

// trainedLogit is the blend's reading of the trained difficulty: its
// percentile among the training prompts, shrunk into [0.05, 0.95], as
// log-odds (default_classifier.go does the same).
func (m *model) trainedLogit(text string) float64 {
	_, d := m.lin.Predict(text)
	p := 0.05 + 0.9*percentile(m.q[:], d)
	return math.Log(p / (1 - p))
}

// logit is the blend's difficulty before the sigmoid.
func (m *model) logit(text string, x *[chatshape.N]float64) float64 {
	return m.a*m.trainedLogit(text) + chatshape.Score(&m.w, x)
}

// trainLinear fits the difficulty model on the items idx, and reads its
// quantiles over their prompts.
func (c *corpus) trainLinear(idx []int, cfg config) (*model, error) {
	var recs []dataset.Record
	ds := make([]float64, 0, len(idx))
	for _, i := range idx {
		it := &c.items[i]
		if it.bench != nil {
			recs = append(recs, *it.bench)
		} else if cfg.dup > 0 {
			recs = append(recs, chatRecords(it.chat, i, cfg.dup)...)
		}
	}
	lin, err := train.Linear(&dataset.Dataset{Records: recs}, train.Options{
		HashBits: cfg.bits, DifficultyOnly: true, Reference: reference, Note: cfg.note,
		Lambdas: cfg.lambdas, IDF: cfg.idf, Seed: 1, // the CLI's default seed
	})
	if err != nil {
		return nil, err
	}
	for _, i := range idx {
		if c.items[i].chat != nil && cfg.dup == 0 {
			continue // not a training prompt
		}
		_, d := lin.Predict(c.items[i].prompt)
		ds = append(ds, d)
	}
	m := &model{lin: lin, a: 1}
	m.q = quantileTable(ds)
	return m, nil
}

// build trains the default on the items idx: the trained model on all of
// them, and the shape weights fitted on their out-of-fold trained logits
// (cfg.folds models, each trained without one fold), so the blend learns how
// far to trust the trained model on prompts it has not seen.
func (c *corpus) build(idx []int, cfg config) (*model, error) {
	if cfg.shape == "prior" && cfg.blend >= 0 {
		m, err := c.trainLinear(idx, cfg)
		if err != nil {
			return nil, err
		}
		return fixedBlend(m, cfg.blend), nil
	}
	n, err := c.trainNested(idx, cfg)
	if err != nil {
		return nil, err
	}
	return c.fitShape(n, cfg)
}

// fixedBlend returns m with the prior shape at blend weight b.
func fixedBlend(m *model, b float64) *model {
	out := *m
	out.alpha, out.lambda = b, 0
	for k := range out.w {
		out.w[k] = b * priorShape[k]
	}
	return &out
}

// nested is the trained model on items idx and, for each of cfg.folds
// folds of idx, one trained without that fold.
type nested struct {
	idx   []int
	folds [][]int
	inner []*model // inner[k] was trained without folds[k]
	all   *model
}

func (c *corpus) trainNested(idx []int, cfg config) (*nested, error) {
	folds := c.splits(idx, cfg, cfg.seed+1)
	models := make([]*model, len(folds)+1)
	errs := make([]error, len(folds)+1)
	sem := make(chan struct{}, max(1, cfg.workers))
	var wg sync.WaitGroup
	for k := range models {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			train := idx
			if k < len(folds) {
				train = without(idx, folds[k])
			}
			models[k], errs[k] = c.trainLinear(train, cfg)
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return &nested{idx: idx, folds: folds, inner: models[:len(folds)], all: models[len(folds)]}, nil
}

// fitShape fits the blend's shape weights (cfg.shape, cfg.fit, cfg.sel) on
// the out-of-fold trained logits of n and returns the model trained on all
// of n's items with them. n is not modified.
func (c *corpus) fitShape(n *nested, cfg config) (*model, error) {
	if cfg.shape == "prior" && cfg.blend >= 0 {
		return fixedBlend(n.all, cfg.blend), nil
	}
	// Each source weighs the same in the fit ("all", "fe"), or the Arena
	// prompts alone ("chat").
	count := make([]float64, len(c.sources))
	for _, i := range n.idx {
		count[c.items[i].source]++
	}
	arena := len(c.sources) - 1
	var L, y, wt []float64
	var X [][chatshape.N]float64
	var rows []int
	for k, test := range n.folds {
		for _, i := range test {
			it := &c.items[i]
			if cfg.fit == "chat" && it.source != arena {
				continue
			}
			rows = append(rows, i)
			L = append(L, n.inner[k].trainedLogit(it.prompt))
			X = append(X, it.shape)
			y = append(y, it.gap)
			wt = append(wt, 1/count[it.source])
		}
	}
	m := *n.all
	var err error
	switch {
	case cfg.shape == "prior" && cfg.sel == "mixed":
		m.w, m.alpha = c.priorBlendMixed(rows, L, X)
		return &m, nil
	case cfg.shape == "prior":
		m.w, m.alpha = priorBlend(L, X, y, wt)
		return &m, nil
	}
	if cfg.fit == "fe" {
		fixedEffect(rows, c.items, arena, L, X, y, wt)
	}

	m.w, m.a, m.lambda, err = fitBlend(L, X, y, wt, cfg)
	m.alpha = m.a
	return &m, err
}

// priorShape are the HeuristicClassifier's hand-set weights on the shape
// signals (its log-odds: bias −1.6, 0.2·log tokens, 2·code, 0.8 asking for
// code, 1.6·math, 0.45·reasoning, 0.25·multi-step, 0.2·questions).
var priorShape = [chatshape.N + 1]float64{-1.6, 0.2, 2.0, 0.8, 1.6, 0.45, 0.25, 0.2, 0, 0}

// blendWeights are the candidate weights of the prior shape in the blend.
var blendWeights = []float64{0, 0.125, 0.25, 0.5, 1, 2}

// priorBlend chooses the weight β of the prior shape, L + β·shape, that
// maximises the source-weighted mean APGR of routing each row's strong
// model against the weak by its out-of-fold logit (y the strong model's
// gain, read as strong (1+y)/2 and weak (1−y)/2). Returns the weights and β.
func priorBlend(L []float64, X [][chatshape.N]float64, y, wt []float64) (w [chatshape.N + 1]float64, beta float64) {
	best := math.Inf(-1)
	for _, b := range blendWeights {
		bySource := map[float64][3][]float64{} // rows of one source share a weight
		for i := range L {
			if wt[i] == 0 {
				continue
			}
			r := bySource[wt[i]]
			pw := priorShape
			for k := range pw {
				pw[k] *= b
			}
			r[0] = append(r[0], L[i]+chatshape.Score(&pw, &X[i]))
			r[1] = append(r[1], (1+y[i])/2)
			r[2] = append(r[2], (1-y[i])/2)
			bySource[wt[i]] = r
		}
		var sum float64
		for _, r := range bySource {
			a, err := eval.APGR(r[1], r[2], r[0])
			if err != nil {
				continue
			}
			sum += a / float64(len(bySource))
		}
		if sum > best+1e-9 {
			best, beta = sum, b
		}
	}
	for k := range w {
		w[k] = beta * priorShape[k]
	}
	return w, beta
}

// percentile reads x against ascending quantiles q_0 … q_n as
// default_classifier.go does.
func percentile(q []float64, x float64) float64 {
	n := len(q) - 1
	if n < 1 || x <= q[0] {
		return 0
	}
	if x >= q[n] {
		return 1
	}
	i := sort.SearchFloat64s(q, x)
	lo, hi := q[i-1], q[i]
	frac := 0.0
	if hi > lo {
		frac = (x - lo) / (hi - lo)
	}
	return (float64(i-1) + frac) / float64(n)
}

// quantileTable is the 0th … 100th percentiles of ds.
func quantileTable(ds []float64) [quantiles + 1]float64 {
	s := append([]float64(nil), ds...)
	sort.Float64s(s)
	var q [quantiles + 1]float64
	for k := range q {
		pos := float64(k) / quantiles * float64(len(s)-1)
		lo := int(math.Floor(pos))
		hi := min(lo+1, len(s)-1)
		q[k] = s[lo] + (pos-float64(lo))*(s[hi]-s[lo])
	}
	return q
}

// embeddedDifficulty is what the compiled-in DefaultClassifier says of
// text (the model this binary was built with).
func embeddedDifficulty(text string) (float64, error) {
	req := llmrouter.Request{Messages: []llms.MessageContent{llms.TextParts(llms.ChatMessageTypeHuman, text)}}
	var f llmrouter.Features
	llmrouter.DefaultAnalyzer{}.Analyze(&req, &f)
	p := llmrouter.Prediction{Quality: []float64{math.NaN()}, Difficulty: math.NaN()}
	if err := llmrouter.DefaultClassifier().Classify(context.Background(), &f, []llmrouter.ModelCard{{Name: "-"}}, &p); err != nil {
		return 0, err
	}
	return p.Difficulty, nil
}
