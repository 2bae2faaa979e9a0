package llmrouter_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/llmrouter/llmrouter"
	"github.com/llmrouter/llmrouter/routertest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A randomised policy sees the decision's id (to key what it learns from
// feedback) and its propensity lands in the Decision and its JSON.
func TestPolicyPropensityRecorded(t *testing.T) {
	for _, tt := range []struct {
		name string
		p    float64
		want string // the propensity in the JSON form; "" = absent
	}{
		{"randomised", 0.25, "0.25"},
		{"deterministic (unset)", 0, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var seen string
			pol := llmrouter.PolicyFunc(func(r *llmrouter.Routing) error {
				seen = r.DecisionID
				r.Plan = append(r.Plan, llmrouter.Step{Model: "cheap", Index: 0})
				r.Propensity = tt.p
				return nil
			})
			r, err := llmrouter.New([]llmrouter.Provider{routertest.NewProvider(cheapCard)}, llmrouter.WithPolicy(pol),
				llmrouter.WithIDGenerator(func() string { return "d-1" }))
			require.NoError(t, err)
			d, err := r.Route(context.Background(), human("hi"))
			require.NoError(t, err)
			assert.Equal(t, "d-1", seen)
			assert.Equal(t, tt.p, d.Propensity)
			b, err := json.Marshal(d)
			require.NoError(t, err)
			var m map[string]json.RawMessage
			require.NoError(t, json.Unmarshal(b, &m))
			got, ok := m["propensity"]
			assert.Equal(t, tt.want != "", ok, "propensity key in %s", b)
			if tt.want != "" {
				assert.Equal(t, tt.want, string(got))
			}
			var back llmrouter.Decision
			require.NoError(t, json.Unmarshal(b, &back))
			assert.Equal(t, tt.p, back.Propensity)
		})
	}
}
