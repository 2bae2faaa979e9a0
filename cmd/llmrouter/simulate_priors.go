package main

import (
	"errors"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"strings"

	"github.com/llmrouter/llmrouter"
	"github.com/llmrouter/llmrouter/dataset"
)

// defaultPriorFolds is simulate's -prior-folds default: the cards' Quality
// is cross-fitted on this many groups of prompts.
const defaultPriorFolds = 5

// priorFoldsUsage is the help of simulate's -prior-folds.
const priorFoldsUsage = "cross-fit the model cards' Quality (each model's mean score: what the default routes by and the bandit's prior starts from) " +
	"on this many groups of prompts (a prompt's copies in one group, dealt by -seed): each request is routed with the mean scores of the other groups, " +
	"never with its own outcome; 0 = one card per model measured on the whole stream, each request's own outcome included (in-sample, " +
	"the only behaviour before 2026-12-01: it flatters the default, most on price-free streams, where the default then sends every request " +
	"to the best model chosen in hindsight). Card prices from recorded costs (a request's cost is an outcome: its answer's length) are cross-fitted the same way; " +
	"list prices (-prices) are the same for every request. The offline classifiers do not read the cards' Quality; the out-of-fold one's prices are cross-fitted on its own folds"

// priorGroups returns each row's group for the cross-fitted cards: the
// distinct prompts, shuffled by seed, dealt round robin into k groups (so
// group sizes, in distinct prompts, differ by at most one), and a
// prompt's copies put in its group. k = 0 puts every row in group 0.
func priorGroups(rows []dataset.Record, k int, seed uint64) ([]int, error) {
	if k < 0 || k == 1 {
		return nil, fmt.Errorf("-prior-folds %d: want 0 (in-sample) or at least 2", k)
	}
	group := make([]int, len(rows))
	if k == 0 {
		return group, nil
	}
	prompts := promptGroups(rows)
	if k > len(prompts) {
		return nil, fmt.Errorf("-prior-folds %d: the stream has only %d distinct prompts", k, len(prompts))
	}
	dealGroups(group, prompts, k, seed)
	return group, nil
}

// promptGroups returns the rows of each distinct prompt, in order of first
// appearance (dataset.GroupByPrompt).
func promptGroups(rows []dataset.Record) [][]int {
	prompts := make([]string, len(rows))
	for i, r := range rows {
		prompts[i] = r.Prompt
	}
	return dataset.GroupByPrompt(prompts)
}

// dealGroups shuffles the prompt groups by seed and deals them round robin
// into k groups, writing each row's group into group.
func dealGroups(group []int, prompts [][]int, k int, seed uint64) {
	perm := rand.New(rand.NewPCG(seed, 0x9f1d5)).Perm(len(prompts))
	for g, rows := range prompts {
		for _, i := range rows {
			group[i] = perm[g] % k
		}
	}
}

// foldQualities returns, for each of the k groups (one when k = 0), each
// model's mean score over the rows outside the group (k = 0: over all
// rows). Every row has an outcome for every model.
func foldQualities(rows []dataset.Record, models []string, group []int, k int) [][]float64 {
	n := max(k, 1)
	sum := make([][]float64, n)
	count := make([]int, n)
	for g := range n {
		sum[g] = make([]float64, len(models))
	}
	total := make([]float64, len(models))
	for i, r := range rows {
		count[group[i]]++
		for m, name := range models {
			sc := r.Outcomes[name].Score
			sum[group[i]][m] += sc
			total[m] += sc
		}
	}
	q := make([][]float64, n)
	for g := range n {
		q[g] = make([]float64, len(models))
		rest := len(rows)
		if k > 0 {
			rest -= count[g]
		}
		for m := range models {
			t := total[m]
			if k > 0 {
				t -= sum[g][m]
			}
			q[g][m] = t / float64(rest)
		}
	}
	return q
}

