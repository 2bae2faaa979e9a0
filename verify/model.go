package verify

import (
	"context"
	"errors"
	"fmt"
	"math"
	"sort"

	"github.com/llmrouter/llmrouter"
	"github.com/tmc/langchaingo/llms"
)

// Model is a trained answer verifier: a logistic model over the features
// of a prompt and one model's answer to it (length and structure, a stated
// final answer, arithmetic that does not check out, hedges and refusals,
// unbalanced code, prompt–answer number overlap, the prompt's own shape)
// whose score predicts how much a stronger model would improve on the
// answer. Used as an llmrouter.Verifier it rejects answers scoring above its
// cutoff, so with CheapestAdequate or Threshold a request starts at the
// cheap model and escalates to the next stronger model of the plan only
// when the verifier rejects:
//
//	r, _ := llmrouter.New(providers, llmrouter.WithFallback(llmrouter.Fallback{Verifier: verify.Default()}), …)
//
// A Model is immutable but for the read prompts Verify keeps for the
// next attempt (promptmemo.go): safe for concurrent use. Score allocates
// nothing; Verify allocates nothing when it accepts, and when it rejects
// the rejection error and the read prompt it keeps. Make one with Train,
// Read, Load or Default: the zero value is not usable (its Verify fails
// saying so).
type Model struct {
	w      [numFeatures]float64 // over raw features
	bias   float64
	cutoff float64
	// quantiles[i] is the score below which i/(len-1) of the training
	// answers fall: CutoffForShare reads it.
	quantiles []float64
	info      Info
	// dense1 marks a model read from a featureSet1 file: it scores
	// featureSet1's features, and saves as featureSet1.
	dense1 bool
	// memo keeps the prompts of rejected answers read, for the next
	// attempt's Verify; copies (WithCutoff) share it. Nil only in the
	// zero Model, whose Verify fails.
	memo *promptMemo
}

// Info describes how a model was trained; it is saved with the model.
type Info struct {
	// Pairs are the (strong, weak) model pairs whose weak answers it was
	// trained on.
	Pairs []Pair `json:"pairs"`
	// Target is what it predicts (TargetGain or TargetWeakFails).
	Target Target `json:"target"`
	// Rows is the number of training answers; L2 the ridge penalty.
	Rows int     `json:"rows"`
	L2   float64 `json:"l2"`
	// Share is the escalation share the stored cutoff gives on the
	// training answers (in-sample).
	Share float64 `json:"share"`
	// Note is free text (the data files, say).
	Note string `json:"note,omitempty"`
}

// Pair names a strong and a weak model of an outcomes file.
type Pair struct {
	Strong string `json:"strong"`
	Weak   string `json:"weak"`
}

// Info returns how the model was trained.
func (m *Model) Info() Info { return m.info }

// Score returns the model's escalation score for answer as a reply to
// prompt, in (0,1): higher means a stronger model is more likely to do
// better. Only the first 16 KiB of the answer and 4 KiB of the prompt are
// read closely; beyond that only their lengths count.
func (m *Model) Score(prompt, answer string) float64 {
	var p Prompt
	p.scan(prompt)
	return m.ScorePrompt(&p, answer)
}

func (m *Model) score(x *[numFeatures]float64) float64 {
	z := m.bias
	for i, v := range x {
		z += m.w[i] * v
	}
	return sigmoid(z)
}

func sigmoid(z float64) float64 { return 1 / (1 + math.Exp(-z)) }

// Cutoff returns the score above which Verify rejects.
func (m *Model) Cutoff() float64 { return m.cutoff }

// WithCutoff returns a copy of m that rejects answers scoring above c.
// A c of 1 or more never rejects; 0 or less rejects every answer. A NaN c
// panics naming it (it would accept every answer).
func (m *Model) WithCutoff(c float64) *Model {
	if c != c {
		panic(errors.New("verify: WithCutoff(NaN): want a number (1 or more never rejects, 0 or less rejects every answer)"))
	}
	n := *m
	n.cutoff = c
	return &n
}

