package llmrouter_test

import (
	"context"
	"runtime"
	"strconv"
	"testing"
	"time"

	"github.com/llmrouter/llmrouter"
	"github.com/llmrouter/llmrouter/budget"
	"github.com/llmrouter/llmrouter/latency"
	"github.com/llmrouter/llmrouter/routertest"
	"github.com/tmc/langchaingo/llms"
)

// BenchmarkRouteBudgets is issue 11's figure: Route on real 1 KB prompts
// with per-user, per-tag and global budgets (1,000 users), observed
// latency (a warmed Tracker applied before the filters, a latency budget
// in the hints, FastestAdequate) and tiers on, against the same route
// with none of them, timed in alternating blocks of 64 prompts so both see
// the same machine load. added-ns is the difference per Route; x-base the
// ratio.
func BenchmarkRouteBudgets(b *testing.B) {
	cards := []llmrouter.ModelCard{cheapCard, midCard, strongCard}
	var ps []llmrouter.Provider
	for i, c := range cards {
		c.ContextWindow = 0
		c.TypicalLatency = time.Duration(i+1) * time.Second
		cards[i] = c
		ps = append(ps, routertest.NewProvider(c))
	}
	base, err := llmrouter.New(ps)
	if err != nil {
		b.Fatal(err)
	}
	day := budget.Window{Period: budget.Day}
	bud, err := budget.New(budget.Config{Limits: []budget.Limit{
		{Scope: budget.PerUser, Tier: "free", USD: 0.05, Window: day},
		{Scope: budget.PerUser, Tier: "pro", USD: 5, Window: day},
		{Scope: budget.PerTag, Tag: "chat", USD: 100, Window: budget.Window{Period: budget.Hour, Rolling: true}},
		{Scope: budget.Global, USD: 1000, Window: budget.Window{Period: budget.Month}},
	}})
	if err != nil {
		b.Fatal(err)
	}
	tr, err := latency.New(latency.Config{MinSamples: 20})
	if err != nil {
		b.Fatal(err)
	}
	now := time.Now()
	for k := 0; k < 50; k++ {
		d := &llmrouter.Decision{}
		for i, c := range cards {
			d.Attempts = append(d.Attempts, llmrouter.Attempt{Model: c.Name, Start: now, Latency: time.Duration(i+1)*700*time.Millisecond + time.Duration(k)*time.Millisecond})
		}
		tr.Record(d)
	}
	tiers := llmrouter.TierFilter{Tiers: map[string][]string{"free": {"cheap", "mid"}, "pro": {"cheap", "mid", "strong"}}}
	full, err := llmrouter.New(ps, llmrouter.WithPolicy(llmrouter.Chain(tr, llmrouter.DefaultPolicy(tiers, bud, latency.FastestAdequate{}))))
	if err != nil {
		b.Fatal(err)
	}
	msgs, _ := routeMsgs(b, 1<<10)
	ctxs := make([]context.Context, 1000)
	for i := range ctxs {
		tier := "pro"
		if i%2 == 0 {
			tier = "free"
		}
		ctxs[i] = llmrouter.WithHints(context.Background(), llmrouter.Hints{User: "user-" + strconv.Itoa(i), Tier: tier,
			Tags: []string{"chat"}, LatencyBudget: 3 * time.Second})
	}
	b.Run("route", func(b *testing.B) { benchAlternate(b, base, full, ctxs, msgs) })
	b.Run("policy", func(b *testing.B) { benchPolicies(b, base, ctxs, msgs, tr, tiers, bud) })
}

// benchAlternate times Route on the two routers in alternating blocks.
func benchAlternate(b *testing.B, base, full *llmrouter.Router, ctxs []context.Context, msgs [][]llms.MessageContent) {
	var tBase, tFull time.Duration
	i := 0
	for b.Loop() {
		t0 := time.Now()
		for k := 0; k < 64; k++ {
			if _, err := base.Route(ctxs[(i+k)%len(ctxs)], msgs[(i+k)%len(msgs)]); err != nil {
				b.Fatal(err)
			}
		}
		t1 := time.Now()
		for k := 0; k < 64; k++ {
			if _, err := full.Route(ctxs[(i+k)%len(ctxs)], msgs[(i+k)%len(msgs)]); err != nil {
				b.Fatal(err)
			}
		}
		tFull += time.Since(t1)
		tBase += t1.Sub(t0)
		i += 64
	}
	b.ReportMetric(float64(tFull)/float64(tBase), "x-base")
	b.ReportMetric(float64((tFull-tBase).Nanoseconds())/float64(i), "added-ns")
	b.ReportMetric(float64(tBase.Nanoseconds())/float64(i), "base-ns")
}

// benchPolicies times only what differs between the two routers: the
// policy (DefaultPolicy() against the tracker, tiers, budget and
// FastestAdequate), applied to the routings of real prompts, in
// alternating blocks. Route's other stages are the same in both.
func benchPolicies(b *testing.B, base *llmrouter.Router, ctxs []context.Context, msgs [][]llms.MessageContent,
	tr *latency.Tracker, tiers llmrouter.TierFilter, bud *budget.Budget) {
	type input struct {
		d *llmrouter.Decision
		h llmrouter.Hints
	}
	var in []input
	for k := range msgs {
		d, err := base.Route(ctxs[k%len(ctxs)], msgs[k])
		if err != nil {
			b.Fatal(err)
		}
		in = append(in, input{d, llmrouter.Hints{User: "user-" + strconv.Itoa(k), Tier: []string{"free", "pro"}[k%2], Tags: []string{"chat"}, LatencyBudget: 3 * time.Second}})
	}
	models := base.Models()
	basePolicy := llmrouter.DefaultPolicy()
	fullPolicy := llmrouter.Chain(tr, llmrouter.DefaultPolicy(tiers, bud, latency.FastestAdequate{}))
	cands := make([]llmrouter.Candidate, len(models))
	plan := make([]llmrouter.Step, 0, len(models))
	var r llmrouter.Routing
	apply := func(p llmrouter.Policy, x input) {
		copy(cands, x.d.Candidates)
		for j := range cands {
			cands[j].Removed = ""
		}
		r = llmrouter.Routing{Features: &x.d.Features, Prediction: &x.d.Prediction, Hints: x.h, Models: models, Candidates: cands, Plan: plan[:0], Now: x.d.Time}
		if err := p.Apply(&r); err != nil {
			b.Fatal(err)
		}
	}
	// Thread CPU time besides wall time: the machine may be loaded.
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	var tBase, tFull, cBase, cFull time.Duration
	_, cpuOK := threadCPU()
	i := 0
	for b.Loop() {
		c0, _ := threadCPU()
		t0 := time.Now()
		for k := 0; k < 64; k++ {
			apply(basePolicy, in[(i+k)%len(in)])
		}
		t1 := time.Now()
		c1, _ := threadCPU()
		for k := 0; k < 64; k++ {
			apply(fullPolicy, in[(i+k)%len(in)])
		}
		c2, _ := threadCPU()
		tFull += time.Since(t1)
		tBase += t1.Sub(t0)
		cBase += c1 - c0
		cFull += c2 - c1
		i += 64
	}
	b.ReportMetric(float64((tFull-tBase).Nanoseconds())/float64(i), "added-ns")
	b.ReportMetric(float64(tBase.Nanoseconds())/float64(i), "base-ns")
	if cpuOK {
		b.ReportMetric(float64((cFull-cBase).Nanoseconds())/float64(i), "added-cpu-ns")
		b.ReportMetric(float64(cBase.Nanoseconds())/float64(i), "base-cpu-ns")
	}
}
