package main

import (
	"context"
	"fmt"

	"github.com/llmrouter/llmrouter"
	"github.com/llmrouter/llmrouter/dataset"
	"github.com/llmrouter/llmrouter/train"
)

// oofFolds is how many folds the out-of-fold offline classifier is
// cross-fitted on.
const oofFolds = 5

// oofGroups returns each row's fold for the out-of-fold classifier and the
// number of folds: oofFolds, or the number of distinct prompts when fewer.
// A prompt's copies share a fold (dealGroups deals the distinct prompts),
// so no row is routed by a classifier trained on a copy of itself.
func oofGroups(rows []dataset.Record, seed uint64) ([]int, int, error) {
	prompts := promptGroups(rows)
	if len(prompts) < 2 {
		return nil, 0, fmt.Errorf("out-of-fold classifier: the stream has %d distinct prompt(s), want at least 2 (one distinct prompt cannot be cross-fitted)", len(prompts))
	}
	k := min(oofFolds, len(prompts))
	fold := make([]int, len(rows))
	// Another stream of the seed than the cards' groups, so the two
	// splits are not the same.
	dealGroups(fold, prompts, k, seed^0x00f0)
	return fold, k, nil
}

// outOfFold routes every row by an offline classifier trained on the other
// folds (oofGroups: by prompt), with card prices from their recorded costs
// (groupCards), reading its prediction as rewardRule does:
// the offline comparator without the in-sample advantage (a learner that
// only ever sees a row once cannot have memorised it). It returns the
// chosen model per row.
func (s *sim) outOfFold(ctx context.Context) ([]int, error) {
	fold, k, err := oofGroups(s.rows, s.f.seed)
	if err != nil {
		return nil, err
	}
	choice := make([]int, len(s.rows))
	cards := s.groupCards(fold, k, nil) // prices from the training folds' costs
	for fo := range k {
		var tr []dataset.Record
		for i, r := range s.rows {
			if fold[i] != fo {
				tr = append(tr, r)
			}
		}
		cl, err := train.Linear(&dataset.Dataset{Records: tr}, train.Options{Models: s.models, Seed: s.f.seed})
		if err != nil {
			return nil, fmt.Errorf("out-of-fold classifier, fold %d: %w", fo, err)
		}
		r, err := llmrouter.New(s.providersWith(cards[fo]), llmrouter.WithClassifier(cl), llmrouter.WithPolicy(llmrouter.DefaultPolicy(rewardRule(s.lambda))))
		if err != nil {
			return nil, err
		}
		for i := range s.rows {
			if fold[i] != fo {
				continue
			}
			d, err := r.Route(context.WithValue(ctx, recKey{}, simRec{row: i}), human(s.rows[i].Prompt))
			if err != nil {
				return nil, err
			}
			choice[i] = indexOf(s.models, d.Model)
		}
	}
	return choice, nil
}
