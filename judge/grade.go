package judge

import (
	"context"
	"errors"
	"fmt"
	"log"
	"runtime/debug"

	"github.com/llmrouter/llmrouter"
	"github.com/tmc/langchaingo/llms"
)

// run judges one item on a worker and delivers the result.
func (j *Judge) run(it Item) {
	if j.base.Err() != nil { // Close gave up waiting: what is left is dropped
		j.dropped.Add(1)
		return
	}
	ctx, cancel := context.WithCancelCause(j.base)
	defer cancel(nil)
	if t := j.opts.Timeout; t > 0 {
		go func() { // ends with the item: cancel is deferred
			select {
			case <-j.clock.After(t):
				cancel(fmt.Errorf("judge: timed out after %s", t))
			case <-ctx.Done():
			}
		}()
	}
	r := Result{ID: it.ID, Model: it.Model, Pairwise: j.opts.Reference != nil}
	r.Err = j.grade(ctx, it, &r)
	j.inTokens.Add(int64(r.Usage.InputTokens))
	j.outTokens.Add(int64(r.Usage.OutputTokens))
	switch {
	case r.Err == nil && j.opts.Feedback != nil:
		if err := j.feedback(ctx, it.ID, r.Score, r.Note); err != nil {
			r.Err = fmt.Errorf("judge: feedback for decision %q: %w", it.ID, err)
			j.feedbackFailed.Add(1)
		} else {
			j.graded.Add(1)
		}
	case r.Err == nil:
		j.graded.Add(1)
	case errors.Is(r.Err, ErrMalformed):
		j.malformed.Add(1)
	case errors.Is(r.Err, ErrOverCap):
		j.overCap.Add(1)
	default:
		j.failed.Add(1)
	}
	if r.Err != nil {
		j.problem(r.Err.Error())
	}
	if j.opts.OnResult != nil {
		j.onResult(r)
	}
}

// onResult calls Options.OnResult. Its panic is recovered (an unrecovered
// panic on a worker would end the process), logged with its stack through
// the standard log package (as a router logs a sink's) and kept as
// Stats.LastProblem; the worker goes on with the next item.
func (j *Judge) onResult(r Result) {
	defer func() {
		if v := recover(); v != nil {
			msg := fmt.Sprintf("judge: Options.OnResult panicked on decision %q: %v", r.ID, v)
			log.Printf("%s\n%s", msg, debug.Stack())
			j.problem(msg)
		}
	}()
	j.opts.OnResult(r)
}

// feedback delivers a grade, turning a panic in Feedback into its error:
// a judge never takes the process down.
func (j *Judge) feedback(ctx context.Context, id string, score float64, note string) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("panicked: %v", v)
		}
	}()
	return j.opts.Feedback.Feedback(ctx, id, score, note)
}

// grade fills r's grade, score, note, usage and cost.
func (j *Judge) grade(ctx context.Context, it Item, r *Result) error {
	judge := j.opts.Judge.Card()
	maxOut := j.opts.MaxOutputTokens
	if j.opts.Reference == nil {
		msgs := pointwiseMessages(j.opts.Rubric, newNonce(cryptoUint64, it.Prompt, it.Answer), it.Prompt, it.Answer)
		c := judge.Cost(estTokens(msgs), maxOut)
		if err := j.reserve(r, c); err != nil {
			return err
		}
		defer func() { j.budget.settle(c, r.Cost) }()
		out, err := j.call(ctx, j.opts.Judge, msgs, maxOut, r)
		if err != nil {
			return err
		}
		g, err := parseGrade(out)
		if err != nil {
			return fmt.Errorf("judge %s on decision %q: %w", judge.Name, it.ID, err)
		}
		r.Grade, r.Score = g, (g-1)/9
		r.Note = fmt.Sprintf("judge %s: %g/10", judge.Name, g)
		return nil
	}

	ref := j.opts.Reference.Card()
	refMax := j.opts.ReferenceMaxTokens
	refMsgs := []llms.MessageContent{llms.TextParts(llms.ChatMessageTypeHuman, it.Prompt)}
	// Worst case: the reference's answer at its limit, in both games.
	game := estTokens(pairwiseMessages(j.opts.Rubric, "0123456789abcdef", it.Prompt, it.Answer, "")) + refMax
	c := ref.Cost(estTokens(refMsgs), refMax) + 2*judge.Cost(game, maxOut)
	if err := j.reserve(r, c); err != nil {
		return err
	}
	defer func() { j.budget.settle(c, r.Cost) }()
	refAnswer, err := j.call(ctx, j.opts.Reference, refMsgs, refMax, r)
	if err != nil {
		return err
	}
	if refAnswer == "" {
		return fmt.Errorf("judge: reference %s gave an empty answer to decision %q", ref.Name, it.ID)
	}
	nonce := newNonce(cryptoUint64, it.Prompt, it.Answer, refAnswer)
	var score float64
	for g, pair := range [2][2]string{{it.Answer, refAnswer}, {refAnswer, it.Answer}} {
		out, err := j.call(ctx, j.opts.Judge, pairwiseMessages(j.opts.Rubric, nonce, it.Prompt, pair[0], pair[1]), maxOut, r)
		if err != nil {
			return err
		}
		v, err := parseVerdict(out)
		if err != nil {
			return fmt.Errorf("judge %s on decision %q, game %d: %w", judge.Name, it.ID, g+1, err)
		}
		r.Verdicts[g] = string(v)
		if g == 0 {
			score += v.scoreA() / 2
		} else {
			score += (1 - v.scoreA()) / 2
		}
	}
	r.Score = score
	r.Note = fmt.Sprintf("judge %s vs %s: %s (answer as A), %s (answer as B)", judge.Name, ref.Name, r.Verdicts[0], r.Verdicts[1])
	return nil
}

// reserve reserves c, the item's worst-case cost, under the spend cap; the
// caller settles it with r.Cost when the item is done.
func (j *Judge) reserve(r *Result, c float64) error {
	if !j.budget.reserve(c) {
		return fmt.Errorf("%w: decision %q needs up to $%.6f, over the $%.6f cap per %s", ErrOverCap, r.ID, c, j.opts.SpendCap, j.opts.Window)
	}
	return nil
}

// call asks p, adding its usage and cost to r. A panic in the model is
// returned as an error: a judge never takes the process down.
func (j *Judge) call(ctx context.Context, p llmrouter.Provider, msgs []llms.MessageContent, maxTokens int, r *Result) (out string, err error) {
	card := p.Card()
	opts := []llms.CallOption{llms.WithMaxTokens(maxTokens)}
	if p != j.opts.Reference {
		opts = append(opts, llms.WithTemperature(0))
	}
	if card.APIModel != "" {
		opts = append(opts, llms.WithModel(card.APIModel))
	}
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("judge: %s panicked: %v", card.Name, v)
		}
	}()
	resp, err := p.GenerateContent(ctx, msgs, opts...)
	if err == nil && resp == nil {
		err = errors.New("nil response")
	}
	if err != nil {
		if ctx.Err() != nil {
			err = fmt.Errorf("%w (%v)", err, context.Cause(ctx))
		}
		return "", fmt.Errorf("judge: %s on decision %q: %w", card.Name, r.ID, err)
	}
	u := usageOf(resp, msgs)
	r.Usage.InputTokens += u.InputTokens
	r.Usage.OutputTokens += u.OutputTokens
	r.Usage.Estimated = r.Usage.Estimated || u.Estimated
	r.Cost += card.Cost(u.InputTokens, u.OutputTokens) // cache tokens at the input price: an upper bound
	return content(resp), nil
}
