package llmrouter_test

import (
	"context"
	"testing"
	"time"

	"github.com/llmrouter/llmrouter"
	"github.com/tmc/langchaingo/llms"
)

// BenchmarkGenerateOverheadCPU is BenchmarkGenerateOverhead's vs-route
// comparison on the process's CPU clock instead of the wall clock: blocks
// of Route calls alternate with blocks of GenerateContent calls (each
// overheadBlock long) on one router, and overhead-cpu-% = 100 ×
// (GenerateContent − Route − direct) / Route, where direct is the provider called directly (timed
// once, on the wall clock: it is some 10 ns). The process clock counts the
// collector's workers, which run on other threads, and not the time the
// process waited for a CPU, so a loaded machine moves it less than the
// wall clock. Run with -cpu 1.
//
//	go test -run '^$' -bench BenchmarkGenerateOverheadCPU -cpu 1 -count 6 . | benchstat -
func BenchmarkGenerateOverheadCPU(b *testing.B) {
	if _, ok := processCPU(); !ok {
		b.Skip("no process CPU clock on this system")
	}
	msgs, resp := genBenchMsgs(b), genBenchResponse()
	ctx := context.Background()
	opts := []llms.CallOption{llms.WithMaxTokens(64)}
	p := staticProvider{card: cheapCard, resp: resp}
	const directCalls = 1 << 14
	start := time.Now()
	for i := range directCalls {
		if _, err := p.GenerateContent(ctx, msgs[i%len(msgs)], opts...); err != nil {
			b.Fatal(err)
		}
	}
	direct := float64(time.Since(start)) / directCalls
	for _, bc := range cpuOverheadRows {
		b.Run(bc.name, func(b *testing.B) {
			r := newStaticRouter(b, resp, bc.opts...)
			t, n := cpuBlocks(b, msgs,
				func(m []llms.MessageContent) error { _, err := r.Route(ctx, m, opts...); return err },
				func(m []llms.MessageContent) error { _, err := r.GenerateContent(ctx, m, opts...); return err })
			route, gen := t[0], t[1]
			b.ReportMetric(100*(float64(gen-route)-direct*float64(n))/float64(route), "overhead-cpu-%")
			b.ReportMetric(float64(route)/float64(n), "route-cpu-ns")
			b.ReportMetric(float64(gen)/float64(n), "generate-cpu-ns")
		})
	}
}

// cpuOverheadRows are the execution modes the CPU-clock overhead
// benchmarks compare with Route.
var cpuOverheadRows = []struct {
	name string
	opts []llmrouter.Option
}{
	{"plain", nil},
	{"fallback", []llmrouter.Option{llmrouter.WithFallback(llmrouter.Fallback{})}},
}

// cpuBlocks runs b's loop: each iteration calls each of calls on
// overheadBlock consecutive prompts of msgs in turn, a block per call,
// timing each block on the process CPU clock. It returns the CPU time
// per call kind and the number of calls of each.
func cpuBlocks(b *testing.B, msgs [][]llms.MessageContent, calls ...func([]llms.MessageContent) error) ([]time.Duration, int) {
	total := make([]time.Duration, len(calls))
	n := 0
	for b.Loop() {
		for c, call := range calls {
			t0, _ := processCPU()
			for k := range overheadBlock {
				if err := call(msgs[(n+k)%len(msgs)]); err != nil {
					b.Fatal(err)
				}
			}
			t1, _ := processCPU()
			total[c] += t1 - t0
		}
		n += overheadBlock
	}
	return total, n
}

// BenchmarkGenerateOverheadParts splits BenchmarkGenerateOverhead's
// overhead-% in two: blocks of Route, of GenerateContent without the
// annotated copy of the answer (the GenerationInfo map each returned
// choice gets, with the provider's keys and the router's four:
// InfoDecision, InfoDecisionID, InfoModel, InfoCostUSD), and of
// GenerateContent, alternated on one router and timed on the process's
// CPU clock as BenchmarkGenerateOverheadCPU does. It reports
// overhead-cpu-% = 100 × (GenerateContent − Route) / Route,
// unannotated-cpu-% likewise for the calls without the annotation, and
// annotate-cpu-% the difference (the provider, some 10 ns, is not taken
// off).
//
//	go test -run '^$' -bench BenchmarkGenerateOverheadParts -cpu 1 -count 6 . | benchstat -
func BenchmarkGenerateOverheadParts(b *testing.B) {
	if _, ok := processCPU(); !ok {
		b.Skip("no process CPU clock on this system")
	}
	msgs, resp := genBenchMsgs(b), genBenchResponse()
	ctx := context.Background()
	opts := []llms.CallOption{llms.WithMaxTokens(64)}
	for _, bc := range cpuOverheadRows {
		b.Run(bc.name, func(b *testing.B) {
			r := newStaticRouter(b, resp, bc.opts...)
			t, _ := cpuBlocks(b, msgs,
				func(m []llms.MessageContent) error { _, err := r.Route(ctx, m, opts...); return err },
				func(m []llms.MessageContent) error {
					_, err := llmrouter.GenerateUnannotated(r, ctx, m, opts...)
					return err
				},
				func(m []llms.MessageContent) error { _, err := r.GenerateContent(ctx, m, opts...); return err })
			route, bare, gen := t[0], t[1], t[2]
			b.ReportMetric(100*float64(gen-route)/float64(route), "overhead-cpu-%")
			b.ReportMetric(100*float64(bare-route)/float64(route), "unannotated-cpu-%")
			b.ReportMetric(100*float64(gen-bare)/float64(route), "annotate-cpu-%")
		})
	}
}
