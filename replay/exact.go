package replay

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"

	"github.com/llmrouter/llmrouter"
	"github.com/llmrouter/llmrouter/dataset"
	"github.com/tmc/langchaingo/llms"
)

// Chooser is a candidate router: the model it would choose for a prompt.
// It must be safe for sequential use; Exact and the CLI call it from one
// goroutine.
type Chooser func(ctx context.Context, prompt string) (string, error)

// RouterChooser is the model r.Route chooses for the prompt as one human
// message, without calling any model. A nil r gives a Chooser that fails
// saying so.
func RouterChooser(r *llmrouter.Router) Chooser {
	if r == nil {
		return func(context.Context, string) (string, error) {
			return "", errors.New("replay: RouterChooser: nil Router (did llmrouter.New fail?)")
		}
	}
	return func(ctx context.Context, prompt string) (string, error) {
		d, err := r.Route(ctx, []llms.MessageContent{llms.TextParts(llms.ChatMessageTypeHuman, prompt)})
		if err != nil {
			return "", err
		}
		return d.Model, nil
	}
}

// ExactResult is a candidate replayed on known outcomes.
type ExactResult struct {
	// N records replayed; Quality the mean score of the chosen models;
	// Cost the mean USD per request, over records with a cost (Costed).
	N       int
	Quality float64
	Cost    float64
	Costed  int
	// Chosen counts the records per chosen model.
	Chosen map[string]int
}

// RecordError is Exact's error for one record: recs[Index], its id and
// line (0 for a record built in memory), and what went wrong (the
// chooser's error, which it wraps, or a choice the record has no outcome
// for).
type RecordError struct {
	Index int
	ID    string
	Line  int
	Err   error
}

func (e *RecordError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("replay: record %q (line %d): %v", e.ID, e.Line, e.Err)
	}
	return fmt.Sprintf("replay: record %q: %v", e.ID, e.Err)
}

func (e *RecordError) Unwrap() error { return e.Err }

// Exact replays choose on every record: the chosen model's recorded score
// and cost. It fails with a *RecordError, naming the record, when the
// chooser fails or chooses a model the record has no outcome for, and at
// once when choose is nil. ctx is passed to the chooser; Exact stops when
// it is done.
func Exact(ctx context.Context, recs []dataset.Record, choose Chooser) (ExactResult, error) {
	res := ExactResult{Chosen: map[string]int{}}
	if choose == nil {
		return res, errors.New("replay: Exact: nil Chooser")
	}
	var q, c float64
	for i := range recs {
		rec := &recs[i]
		if err := ctx.Err(); err != nil {
			return res, err
		}
		m, err := choose(ctx, rec.Prompt)
		if err != nil {
			return res, &RecordError{Index: i, ID: rec.ID, Line: rec.Line, Err: err}
		}
		o, ok := rec.Outcomes[m]
		if !ok {
			return res, &RecordError{Index: i, ID: rec.ID, Line: rec.Line, Err: fmt.Errorf("no outcome for %q, the candidate's choice", m)}
		}
		res.N++
		res.Chosen[m]++
		q += o.Score
		if v, ok := o.CostValue(); ok {
			c += v
			res.Costed++
		}
	}
	if res.N > 0 {
		res.Quality = q / float64(res.N)
	}
	if res.Costed > 0 {
		res.Cost = c / float64(res.Costed)
	}
	return res, nil
}

// CardsFromOutcomes derives a model card per model of recs, in name order,
// for a router replaying them: Quality is the model's mean score, and both
// token prices are its mean cost per request times 1000 (as if every request
// used a thousand tokens), so that estimated costs rank the models as their
// real costs do. Models without costs get price 0. Taking cards from the
// very records replayed is in-sample: say so, or derive them from other
// records (a training file).
func CardsFromOutcomes(recs []dataset.Record) ([]llmrouter.ModelCard, error) {
	type acc struct {
		q, c  float64
		n, nc int
	}
	by := map[string]*acc{}
	for _, r := range recs {
		for m, o := range r.Outcomes {
			a := by[m]
			if a == nil {
				a = &acc{}
				by[m] = a
			}
			a.q += o.Score
			a.n++
			if v, ok := o.CostValue(); ok {
				a.c += v
				a.nc++
			}
		}
	}
	if len(by) == 0 {
		return nil, fmt.Errorf("replay: no outcomes to derive model cards from")
	}
	names := make([]string, 0, len(by))
	for m := range by {
		names = append(names, m)
	}
	slices.Sort(names)
	cards := make([]llmrouter.ModelCard, 0, len(names))
	for _, m := range names {
		a := by[m]
		q := math.Min(1, math.Max(0.01, a.q/float64(a.n)))
		price := 0.0
		if a.nc > 0 {
			price = a.c / float64(a.nc) * 1000
		}
		cards = append(cards, llmrouter.ModelCard{Name: m, Quality: q, InputPerMTok: price, OutputPerMTok: price})
	}
	return cards, nil
}
