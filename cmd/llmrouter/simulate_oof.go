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

// outOfFold routes every row by an offline classifier trained on the other
// folds (rows i mod oofFolds), reading its prediction as rewardRule does:
// the offline comparator without the in-sample advantage (a learner that
// only ever sees a row once cannot have memorised it). It returns the
// chosen model per row.
func (s *sim) outOfFold(ctx context.Context) ([]int, error) {
	choice := make([]int, len(s.rows))
	for fo := range oofFolds {
		var tr []dataset.Record
		for i, r := range s.rows {
			if i%oofFolds != fo {
				tr = append(tr, r)
			}
		}
		cl, err := train.Linear(&dataset.Dataset{Records: tr}, train.Options{Models: s.models, Seed: s.f.seed})
		if err != nil {
			return nil, fmt.Errorf("out-of-fold classifier, fold %d: %w", fo, err)
		}
		r, err := llmrouter.New(s.providers(), llmrouter.WithClassifier(cl), llmrouter.WithPolicy(llmrouter.DefaultPolicy(rewardRule(s.lambda))))
		if err != nil {
			return nil, err
		}
		for i := fo; i < len(s.rows); i += oofFolds {
			d, err := r.Route(context.WithValue(ctx, recKey{}, simRec{row: i}), human(s.rows[i].Prompt))
			if err != nil {
				return nil, err
			}
			choice[i] = indexOf(s.models, d.Model)
		}
	}
	return choice, nil
}
