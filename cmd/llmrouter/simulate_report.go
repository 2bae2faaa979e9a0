package main

import (
	"cmp"
	"fmt"
	"image/color"
	"io"
	"math"
	"path/filepath"
	"strconv"

	"github.com/llmrouter/llmrouter/bandit"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
)

// print writes the report: the stream and its settings, each policy's mean
// reward per window, its totals (reward, quality, cost, the dearest
// model's share), the bandit's exploration, and when it overtook the
// default.
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
