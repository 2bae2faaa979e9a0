package budget_test

import (
	"strconv"
	"testing"
	"time"

	"github.com/llmrouter/llmrouter"
	"github.com/llmrouter/llmrouter/budget"
)

// BenchmarkApply is the budget filter alone: three limits (a user's day,
// a tag's rolling hour, a global month) over 1,000 users, three models.
func BenchmarkApply(b *testing.B) {
	bud, err := budget.New(budget.Config{Limits: []budget.Limit{
		{Scope: budget.PerUser, USD: 5, Window: budget.Window{Period: budget.Day}},
		{Scope: budget.PerTag, Tag: "chat", USD: 100, Window: budget.Window{Period: budget.Hour, Rolling: true}},
		{Scope: budget.Global, USD: 1000, Window: budget.Window{Period: budget.Month}},
	}})
	if err != nil {
		b.Fatal(err)
	}
	users := make([]string, 1000)
	for i := range users {
		users[i] = "user-" + strconv.Itoa(i)
	}
	now := time.Now()
	models := []llmrouter.ModelCard{cheapCard, strongCard, {Name: "mid"}}
	r := &llmrouter.Routing{Models: models, Candidates: make([]llmrouter.Candidate, 3), Now: now, Hints: llmrouter.Hints{Tags: []string{"chat"}}}
	i := 0
	b.ReportAllocs()
	for b.Loop() {
		r.Hints.User = users[i%len(users)]
		r.Candidates[0] = llmrouter.Candidate{Model: "cheap", Index: 0, Cost: 0.0002}
		r.Candidates[1] = llmrouter.Candidate{Model: "strong", Index: 1, Cost: 0.004}
		r.Candidates[2] = llmrouter.Candidate{Model: "mid", Index: 2, Cost: 0.001}
		if err := bud.Apply(r); err != nil {
			b.Fatal(err)
		}
		i++
	}
}
