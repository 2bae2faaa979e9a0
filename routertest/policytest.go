package routertest

import (
	"context"
	"errors"
	"testing"

	"github.com/llmrouter/llmrouter"
	"github.com/tmc/langchaingo/llms"
)

// Case is one row of a routing table test: a request and the model it must
// go to (or the error it must fail with).
type Case struct {
	// Name names the subtest; Prompt is the human message, or Messages the
	// whole conversation when set.
	Name     string
	Prompt   string
	Messages []llms.MessageContent
	Options  []llms.CallOption
	Hints    llmrouter.Hints
	// Want is the model the router must choose; WantPlan, if set, the
	// whole plan in order; WantLabel, if set, the classifier's label.
	Want      string
	WantPlan  []string
	WantLabel string
	// WantErr, if set, is the error Route must fail with (errors.Is).
	WantErr error
}

// AssertRoutes runs each case through r.Route (no model is called) as a
// subtest named after Case.Name and reports every mismatch with the
// decision's explanation. A case that sets none of Want, WantPlan,
// WantLabel and WantErr fails: it would check nothing. A failure's line is the AssertRoutes call; the
// subtest name says which row failed, so give every row a distinct Name.
func AssertRoutes(t *testing.T, r *llmrouter.Router, cases []Case) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			t.Helper()
			if c.Want == "" && c.WantPlan == nil && c.WantLabel == "" && c.WantErr == nil {
				t.Fatalf("case %q checks nothing: set Want, WantPlan, WantLabel or WantErr", c.Name)
			}
			msgs := c.Messages
			if msgs == nil {
				msgs = []llms.MessageContent{llms.TextParts(llms.ChatMessageTypeHuman, c.Prompt)}
			}
			ctx := llmrouter.WithHints(context.Background(), c.Hints)
			d, err := r.Route(ctx, msgs, c.Options...)
			if c.WantErr != nil {
				if !errors.Is(err, c.WantErr) {
					t.Fatalf("Route error = %v, want %v", err, c.WantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("Route: %v", err)
			}
			if c.Want != "" && d.Model != c.Want {
				t.Errorf("routed to %q, want %q\n%s", d.Model, c.Want, d.Explain())
			}
			if c.WantPlan != nil {
				got := make([]string, len(d.Plan))
				for i, s := range d.Plan {
					got[i] = s.Model
				}
				if !equal(got, c.WantPlan) {
					t.Errorf("plan %q, want %q\n%s", got, c.WantPlan, d.Explain())
				}
			}
			if c.WantLabel != "" && d.Prediction.Label != c.WantLabel {
				t.Errorf("label %q, want %q\n%s", d.Prediction.Label, c.WantLabel, d.Explain())
			}
		})
	}
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
