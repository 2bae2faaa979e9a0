package llmrouter_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/llmrouter/llmrouter"
	"github.com/llmrouter/llmrouter/routertest"
)

// A plan may not name a model a filter removed: a selection rule chained
// before a filter (Chain(rule, TierFilter{…})) must not send a free user
// to a model the tier forbids, nor may a custom rule call a removed model.
// The router refuses such a plan, naming the model, the reason it was
// removed and the fix, and calls no model.
func TestPlanNamingRemovedModelFails(t *testing.T) {
	tiers := llmrouter.TierFilter{Tiers: map[string][]string{"free": {"cheap"}, "pro": {"cheap", "strong"}}}
	planRemoved := llmrouter.PolicyFunc(func(r *llmrouter.Routing) error {
		r.Remove(1, "kept out by this rule")
		r.Plan = append(r.Plan, llmrouter.Step{Model: "strong", Index: 1, Reason: "planned anyway"})
		return nil
	})
	for _, tc := range []struct {
		name    string
		policy  llmrouter.Policy
		hints   llmrouter.Hints
		wantErr []string // substrings of the error; none: the route succeeds
		want    string
	}{
		{"tier filter after the rule", llmrouter.Chain(llmrouter.Threshold{Strong: "strong", Weak: "cheap"}, tiers),
			llmrouter.Hints{Tier: "free"}, []string{`"strong"`, `not allowed on tier "free"`, "filters before"}, ""},
		{"tier filter after the rule, model allowed", llmrouter.Chain(llmrouter.Threshold{Strong: "strong", Weak: "cheap"}, tiers),
			llmrouter.Hints{Tier: "pro"}, nil, "strong"},
		{"tier filter before the rule", llmrouter.Chain(tiers, llmrouter.Threshold{Strong: "strong", Weak: "cheap"}),
			llmrouter.Hints{Tier: "free"}, nil, "cheap"},
		{"a rule planning a model it removed", planRemoved,
			llmrouter.Hints{}, []string{`"strong"`, "kept out by this rule"}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, cheap, strong := cheapStrongRouter(t, tc.policy)
			ctx := llmrouter.WithHints(context.Background(), tc.hints)

			d, err := r.Route(ctx, human("hello"))
			if tc.wantErr == nil {
				require.NoError(t, err)
				assert.Equal(t, tc.want, d.Model)
				return
			}
			require.Error(t, err)
			for _, s := range tc.wantErr {
				assert.Contains(t, err.Error(), s)
			}
			_, err = r.GenerateContent(ctx, human("hello"))
			require.Error(t, err)
			assert.Zero(t, cheap.CallCount()+strong.CallCount(), "no model is called")
		})
	}
}

// A step whose Index does not match its Model fails the request; when the
// model is the router's, the error says which index it has, so that a
// custom rule that forgot Step.Index (0) learns what to set.
func TestPlanStepIndexMismatchSaysTheIndex(t *testing.T) {
	for _, tc := range []struct {
		name string
		step llmrouter.Step
		want []string
	}{
		{"index left at zero", llmrouter.Step{Model: "strong", Reason: "x"},
			[]string{`"strong"`, "index 0", "Candidate.Index 1"}},
		{"index out of range", llmrouter.Step{Model: "strong", Index: 7, Reason: "x"},
			[]string{`"strong"`, "index 7", "Candidate.Index 1"}},
		{"not a model of the router", llmrouter.Step{Model: "gpt-5", Index: 1, Reason: "x"},
			[]string{`"gpt-5"`, "not a router model"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cheap := routertest.NewProvider(cheapCard)
			strong := routertest.NewProvider(strongCard)
			r, err := llmrouter.New([]llmrouter.Provider{cheap, strong}, llmrouter.WithPolicy(llmrouter.PolicyFunc(func(r *llmrouter.Routing) error {
				r.Plan = append(r.Plan, tc.step)
				return nil
			})))
			require.NoError(t, err)
			_, err = r.Route(context.Background(), human("hello"))
			require.Error(t, err)
			for _, s := range tc.want {
				assert.Contains(t, err.Error(), s)
			}
		})
	}
}

