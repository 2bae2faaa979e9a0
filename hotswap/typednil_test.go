package hotswap_test

import (
	"testing"

	"github.com/llmrouter/llmrouter"
	"github.com/llmrouter/llmrouter/hotswap"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Swapping in a nil pointer or func (a classifier whose ReadLinearClassifier
// failed, its error dropped) is refused with an error naming it, and the
// old value stays: Swap panicked validating it (or, without a Validate,
// made every request fail with a recovered panic).
func TestSwapRefusesTypedNil(t *testing.T) {
	c := hotswap.NewClassifier(nil)
	p := hotswap.NewPolicy(nil)
	pair := hotswap.NewPair(nil, nil)
	_, err := llmrouter.New(providers(), llmrouter.WithClassifier(c), llmrouter.WithPolicy(p))
	require.NoError(t, err)
	_, err = llmrouter.New(providers(), llmrouter.WithClassifier(pair), llmrouter.WithPolicy(pair))
	require.NoError(t, err)
	oldC, oldP := c.Load(), p.Load()
	for _, tc := range []struct {
		name string
		swap func() error
		want string
	}{
		{"classifier", func() error { return c.Swap((*llmrouter.LinearClassifier)(nil)) }, "hotswap: new classifier is a nil *llmrouter.LinearClassifier; the old one stays"},
		{"policy", func() error { return p.Swap(llmrouter.PolicyFunc(nil)) }, "hotswap: new policy is a nil llmrouter.PolicyFunc; the old one stays"},
		{"pair", func() error { return pair.Swap((*llmrouter.LinearClassifier)(nil), nil) }, "hotswap: new classifier is a nil *llmrouter.LinearClassifier; the old one stays"},
	} {
		var err error
		require.NotPanics(t, func() { err = tc.swap() }, tc.name)
		assert.EqualError(t, err, tc.want, tc.name)
	}
	assert.Equal(t, oldC, c.Load(), "the old classifier stays")
	_, isFunc := p.Load().(llmrouter.PolicyFunc)
	assert.False(t, isFunc, "the old policy stays")
	assert.NotNil(t, oldP)

	// A holder made with a nil value fails New, naming it.
	_, err = llmrouter.New(providers(), llmrouter.WithClassifier(hotswap.NewClassifier((*llmrouter.LinearClassifier)(nil))))
	assert.EqualError(t, err, "hotswap: the classifier held is a nil *llmrouter.LinearClassifier")
	_, err = llmrouter.New(providers(), llmrouter.WithPolicy(hotswap.NewPolicy(llmrouter.PolicyFunc(nil))))
	assert.EqualError(t, err, "hotswap: the policy held is a nil llmrouter.PolicyFunc")
}
