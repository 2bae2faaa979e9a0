package telemetry_test

import (
	"testing"

	"github.com/llmrouter/llmrouter/telemetry"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
)

// A provider given as a nil pointer (a constructor whose error was
// dropped) panicked NewSink with a nil dereference; it fails naming the
// field, as llmrouter.New does for its stages. A nil interface still means
// the global provider.
func TestNewSinkRejectsNilPointerProviders(t *testing.T) {
	for _, tt := range []struct {
		name string
		o    telemetry.Options
		want string
	}{
		{"tracer provider", telemetry.Options{TracerProvider: (*sdktrace.TracerProvider)(nil)},
			"telemetry: Options.TracerProvider is a nil *trace.TracerProvider (did its constructor fail?)"},
		{"meter provider", telemetry.Options{MeterProvider: (*sdkmetric.MeterProvider)(nil)},
			"telemetry: Options.MeterProvider is a nil *metric.MeterProvider (did its constructor fail?)"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var err error
			require.NotPanics(t, func() { _, err = telemetry.NewSink(tt.o) })
			assert.EqualError(t, err, tt.want)
		})
	}
	s, err := telemetry.NewSink(telemetry.Options{})
	require.NoError(t, err)
	require.NoError(t, s.Close())
}
