package main

import (
	"context"
	"fmt"
	"io"
	"math"
	"math/rand/v2"

	"github.com/llmrouter/llmrouter"
	"github.com/llmrouter/llmrouter/bandit"
	"github.com/llmrouter/llmrouter/dataset"
	"github.com/llmrouter/llmrouter/train"
)

// run plays the stream, in a seeded order, through every policy of
// simPolicies (the bandit learning from delayed feedback, the default and
// greedy routers of each row's prior group, the offline classifier, random,
// the oracle and the out-of-fold classifier), adding each choice's step to
// the policy's curve; it then writes the bandit's state (-state) and the
// report to w.
func (s *sim) run(w io.Writer) error {
	f := s.f
	ctx := context.Background()
	b, err := bandit.New(s.models, f.banditOptions(s.lambda))
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

// add appends to policy p's curve the step of answering row i by model k.
func (s *sim) add(p, i, k int) {
	s.curves[p] = append(s.curves[p], step{reward: s.reward(i, k), cost: s.cost[i][k], strong: k == s.strong})
}
