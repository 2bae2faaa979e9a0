package verify

import (
	"context"
	"errors"
	"math"
	"testing"

	"github.com/llmrouter/llmrouter"
	"github.com/stretchr/testify/assert"
	"github.com/tmc/langchaingo/llms"
)

// CutoffForShare clamps share to [0,1] as its doc says, and panics naming
// a NaN share, as WithShare and WithCutoff do a NaN: CutoffForShare(NaN)
// panicked with "index out of range [-9223372036854775808]" and
// WithCutoff(NaN) made a verifier that accepted every answer silently.
func TestCutoffNaN(t *testing.T) {
	m := Default()
	assert.Equal(t, m.CutoffForShare(0), m.CutoffForShare(-1))
	assert.Equal(t, m.CutoffForShare(1), m.CutoffForShare(2))
	assert.PanicsWithError(t, "verify: CutoffForShare(NaN): want a share in [0,1]", func() { m.CutoffForShare(math.NaN()) })
	assert.PanicsWithError(t, "verify: CutoffForShare(NaN): want a share in [0,1]", func() { m.WithShare(math.NaN()) })
	assert.PanicsWithError(t, "verify: WithCutoff(NaN): want a number (1 or more never rejects, 0 or less rejects every answer)", func() { m.WithCutoff(math.NaN()) })
}

// A Model Train, Read, Load or Default did not make (its zero value: no
// weights, cutoff 0) fails every verification saying so, rather than
// rejecting every answer as scoring 0.5 above the cutoff 0 (a verdict
// that read as the verifier's).
func TestZeroModelVerify(t *testing.T) {
	var m Model
	a := &llmrouter.Answer{Model: "m", Messages: []llms.MessageContent{llms.TextParts(llms.ChatMessageTypeHuman, "2+2?")},
		Response: &llms.ContentResponse{Choices: []*llms.ContentChoice{{Content: "4"}}}}
	err := m.Verify(context.Background(), a)
	assert.EqualError(t, err, "verify: Model not made by Train, Read, Load or Default (its zero value is not usable)")
	var rej *RejectedError
	assert.False(t, errors.As(err, &rej))
}
