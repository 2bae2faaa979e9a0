package main

import (
	"context"
	"errors"
	"math"

	"github.com/llmrouter/llmrouter"
	"github.com/llmrouter/llmrouter/dataset"
	"github.com/tmc/langchaingo/llms"
)

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
