package main

import (
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"image/color"
	"io"
	"math"
	"math/rand/v2"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/llmrouter/llmrouter"
	"github.com/llmrouter/llmrouter/bandit"
	"github.com/llmrouter/llmrouter/dataset"
	"github.com/llmrouter/llmrouter/train"
	"github.com/tmc/langchaingo/llms"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
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
		return errors.New("no data: pass outcomes files as arguments or -data")
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

// simModel is a fake provider: it answers with the recorded answer of the
// record in the request's context, and reports the usage its card prices
// at the recorded cost.
type simModel struct {
	s *sim
	k int
}

type simRec struct{ row int }

func (m simModel) GenerateContent(ctx context.Context, _ []llms.MessageContent, _ ...llms.CallOption) (*llms.ContentResponse, error) {
	r, ok := ctx.Value(recKey{}).(simRec)
	if !ok {
		return nil, errors.New("simulate: request without its record")
	}
	rec := m.s.rows[r.row]
	o := rec.Outcomes[m.s.models[m.k]]
	in, out := m.s.usage(r.row, m.k)
	ans := o.Answer
	if ans == "" {
		ans = "(recorded answer)"
	}
	return &llms.ContentResponse{Choices: []*llms.ContentChoice{{Content: ans,
		GenerationInfo: map[string]any{"PromptTokens": in, "CompletionTokens": out}}}}, nil
}

func (m simModel) Call(ctx context.Context, prompt string, options ...llms.CallOption) (string, error) {
	return llms.GenerateFromSinglePrompt(ctx, m, prompt, options...)
}

// tokensOf estimates tokens from text length, as the price-based costs
// here are an assumption anyway: 4 characters a token.
func tokensOf(chars int) int { return (chars + 3) / 4 }

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

func (s *sim) outTokens(o dataset.Outcome) int {
	switch {
	case o.OutputChars > 0:
		return tokensOf(o.OutputChars)
	case o.Answer != "":
		return tokensOf(len(o.Answer))
	}
	return s.f.outTokens
}

// usage is what model k's fake provider reports for row i, so that the
// live router of the row's prior group (its cards, foldCards) prices the
// call at the row's cost.
func (s *sim) usage(i, k int) (in, out int) {
	c := s.foldCards[s.group[i]][k]
	if c.InputPerMTok == c.OutputPerMTok { // recorded cost: one price per token
		if c.InputPerMTok == 0 {
			return 0, 0
		}
		return int(math.Round(s.cost[i][k] / c.InputPerMTok * 1e6)), 0
	}
	o := s.rows[i].Outcomes[s.models[k]]
	return tokensOf(len(s.rows[i].Prompt)), s.outTokens(o)
}

func (s *sim) reward(i, k int) float64 {
	return s.rows[i].Outcomes[s.models[k]].Score - s.lambda*s.cost[i][k]
}

// rewardRule routes to the candidate of highest predicted reward,
// Quality − λ·Cost, the rest by predicted quality after it: the reading of
// a classifier's prediction (the bandit starts from the default's own
// choice instead, see bandit/warmstart.go).
func rewardRule(lambda float64) llmrouter.Policy {
	return llmrouter.PolicyFunc(func(r *llmrouter.Routing) error {
		best := -1
		for i, c := range r.Candidates {
			if c.Removed == "" && (best < 0 || c.Quality-lambda*c.Cost > r.Candidates[best].Quality-lambda*r.Candidates[best].Cost) {
				best = i
			}
		}
		if best >= 0 {
			r.Plan = append(r.Plan, llmrouter.Step{Model: r.Candidates[best].Model, Index: best, Reason: "highest predicted reward"})
		}
		return nil
	})
}

func (s *sim) providers() []llmrouter.Provider { return s.providersWith(s.cards) }

// providersWith is providers with the given cards (one prior group's).
func (s *sim) providersWith(cards []llmrouter.ModelCard) []llmrouter.Provider {
	ps := make([]llmrouter.Provider, len(s.models))
	for k := range s.models {
		ps[k] = llmrouter.NewProvider(cards[k], simModel{s: s, k: k})
	}
	return ps
}

func (s *sim) run(w io.Writer) error {
	f := s.f
	ctx := context.Background()
	b, err := bandit.New(s.models, bandit.Options{CostWeight: s.lambda, Ridge: f.ridge, Noise: f.banditNoise,
		MaxExploreShare: f.share, MaxExploreCost: f.costShare, MaxExploreRegret: f.regret, Pool: f.pool, MaxExploreAway: f.away, MinExploreChance: f.chance, MinDepartChance: f.depart, ExploreDecay: f.decay, Seed: f.seed})
	if err != nil {
		return err
	}
	// One router of each kind per prior group, the groups' live routers
	// sharing the one bandit: its state spans the whole stream.
	var live, def, greedy []*llmrouter.Router
	for _, cards := range s.foldCards {
		l, err := llmrouter.New(s.providersWith(cards), llmrouter.WithPolicy(b), llmrouter.WithSink(b))
		if err != nil {
			return err
		}
		d, err := llmrouter.New(s.providersWith(cards))
		if err != nil {
			return err
		}
		g, err := llmrouter.New(s.providersWith(cards), llmrouter.WithPolicy(llmrouter.DefaultPolicy(rewardRule(s.lambda))))
		if err != nil {
			return err
		}
		live, def, greedy = append(live, l), append(def, d), append(greedy, g)
	}
	var offline *llmrouter.Router // nil: the default's choice
	var oof []int
	if !f.noRefs {
		trainDS := &dataset.Dataset{Records: s.rows}
		fmt.Fprintf(w, "training the offline classifier on all %d rows (in-sample ceiling)…\n", len(s.rows))
		cl, err := train.Linear(trainDS, train.Options{Models: s.models, Seed: f.seed})
		if err != nil {
			return fmt.Errorf("offline classifier: %w", err)
		}
		if offline, err = llmrouter.New(s.providers(), llmrouter.WithClassifier(cl), llmrouter.WithPolicy(llmrouter.DefaultPolicy(rewardRule(s.lambda)))); err != nil {
			return err
		}
		if oof, err = s.outOfFold(ctx); err != nil {
			return err
		}
	} else {
		fmt.Fprintln(w, "-no-offline: the offline rows repeat the default's")
	}
	rng := rand.New(rand.NewPCG(f.seed, 0x5eed))
	order := rng.Perm(len(s.rows))
	if f.maxRows > 0 && f.maxRows < len(order) {
		order = order[:f.maxRows]
	}
	s.curves = make([][]step, len(simPolicies))
	type grade struct {
		id    string
		score float64
	}
	queue := make([]grade, 0, min(f.delay, len(order))+1) // a longer delay: no grade arrives
	idx := func(name string) int { return indexOf(s.models, name) }
	for t, i := range order {
		rctx := context.WithValue(ctx, recKey{}, simRec{row: i})
		msgs := human(s.rows[i].Prompt)
		g := s.group[i]
		resp, err := live[g].GenerateContent(rctx, msgs)
		if err != nil {
			return fmt.Errorf("request %d (%s): %w", t, s.rows[i].ID, err)
		}
		d, _ := llmrouter.DecisionFrom(resp)
		k := idx(d.Answered)
		s.add(0, i, k)
		// The judge: the recorded score, with noise, arriving later.
		sc := s.rows[i].Outcomes[d.Answered].Score
		if f.noise > 0 {
			sc = math.Min(math.Max(sc+f.noise*rng.NormFloat64(), 0), 1)
		}
		queue = append(queue, grade{d.ID, sc})
		for len(queue) > f.delay {
			if err := b.Feedback(ctx, queue[0].id, queue[0].score, "simulated judge"); err != nil {
				return err
			}
			queue = queue[1:]
		}
		defK := -1
		for p, r := range []*llmrouter.Router{def[g], greedy[g], offline} {
			if r == nil {
				r = def[g]
			}
			dd, err := r.Route(rctx, msgs)
			if err != nil {
				return err
			}
			if p == 0 {
				defK = idx(dd.Model)
			}
			s.add(p+1, i, idx(dd.Model))
		}
		s.add(4, i, rng.IntN(len(s.models)))
		best := 0
		for k := range s.models {
			if s.reward(i, k) > s.reward(i, best) {
				best = k
			}
		}
		s.add(5, i, best)
		if oof == nil {
			s.add(6, i, defK)
		} else {
			s.add(6, i, oof[i])
		}
	}
	s.stats = b.Stats()
	if f.statePath != "" {
		if err := writeOutput(s.stateOut, f.statePath, func(w io.Writer) error { _, err := b.WriteTo(w); return err }); err != nil {
			return fmt.Errorf("-state: %w", err)
		}
	}
	s.print(w)
	return nil
}

func (s *sim) add(p, i, k int) {
	s.curves[p] = append(s.curves[p], step{reward: s.reward(i, k), cost: s.cost[i][k], strong: k == s.strong})
}

func (s *sim) print(w io.Writer) {
	n := len(s.curves[0])
	fmt.Fprintf(w, "simulate %s: %d requests (%d rows without every model left out), %d models, seed %d\n",
		s.files, n, s.dropped, len(s.models), s.f.seed)
	strong := s.models[s.strong] + " (dearest)"
	if s.f.priceFree {
		strong = s.models[s.strong] + " (price-free: every model costs 0, so this is merely the first)"
	}
	fmt.Fprintf(w, "reward = score − λ·cost, λ = %.4g per USD; strong model = %s; judge noise %.2g, delay %d requests\n",
		s.lambda, strong, s.f.noise, s.f.delay)
	fmt.Fprintln(w, "default = built-in classifier + CheapestAdequate; default-greedy = built-in classifier, highest predicted reward (the bandit starts from the default's choice);")
	fmt.Fprintln(w, "offline = linear classifier trained on the whole stream (in-sample ceiling), highest predicted reward")
	fmt.Fprintln(w, s.priorsLine())
	if s.modelsLine != "" {
		fmt.Fprintln(w, s.modelsLine)
	}
	fmt.Fprintf(w, "offline (out-of-fold) = the same classifier cross-fitted on %d folds of prompts (a prompt's copies in one fold; fewer folds when the stream has fewer distinct prompts), each row routed by the one not trained on it\n", oofFolds)
	fmt.Fprintf(w, "\nmean reward per window of %d requests\n%8s", s.f.window, "requests")
	for _, p := range simPolicies {
		fmt.Fprintf(w, " %20s", p)
	}
	fmt.Fprintln(w)
	for lo := 0; lo < n; lo += s.f.window {
		hi := min(lo+s.f.window, n)
		fmt.Fprintf(w, "%8d", hi)
		for p := range simPolicies {
			fmt.Fprintf(w, " %20.4f", meanOf(s.curves[p][lo:hi], func(x step) float64 { return x.reward }))
		}
		fmt.Fprintln(w)
	}
	early := min(2000, n) // the first column: the reward of the first 2,000 requests, or of all
	fmt.Fprintf(w, "\n%-21s %12s %12s %12s %12s %12s %12s\n", "policy", "reward@"+strconv.Itoa(early), "reward", "vs offline", "quality", "$/request", "strong share")
	off := sumOf(s.curves[3], func(x step) float64 { return x.reward })
	for p, name := range simPolicies {
		c := s.curves[p]
		r := sumOf(c, func(x step) float64 { return x.reward })
		cost := sumOf(c, func(x step) float64 { return x.cost })
		fmt.Fprintf(w, "%-21s %12.1f %12.1f %11.2f%% %12.4f %12.6f %12.3f\n", name,
			sumOf(c[:early], func(x step) float64 { return x.reward }), r, 100*(r-off)/math.Abs(off),
			(r+s.lambda*cost)/float64(n), cost/float64(n), meanOf(c, func(x step) float64 { return b2f(x.strong) }))
	}
	st := s.stats
	capShare, capCost := cmp.Or(s.f.share, bandit.DefaultMaxExploreShare), cmp.Or(s.f.costShare, bandit.DefaultMaxExploreCost)
	fmt.Fprintf(w, "\nbandit exploration: %d of %d decisions (%.2f%%, cap %.0f%%); extra estimated spend $%.4f = %.2f%% of $%.4f (cap %.0f%%); %d grades learnt; expected regret of exploring %.1f reward; %d explored away from the live choice\n",
		st.Explored, st.Decisions, 100*float64(st.Explored)/float64(max(st.Decisions, 1)), 100*capShare,
		st.ExploreExtraUSD, 100*st.ExploreExtraUSD/math.Max(st.SpendUSD, 1e-300), st.SpendUSD, 100*capCost, st.Updates, st.ExploreRegret, st.ExploredAway)
	// When the bandit's cumulative reward first passes the default's.
	var cb, cd float64
	pass := -1
	for t := range n {
		cb += s.curves[0][t].reward
		cd += s.curves[1][t].reward
		if pass < 0 && cb > cd {
			pass = t + 1
		} else if cb <= cd {
			pass = -1
		}
	}
	if !s.f.noRefs { // with -no-offline the row repeats the default's
		oofR := sumOf(s.curves[6], func(x step) float64 { return x.reward })
		fmt.Fprintf(w, "bandit vs offline (out-of-fold): %+.2f%%\n", 100*(sumOf(s.curves[0], func(x step) float64 { return x.reward })-oofR)/math.Abs(oofR))
	}
	if pass > 0 {
		fmt.Fprintf(w, "bandit's cumulative reward is above the default's from request %d on\n", pass)
	} else {
		fmt.Fprintln(w, "bandit's cumulative reward ends at or below the default's")
	}
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

func sumOf(c []step, f func(step) float64) float64 {
	t := 0.0
	for _, x := range c {
		t += f(x)
	}
	return t
}

func meanOf(c []step, f func(step) float64) float64 {
	if len(c) == 0 {
		return math.NaN()
	}
	return sumOf(c, f) / float64(len(c))
}

// plot draws the mean reward per window of every policy.
func (s *sim) plot() (*plot.Plot, error) {
	p := plot.New()
	p.Title.Text = "learning curve: " + filepath.Base(s.files)
	p.X.Label.Text = "requests"
	p.Y.Label.Text = fmt.Sprintf("mean reward per %d requests (score − %.3g·USD)", s.f.window, s.lambda)
	p.Legend.Top = true
	for k, name := range simPolicies {
		c := s.curves[k]
		var xy plotter.XYs
		for lo := 0; lo < len(c); lo += s.f.window {
			hi := min(lo+s.f.window, len(c))
			xy = append(xy, plotter.XY{X: float64(hi), Y: meanOf(c[lo:hi], func(x step) float64 { return x.reward })})
		}
		l, err := plotter.NewLine(xy)
		if err != nil {
			return nil, err
		}
		l.Color = plotColors[k%len(plotColors)]
		l.Width = 1.5
		p.Add(l)
		p.Legend.Add(name, l)
	}
	return p, nil
}

var plotColors = []color.Color{
	color.RGBA{R: 214, G: 39, B: 40, A: 255}, color.RGBA{R: 31, G: 119, B: 180, A: 255},
	color.RGBA{R: 148, G: 103, B: 189, A: 255}, color.RGBA{R: 255, G: 127, B: 14, A: 255},
	color.RGBA{R: 120, G: 120, B: 120, A: 255}, color.RGBA{R: 44, G: 160, B: 44, A: 255},
}
