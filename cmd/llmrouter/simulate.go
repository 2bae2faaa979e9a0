package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"strings"

	"github.com/llmrouter/llmrouter"
	"github.com/llmrouter/llmrouter/bandit"
	"github.com/llmrouter/llmrouter/dataset"
)

func init() {
	commands["simulate"] = command{
		summary: "play an outcomes file as live traffic through a learning (bandit) router; print its learning curve",
		run:     runSimulate,
	}
}

// simPolicies are the columns of the learning curve, in order.
var simPolicies = []string{"bandit", "default", "default-greedy", "offline (in-sample)", "random", "oracle", "offline (out-of-fold)"}

type simFlags struct {
	seed               uint64
	lambda             float64
	noise              float64
	delay, window      int
	plotPath, prices   string
	outTokens          int
	share, costShare   float64
	regret, decay      float64
	pool               float64
	away               float64
	chance             float64
	depart             float64
	noRefs             bool
	ridge, banditNoise float64
	statePath          string
	maxRows            int
	priceFree          bool
	priorFolds         int
	models             string
}

func runSimulate(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("simulate", flag.ContinueOnError)
	fs.SetOutput(stdout)
	var f simFlags
	fs.Uint64Var(&f.seed, "seed", 1, "seed of the traffic order, the judge's noise and the bandit's draws (≥ 1)")
	fs.Float64Var(&f.lambda, "lambda", 0, "λ in reward = score − λ·cost (per USD); 0 = 0.1 / mean cost of the dearest model")
	fs.Float64Var(&f.noise, "noise", 0, "standard deviation of the judge's noise added to the recorded score (clipped to [0,1])")
	fs.IntVar(&f.delay, "delay", 0, "the judge's grade arrives this many requests after its request")
	fs.IntVar(&f.window, "window", 500, "requests per row of the learning curve")
	fs.StringVar(&f.plotPath, "plot", "", "draw the learning curve (reward per window) to this file: .svg, .png or .pdf")
	fs.StringVar(&f.prices, "prices", "", "USD per million tokens by model ({\"models\": {name: {input_per_mtok, output_per_mtok}}}) for data without costs; every model played needs one (-models leaves the others out; cmd/llmrouter/testdata/arena-prices.json prices seven Arena models)")
	fs.BoolVar(&f.priceFree, "price-free", false, "no costs: every call costs 0, so λ = 0 and reward = score (for data without costs when no cited prices exist)")
	fs.IntVar(&f.outTokens, "output-tokens", 256, "with -prices: output tokens of an answer whose length the data does not give")
	fs.Float64Var(&f.share, "explore-share", 0, "bandit's cap on the share of exploring decisions (0 = bandit.DefaultMaxExploreShare)")
	fs.Float64Var(&f.costShare, "explore-cost", 0, "bandit's cap on exploration's extra spend, a share of spend (0 = bandit.DefaultMaxExploreCost)")
	fs.Float64Var(&f.regret, "explore-regret", 0, "bandit's cap on exploration's expected reward loss per decision (0 = bandit.DefaultMaxExploreRegret, negative: none)")
	fs.Float64Var(&f.pool, "pool", 0, "bandit's weight on the correction pooled over all models (0 = none, the default)")
	fs.Float64Var(&f.away, "explore-away", 0, "bandit's cap on the share of decisions exploring a model other than the live policy's choice (0 = bandit.DefaultMaxExploreAway, negative: never)")
	fs.Float64Var(&f.chance, "explore-chance", 0, "bandit's least posterior chance of beating the greedy model for a model to be explored (0 = none, the default)")
	fs.Float64Var(&f.depart, "depart-chance", 0, "bandit's least posterior chance of beating the live choice for the greedy choice to depart from it (0 = bandit.DefaultMinDepartChance, negative: none)")
	fs.BoolVar(&f.noRefs, "no-offline", false, "skip training the offline classifiers (faster; their rows then repeat the default's)")
	fs.Float64Var(&f.decay, "explore-decay", 0, "bandit's exploration decay, in grades (0 = bandit.DefaultExploreDecay, negative: none)")
	fs.Float64Var(&f.ridge, "ridge", 0, "bandit's prior strength (0 = bandit.DefaultRidge)")
	fs.Float64Var(&f.banditNoise, "bandit-noise", 0, "bandit's posterior scale (0 = bandit.DefaultNoise)")
	fs.StringVar(&f.statePath, "state", "", "save the bandit's learnt state to this file at the end")
	fs.IntVar(&f.priorFolds, "prior-folds", defaultPriorFolds, priorFoldsUsage)
	fs.StringVar(&f.models, "models", "", "comma-separated models to play, the data's other models left out (they need no price); a row needs outcomes only for these (default: all in the data)")
	fs.IntVar(&f.maxRows, "max-rows", 0, "play only the first n requests of the shuffled stream (0 = all)")
	data := dataFlag(fs)
	alias := aliasFlag(fs)
	fs.Usage = func() {
		fmt.Fprintln(stdout, "usage: llmrouter simulate [flags] data.jsonl…   (several files play as one stream)")
		fmt.Fprintln(stdout, stdioUsage)
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := f.check(fs); err != nil {
		return err
	}
	files := dataFiles(*data, fs.Args())
	if len(files) == 0 {
		return usagef("no data: pass outcomes files as arguments or -data")
	}
	if err := f.checkOutputs(files); err != nil {
		return err
	}
	stateOut, stdout := stdout, reportTo(stdout, f.statePath)
	ds, err := loadDatasets(files, alias.options()...)
	if err != nil {
		return err
	}
	ds, modelsLine, err := selectModels(ds, f.models)
	if err != nil {
		return err
	}
	s, err := newSim(ds, &f)
	if err != nil {
		return err
	}
	s.files, s.modelsLine, s.stateOut = strings.Join(files, ","), modelsLine, stateOut
	if err := s.run(stdout); err != nil {
		return err
	}
	if f.plotPath != "" {
		p, err := s.plot()
		if err != nil {
			return err
		}
		if err := savePlot(p, f.plotPath); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "plot: %s\n", f.plotPath)
	}
	return nil
}

