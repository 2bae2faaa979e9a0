package llmrouter_test

import (
	"context"
	"errors"
	"testing"

	"github.com/llmrouter/llmrouter"
	"github.com/llmrouter/llmrouter/routertest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tmc/langchaingo/llms"
)

type ctxKey struct{}

// contextSink records the context value each decision arrived with.
type contextSink struct {
	plain, withCtx []string
}

func (s *contextSink) Record(d *llmrouter.Decision) { s.plain = append(s.plain, d.Model) }
func (s *contextSink) RecordContext(ctx context.Context, d *llmrouter.Decision) {
	v, _ := ctx.Value(ctxKey{}).(string)
	s.withCtx = append(s.withCtx, v)
}

// A sink that has RecordContext gets the caller's context (telemetry parents
// its spans on the caller's), on success and on failure; Record is not called.
func TestSinkRecordContextGetsCallersContext(t *testing.T) {
	for _, tt := range []struct {
		name    string
		failErr error
	}{{"success", nil}, {"failure", errors.New("boom")}} {
		t.Run(tt.name, func(t *testing.T) {
			p := routertest.NewProvider(llmrouter.ModelCard{Name: "m"}, routertest.Response{Text: "ok", Err: tt.failErr})
			s := &contextSink{}
			r, err := llmrouter.New([]llmrouter.Provider{p}, llmrouter.WithSink(s))
			require.NoError(t, err)
			ctx := context.WithValue(context.Background(), ctxKey{}, "caller")
			_, err = r.GenerateContent(ctx, []llms.MessageContent{llms.TextParts(llms.ChatMessageTypeHuman, "hi")})
			if tt.failErr != nil {
				require.Error(t, err)
			} else {
				require.NoError(t, err)
			}
			assert.Equal(t, []string{"caller"}, s.withCtx)
			assert.Empty(t, s.plain)
		})
	}
}