// foldPrices returns, for each of the k groups (one when k = 0), each
// model's price per million tokens from the recorded costs of the rows
// outside the group (k = 0: of all rows), as newSim prices the whole
// stream's cards: the recorded total over the tokens (the prompt's and
// DefaultExpectedOutputTokens). A row's cost is an outcome (its answer's
// length), so it never prices the cards its own request is routed by.
// Only the models s.recorded marks are priced; the others' are 0. The sums
// are over the rows outside each group, not a total less the group's, so
// a row's cost leaves its group's prices exactly as they were.
func (s *sim) foldPrices(group []int, k int) [][]float64 {
	p := make([][]float64, max(k, 1))
	for g := range p {
		p[g] = make([]float64, len(s.models))
		tokens := 0.0
		for i, r := range s.rows {
			if k == 0 || group[i] != g {
				tokens += float64(tokensOf(len(r.Prompt)) + llmrouter.DefaultExpectedOutputTokens)
			}
		}
		for m := range s.models {
			if !s.recorded[m] {
				continue
			}
			total := 0.0
			for i := range s.rows {
				if k == 0 || group[i] != g {
					total += s.cost[i][m]
				}
			}
			p[g][m] = total / tokens * 1e6
		}
	}
	return p
}

// groupCards returns one set of cards per group of group (k groups; one
// when k = 0): s.cards with the prices of the models priced by recorded
// costs cross-fitted (foldPrices), and, unless quality is nil, each
// group's Quality.
func (s *sim) groupCards(group []int, k int, quality [][]float64) [][]llmrouter.ModelCard {
	prices := s.foldPrices(group, k)
	cards := make([][]llmrouter.ModelCard, len(prices))
	for g := range cards {
		cards[g] = slices.Clone(s.cards)
		for m := range s.models {
			if s.recorded[m] {
				cards[g][m].InputPerMTok, cards[g][m].OutputPerMTok = prices[g][m], prices[g][m]
			}
			if quality != nil {
				cards[g][m].Quality = clampQ(quality[g][m])
			}
		}
	}
	return cards
}

// setFoldCards gives s one set of cards per prior group: the Quality of
// foldQualities and the prices of foldPrices (list prices as they are).
func (s *sim) setFoldCards() error {
	k := s.f.priorFolds
	group, err := priorGroups(s.rows, k, s.f.seed)
	if err != nil {
		return err
	}
	s.group = group
	s.foldCards = s.groupCards(group, k, foldQualities(s.rows, s.models, group, k))
	return nil
}

// priorsLine says which card qualities the run used.
func (s *sim) priorsLine() string {
	if k := s.f.priorFolds; k > 0 {
		return fmt.Sprintf("card Quality: cross-fitted on %d groups of prompts, each request routed by the mean scores of the other %d groups (never its own outcome)", k, k-1) + s.pricesNote()
	}
	return "card Quality: each model's mean score over the whole stream, each request's own outcome included (in-sample; -prior-folds 0)" + s.pricesNote()
}

// pricesNote says, when some card's prices come from recorded costs, that
// they are fitted as the Quality is.
func (s *sim) pricesNote() string {
	if !slices.Contains(s.recorded, true) {
		return ""
	}
	return "; the prices of cards priced by recorded costs likewise"
}

// selectModels keeps only the named models' outcomes (comma-separated,
// in the data's order), for simulate's -models; "" keeps them all. It
// returns the dataset to play and a line naming the models played.
func selectModels(ds *dataset.Dataset, list string) (*dataset.Dataset, string, error) {
	if strings.TrimSpace(list) == "" {
		return ds, "", nil
	}
	all := ds.Models()
	want := map[string]bool{}
	for _, m := range strings.Split(list, ",") {
		m = strings.TrimSpace(m)
		switch {
		case m == "":
			return nil, "", errors.New("-models: an empty name in the list")
		case want[m]:
			return nil, "", fmt.Errorf("-models: %q named twice", m)
		case !slices.Contains(all, m):
			return nil, "", fmt.Errorf("-models: %q is not a model of the data (%s)", m, strings.Join(all, ", "))
		}
		want[m] = true
	}
	if len(want) < 2 {
		return nil, "", fmt.Errorf("-models: %d model(s); simulate needs at least 2", len(want))
	}
	out := &dataset.Dataset{Records: make([]dataset.Record, len(ds.Records))}
	for i, r := range ds.Records {
		r.Outcomes = maps.Clone(r.Outcomes)
		maps.DeleteFunc(r.Outcomes, func(m string, _ dataset.Outcome) bool { return !want[m] })
		out.Records[i] = r
	}
	kept := slices.DeleteFunc(slices.Clone(all), func(m string) bool { return !want[m] })
	line := fmt.Sprintf("models played: %s (%d of the data's %d left out by -models)", strings.Join(kept, ", "), len(all)-len(kept), len(all))
	return out, line, nil
}