// A plan may not name a model twice: a selection rule considers only the
// candidates not already planned (see Policy). A second step on the same
// model would call it again after the models between had failed, outside
// the retry policy, and count it twice in the plan. The router refuses
// such a plan, naming the model and both steps, and calls no model. The
// built-in Threshold, chained after a rule that planned one of its two
// models, plans only the other.
func TestPlanNamingAModelTwice(t *testing.T) {
	twice := llmrouter.PolicyFunc(func(r *llmrouter.Routing) error {
		r.Plan = append(r.Plan, llmrouter.Step{Model: "cheap", Index: 0, Reason: "first"},
			llmrouter.Step{Model: "strong", Index: 1, Reason: "then"}, llmrouter.Step{Model: "cheap", Index: 0, Reason: "again"})
		return nil
	})
	strongFirst := llmrouter.PolicyFunc(func(r *llmrouter.Routing) error {
		r.Plan = append(r.Plan, llmrouter.Step{Model: "strong", Index: 1, Reason: "planned before the threshold"})
		return nil
	})
	for _, tc := range []struct {
		name    string
		policy  llmrouter.Policy
		wantErr []string
		want    []string
	}{
		{"a rule planning a model twice", twice, []string{`"cheap"`, "twice", "steps 1 and 3"}, nil},
		{"threshold after a rule that planned its strong model", llmrouter.Chain(strongFirst, llmrouter.Threshold{Strong: "strong", Weak: "cheap"}),
			nil, []string{"strong", "cheap"}},
		{"threshold after a rule that planned its weak model", llmrouter.Chain(llmrouter.PolicyFunc(func(r *llmrouter.Routing) error {
			r.Plan = append(r.Plan, llmrouter.Step{Model: "cheap", Index: 0, Reason: "planned before the threshold"})
			return nil
		}), llmrouter.Threshold{Strong: "strong", Weak: "cheap", Cutoff: 1}), nil, []string{"cheap", "strong"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, cheap, strong := cheapStrongRouter(t, tc.policy)
			d, err := r.Route(context.Background(), human("hello"))
			if tc.wantErr == nil {
				require.NoError(t, err)
				var got []string
				for _, s := range d.Plan {
					got = append(got, s.Model)
				}
				assert.Equal(t, tc.want, got)
				return
			}
			require.Error(t, err)
			for _, s := range tc.wantErr {
				assert.Contains(t, err.Error(), s)
			}
			_, err = r.GenerateContent(context.Background(), human("hello"))
			require.Error(t, err)
			assert.Zero(t, cheap.CallCount()+strong.CallCount(), "no model is called")
		})
	}
}

// TestPlanNamingAModelTwiceManyModels is TestPlanNamingAModelTwice's first
// case on a router of more than 64 models, which the router checks
// another way.
func TestPlanNamingAModelTwiceManyModels(t *testing.T) {
	var ps []llmrouter.Provider
	for i := range 70 {
		ps = append(ps, routertest.NewProvider(llmrouter.ModelCard{Name: fmt.Sprintf("m%d", i), Quality: 0.5}, routertest.Response{Text: "a"}))
	}
	for _, tc := range []struct {
		name    string
		indexes []int
		wantErr string
	}{
		{"twice", []int{3, 68, 5, 68}, `policy planned "m68" twice (steps 2 and 4)`},
		{"once each", []int{3, 68, 5, 69, 0}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := llmrouter.New(ps, llmrouter.WithPolicy(llmrouter.PolicyFunc(func(r *llmrouter.Routing) error {
				for _, i := range tc.indexes {
					r.Plan = append(r.Plan, llmrouter.Step{Model: r.Models[i].Name, Index: i, Reason: "x"})
				}
				return nil
			})))
			require.NoError(t, err)
			d, err := r.Route(context.Background(), human("hello"))
			if tc.wantErr != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tc.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Len(t, d.Plan, len(tc.indexes))
		})
	}
}

// cheapStrongRouter is a router over a cheap and a strong fake (qualities
// 0.5 and 0.9) planned by policy.
func cheapStrongRouter(t *testing.T, policy llmrouter.Policy) (r *llmrouter.Router, cheap, strong *routertest.Provider) {
	t.Helper()
	cheap = routertest.NewProvider(cheapCard, routertest.Response{Text: "c"})
	strong = routertest.NewProvider(strongCard, routertest.Response{Text: "s"})
	r, err := llmrouter.New([]llmrouter.Provider{cheap, strong},
		llmrouter.WithClassifier(fixed(0.5, 0.9)), llmrouter.WithPolicy(policy))
	require.NoError(t, err)
	return r, cheap, strong
}