// sim is one simulation: the stream, its costs and the routers.
type sim struct {
	f      *simFlags
	files  string
	models []string
	rows   []dataset.Record
	cost   [][]float64           // per row, per model: USD
	cards  []llmrouter.ModelCard // Quality and prices measured on the whole stream (in-sample)
	// recorded says which models' prices come from the recorded costs
	// (rather than -prices or -price-free): foldPrices cross-fits them.
	recorded []bool
	// foldCards are the cards the default, the greedy reading and the
	// bandit route row i by: foldCards[group[i]] (simulate_priors.go).
	foldCards  [][]llmrouter.ModelCard
	group      []int
	modelsLine string
	stateOut   io.Writer // standard output, for -state -
	lambda     float64
	strong     int // the dearest model on average
	dropped    int // rows without every model
	curves     [][]step
	stats      bandit.Stats
}

type step struct {
	reward, cost float64
	strong       bool
}

type recKey struct{}

func newSim(ds *dataset.Dataset, f *simFlags) (*sim, error) {
	s := &sim{f: f, models: ds.Models()}
	if len(s.models) < 2 {
		return nil, fmt.Errorf("the data has %d model(s); simulate needs at least 2", len(s.models))
	}
	for _, r := range ds.Records {
		if len(r.Outcomes) == len(s.models) {
			s.rows = append(s.rows, r)
		} else {
			s.dropped++
		}
	}
	if len(s.rows) == 0 {
		return nil, errors.New("no row has an outcome for every model")
	}
	var prices map[string]price
	if f.prices != "" {
		var err error
		if prices, err = loadPrices(f.prices); err != nil {
			return nil, err
		}
	}
	n := len(s.models)
	s.cards = make([]llmrouter.ModelCard, n)
	s.recorded = make([]bool, n)
	s.cost = make([][]float64, len(s.rows))
	for i := range s.rows {
		s.cost[i] = make([]float64, n)
	}
	for k, m := range s.models {
		recorded := true
		for i := range s.rows {
			if _, ok := s.rows[i].Outcomes[m].CostValue(); !ok {
				recorded = false
				break
			}
		}
		pr, priced := prices[m]
		var total, tokens, score float64
		for i, r := range s.rows {
			o := r.Outcomes[m]
			score += o.Score
			tin := tokensOf(len(r.Prompt))
			switch {
			case f.priceFree:
				s.cost[i][k] = 0
			case recorded:
				s.cost[i][k], _ = o.CostValue()
			case priced:
				s.cost[i][k] = (float64(tin)*pr.In + float64(s.outTokens(o))*pr.Out) / 1e6
			default:
				if f.prices == "" {
					return nil, fmt.Errorf("model %q has no recorded cost and no price (no -prices given): give -prices FILE or -price-free, or leave the model out with -models", m)
				}
				return nil, fmt.Errorf("model %q has no recorded cost and no price in -prices %q: add one there, or leave the model out with -models", m, f.prices)
			}
			total += s.cost[i][k]
			tokens += float64(tin + llmrouter.DefaultExpectedOutputTokens)
		}
		// The card's prices: the list prices, or for recorded costs the one
		// price per token that gives the recorded total; its Quality the
		// model's mean score over the stream (what a leaderboard would tell
		// the default; in-sample). The cards requests are routed by are
		// cross-fitted from these (setFoldCards).
		c := llmrouter.ModelCard{Name: m, Quality: clampQ(score / float64(len(s.rows)))}
		if f.priceFree {
			// Free: the card's prices stay 0.
		} else if recorded {
			c.InputPerMTok = total / tokens * 1e6
			c.OutputPerMTok = c.InputPerMTok
			s.recorded[k] = true
		} else {
			c.InputPerMTok, c.OutputPerMTok = pr.In, pr.Out
		}
		s.cards[k] = c
	}
	mean := func(k int) float64 {
		t := 0.0
		for i := range s.rows {
			t += s.cost[i][k]
		}
		return t / float64(len(s.rows))
	}
	for k := range s.models {
		if mean(k) > mean(s.strong) {
			s.strong = k
		}
	}
	s.lambda = f.lambda
	if s.lambda == 0 {
		if mc := mean(s.strong); mc > 0 {
			s.lambda = 0.1 / mc
		}
	}
	if err := s.setFoldCards(); err != nil {
		return nil, err
	}
	return s, nil
}

func clampQ(q float64) float64 { return math.Min(math.Max(q, 0.01), 0.99) }
