package verify

import (
	"context"
	"errors"
	"math"
	"testing"

	"github.com/llmrouter/llmrouter"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tmc/langchaingo/llms"
)

func TestVerify(t *testing.T) {
	m := trainedSmall(t)
	msgs := []llms.MessageContent{
		llms.TextParts(llms.ChatMessageTypeSystem, "be brief"),
		llms.TextParts(llms.ChatMessageTypeHuman, "How many meters does he run in 3 weeks of 60 meters?"),
	}
	answer := func(text string, tools bool) *llmrouter.Answer {
		c := &llms.ContentChoice{Content: text}
		if tools {
			c.ToolCalls = []llms.ToolCall{{FunctionCall: &llms.FunctionCall{Name: "f", Arguments: "{}"}}}
		}
		return &llmrouter.Answer{Model: "small", Messages: msgs, Response: &llms.ContentResponse{Choices: []*llms.ContentChoice{c}}}
	}
	good, doubtful := "3 * 60 = 180\n#### 180", "He runs far, I think"
	mid := (m.Score(promptOf(msgs), good) + m.Score(promptOf(msgs), doubtful)) / 2
	tests := []struct {
		name   string
		m      *Model
		a      *llmrouter.Answer
		reject bool
	}{
		{"good kept", m.WithCutoff(mid), answer(good, false), false},
		{"doubtful escalated", m.WithCutoff(mid), answer(doubtful, false), true},
		{"cutoff 1 keeps all", m.WithCutoff(1), answer(doubtful, false), false},
		{"cutoff 0 escalates all", m.WithCutoff(0), answer(good, false), true},
		{"tool call only: nothing to read", m.WithCutoff(0), answer("", true), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.m.Verify(context.Background(), tt.a)
			if !tt.reject {
				assert.NoError(t, err)
				return
			}
			var re *RejectedError
			require.True(t, errors.As(err, &re), "%v", err)
			assert.Greater(t, re.Score, re.Cutoff)
			assert.Contains(t, err.Error(), "above cutoff")
		})
	}
	// WithShare sets the cutoff from the training scores.
	assert.InDelta(t, 0.5, m.WithShare(0.5).Info().Share, 1e-12)
	assert.Equal(t, m.CutoffForShare(0.5), m.WithShare(0.5).Cutoff())
}

func TestTrainErrors(t *testing.T) {
	ex := []Example{{ID: "a", Label: 0.5}, {ID: "b", Label: 2}}
	tests := []struct {
		name string
		ex   []Example
		opts TrainOptions
		msg  string
	}{
		{"too few", ex[:1], TrainOptions{}, "at least 2"},
		{"label out of range", ex, TrainOptions{}, "label 2 outside"},
		{"negative l2", ex, TrainOptions{L2: -1}, "L2"},
		{"share out of range", ex, TrainOptions{Share: 1.5}, "share"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Train(tt.ex, tt.opts)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.msg)
		})
	}
}

func TestScorePrompt(t *testing.T) {
	m := Default()
	tests := []struct{ prompt, answer string }{
		{"", "42"},
		{"James has 3 apples and 1,200 pears. How many?", "3 + 1,200 = 1,203\n#### 1203"},
		{"Write a Python function", "```python\ndef f(x):\n    return x\n```\n"},
		{"Write a Python function", ""},
	}
	for _, tt := range tests {
		p := ReadPrompt(tt.prompt)
		want := m.Score(tt.prompt, tt.answer)
		assert.Equal(t, math.Float64bits(want), math.Float64bits(m.ScorePrompt(&p, tt.answer)), "%q / %q", tt.prompt, tt.answer)
		// and again: scoring does not change p
		assert.Equal(t, math.Float64bits(want), math.Float64bits(m.ScorePrompt(&p, tt.answer)), "%q / %q, second use", tt.prompt, tt.answer)
	}
	// The zero Prompt is the empty prompt's.
	assert.Equal(t, ReadPrompt(""), Prompt{})
	var zero Prompt
	assert.Equal(t, m.Score("", "The answer is 7."), m.ScorePrompt(&zero, "The answer is 7."))
}
