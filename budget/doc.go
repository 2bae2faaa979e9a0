// Package budget enforces spend limits across requests: per user
// (Hints.User), per feature (a tag in Hints.Tags) and global, over
// calendar or rolling windows of a minute, an hour, a day or a month.
//
// A Budget is an llmrouter.Policy. Put it among the router's filters:
//
//	b, _ := budget.New(budget.Config{Limits: []budget.Limit{
//		{Scope: budget.PerUser, Tier: "free", USD: 0.05, Window: budget.Window{Period: budget.Day}},
//		{Scope: budget.PerUser, Tier: "pro", USD: 5, Window: budget.Window{Period: budget.Day}},
//		{Scope: budget.Global, USD: 500, Window: budget.Window{Period: budget.Month}},
//	}})
//	r, _ := llmrouter.New(providers, llmrouter.WithPolicy(llmrouter.DefaultPolicy(b, llmrouter.CheapestAdequate{})))
//
// Before the call it removes the models a request's budgets cannot pay
// for, so the request degrades to a cheaper model; it reserves the spend
// atomically, holds the call to the reservation, and charges the real cost
// afterwards (see Budget). A request no model fits gets an *ExceededError
// naming the budget and when it frees up.
//
// Totals live in a Store: MemoryStore for one process; the interface is
// small and id-based (Reserve, then Commit or Refund, each one atomic
// step), so a shared store such as Redis can implement it with one script
// per method. Money is counted in Nanos (10⁻⁹ USD), so totals add up
// exactly.
//
// Tradeoff, a selection rule, routes by predicted quality less λ times
// cost, with λ per tier.
package budget
