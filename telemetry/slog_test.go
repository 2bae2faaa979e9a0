package telemetry_test

import (
	"bytes"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/llmrouter/llmrouter"
	"github.com/llmrouter/llmrouter/telemetry"
	"github.com/stretchr/testify/assert"
)

func TestLogSink(t *testing.T) {
	failed := fallbackDecision()
	failed.Answered = ""
	failed.Err = fmt.Errorf("all failed: %w", errRateLimit)
	tests := []struct {
		name  string
		level slog.Level
		d     *llmrouter.Decision
		want  []string // lines, each a prefix up to a distinctive part
	}{
		{"nil decision", slog.LevelDebug, nil, nil},
		{"info: the request only", slog.LevelInfo, fallbackDecision(), []string{
			`time=2025-01-02T03:04:05.900Z level=INFO msg="llmrouter request" id=d-1 model=small answered=large attempts=3 cost_usd=0.004075 input_tokens=30 output_tokens=400 latency=900ms`,
		}},
		{"debug: every attempt, skips included, then the request", slog.LevelDebug, fallbackDecision(), []string{
			`time=2025-01-02T03:04:05.210Z level=DEBUG msg="llmrouter attempt" id=d-1 n=1 model=small outcome=error error.type=rate_limit error="rate_limit: 429: slow down" latency=200ms`,
			`time=2025-01-02T03:04:05.210Z level=DEBUG msg="llmrouter attempt" id=d-1 n=2 model=mid outcome=skipped skipped="cooling down"`,
			`time=2025-01-02T03:04:05.820Z level=DEBUG msg="llmrouter attempt" id=d-1 n=3 model=large outcome=ok latency=600ms input_tokens=30 output_tokens=400 cost_usd=0.004075`,
			`time=2025-01-02T03:04:05.900Z level=INFO msg="llmrouter request" id=d-1`,
		}},
		{"failed call: warn with the decisive code", slog.LevelInfo, failed, []string{
			`time=2025-01-02T03:04:05.900Z level=WARN msg="llmrouter request" id=d-1 model=small answered="" attempts=3 cost_usd=0.004075 input_tokens=30 output_tokens=400 latency=900ms error.type=rate_limit error="all failed: rate_limit: 429: slow down"`,
		}},
		{"warn: a success is not logged", slog.LevelWarn, fallbackDecision(), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			s := telemetry.NewLogSink(slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: tt.level})))
			s.Record(tt.d)
			var lines []string
			if out := strings.TrimSpace(buf.String()); out != "" {
				lines = strings.Split(out, "\n")
			}
			if !assert.Len(t, lines, len(tt.want), buf.String()) {
				return
			}
			for i, w := range tt.want {
				assert.True(t, strings.HasPrefix(lines[i], w), "line %d:\n got %s\nwant %s…", i+1, lines[i], w)
			}
			assert.NotContains(t, buf.String(), "alice", "the user is not logged")
		})
	}
}