// CutoffForShare returns the cutoff that rejects (escalates) about share of
// the answers the model was trained on (share in [0,1], clamped; a NaN
// share panics naming it). Where many training answers scored the same,
// all of them or none are escalated, whichever comes nearer share.
// Calibrate on your own traffic where you can: the training answers'
// distribution is only a guide to yours.
func (m *Model) CutoffForShare(share float64) float64 {
	if share != share {
		panic(errors.New("verify: CutoffForShare(NaN): want a share in [0,1]"))
	}
	share = min(max(share, 0), 1)
	if len(m.quantiles) < 2 {
		return 1 - share
	}
	if share == 0 {
		return 1
	}
	q := m.quantiles
	c := quantileAt(q, 1-share)
	// Verify rejects scores above the cutoff, so training answers that
	// all scored c (a run of equal quantiles) pass: escalate them too
	// when that comes nearer the share asked for.
	lo, hi := -1, -1
	for i, v := range q {
		if v == c {
			if lo < 0 {
				lo = i
			}
			hi = i
		}
	}
	if lo >= 0 && lo < hi {
		n := float64(len(q) - 1)
		above, atOrAbove := 1-float64(hi)/n, 1-float64(lo)/n
		if math.Abs(atOrAbove-share) < math.Abs(above-share) {
			return math.Nextafter(c, math.Inf(-1))
		}
	}
	return c
}

// WithShare returns a copy of m whose cutoff is CutoffForShare(share).
func (m *Model) WithShare(share float64) *Model {
	n := m.WithCutoff(m.CutoffForShare(share))
	n.info.Share = share
	return n
}

// quantileAt interpolates the evenly spaced quantile table q at p.
func quantileAt(q []float64, p float64) float64 {
	f := p * float64(len(q)-1)
	i := int(f)
	if i >= len(q)-1 {
		return q[len(q)-1]
	}
	return q[i] + (f-float64(i))*(q[i+1]-q[i])
}

// quantileTable returns n+1 evenly spaced quantiles of scores.
func quantileTable(scores []float64, n int) []float64 {
	s := append([]float64(nil), scores...)
	sort.Float64s(s)
	q := make([]float64, n+1)
	for i := range q {
		f := float64(i) / float64(n) * float64(len(s)-1)
		j := int(f)
		if j >= len(s)-1 {
			q[i] = s[len(s)-1]
			continue
		}
		q[i] = s[j] + (f-float64(j))*(s[j+1]-s[j])
	}
	return q
}

// RejectedError is the rejection Verify returns: the score and the cutoff
// it exceeded.
type RejectedError struct {
	Score, Cutoff float64
}

func (e *RejectedError) Error() string {
	return fmt.Sprintf("verify: escalation score %.3f above cutoff %.3f", e.Score, e.Cutoff)
}

// errZeroModel is Verify's error for a Model no constructor made.
var errZeroModel = errors.New("verify: Model not made by Train, Read, Load or Default (its zero value is not usable)")

// Verify implements llmrouter.Verifier: it scores the answer's text against
// the request's last human message (its first text part) and rejects with
// a *RejectedError when the score is above the cutoff. An answer with no
// text (tool calls only) is accepted: there is nothing to read. It never
// blocks and ignores ctx. The prompt of a rejected answer is kept read
// (the last few of them), so the next attempt's Verify reads only its
// answer.
func (m *Model) Verify(_ context.Context, a *llmrouter.Answer) error {
	if m.memo == nil {
		return errZeroModel
	}
	text := a.Text()
	if text == "" {
		return nil
	}
	prompt := promptOf(a.Messages)
	var read Prompt
	p := m.memo.get(prompt)
	if p == nil {
		read.scan(prompt)
		p = &read
	}
	s := m.ScorePrompt(p, text)
	if s > m.cutoff {
		if p == &read {
			// The request is likely escalated: its next answer is
			// verified against the same prompt.
			m.memo.put(prompt, p)
		}
		return &RejectedError{Score: s, Cutoff: m.cutoff}
	}
	return nil
}

var _ llmrouter.Verifier = (*Model)(nil)

// promptOf returns the first text part of the last human message.
func promptOf(msgs []llms.MessageContent) string {
	for i := len(msgs) - 1; i >= 0; i-- {
		m := msgs[i]
		if m.Role != llms.ChatMessageTypeHuman && m.Role != llms.ChatMessageTypeGeneric {
			continue
		}
		for _, p := range m.Parts {
			switch t := p.(type) {
			case llms.TextContent:
				return t.Text
			case *llms.TextContent:
				if t != nil {
					return t.Text
				}
			}
		}
		return ""
	}
	return ""
}
