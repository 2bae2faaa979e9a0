package telemetry_test

import (
	"context"
	"testing"

	"github.com/llmrouter/llmrouter/telemetry"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/attribute"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
)

// harness is a Sink over in-memory exporters.
type harness struct {
	sink   *telemetry.Sink
	spans  *tracetest.SpanRecorder
	reader *sdkmetric.ManualReader
	tp     *sdktrace.TracerProvider
}

func newHarness(t testing.TB, o telemetry.Options) *harness {
	t.Helper()
	h := &harness{spans: tracetest.NewSpanRecorder(), reader: sdkmetric.NewManualReader()}
	h.tp = sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(h.spans))
	o.TracerProvider = h.tp
	o.MeterProvider = sdkmetric.NewMeterProvider(sdkmetric.WithReader(h.reader))
	s, err := telemetry.NewSink(o)
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, s.Close()) })
	h.sink = s
	return h
}

// byName returns the ended spans named name.
func (h *harness) byName(name string) []sdktrace.ReadOnlySpan {
	var out []sdktrace.ReadOnlySpan
	for _, s := range h.spans.Ended() {
		if s.Name() == name {
			out = append(out, s)
		}
	}
	return out
}

func (h *harness) collect(t testing.TB) metricdata.ResourceMetrics {
	t.Helper()
	var rm metricdata.ResourceMetrics
	require.NoError(t, h.reader.Collect(context.Background(), &rm))
	return rm
}

// point is one data point of a metric: its attributes and its value (a
// sum's value, a gauge's value, or a histogram's count and sum).
type point struct {
	attrs map[string]string
	value float64
	count uint64
}

// points returns the data points of the named metric; ok is false when the
// metric was not reported.
func points(rm metricdata.ResourceMetrics, name string) (pts []point, ok bool) {
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			if m.Name != name {
				continue
			}
			ok = true
			switch data := m.Data.(type) {
			case metricdata.Sum[int64]:
				for _, p := range data.DataPoints {
					pts = append(pts, point{attrs: attrMap(p.Attributes), value: float64(p.Value)})
				}
			case metricdata.Sum[float64]:
				for _, p := range data.DataPoints {
					pts = append(pts, point{attrs: attrMap(p.Attributes), value: p.Value})
				}
			case metricdata.Gauge[int64]:
				for _, p := range data.DataPoints {
					pts = append(pts, point{attrs: attrMap(p.Attributes), value: float64(p.Value)})
				}
			case metricdata.Histogram[float64]:
				for _, p := range data.DataPoints {
					pts = append(pts, point{attrs: attrMap(p.Attributes), value: p.Sum, count: p.Count})
				}
			case metricdata.Histogram[int64]:
				for _, p := range data.DataPoints {
					pts = append(pts, point{attrs: attrMap(p.Attributes), value: float64(p.Sum), count: p.Count})
				}
			}
		}
	}
	return pts, ok
}

func attrMap(s attribute.Set) map[string]string {
	m := make(map[string]string, s.Len())
	for _, kv := range s.ToSlice() {
		m[string(kv.Key)] = kv.Value.Emit()
	}
	return m
}

func spanAttrs(s sdktrace.ReadOnlySpan) map[string]string {
	m := make(map[string]string)
	for _, kv := range s.Attributes() {
		m[string(kv.Key)] = kv.Value.Emit()
	}
	return m
}
