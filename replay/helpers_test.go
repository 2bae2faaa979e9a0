package replay

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/llmrouter/llmrouter"
	"github.com/llmrouter/llmrouter/dataset"
	"github.com/stretchr/testify/require"
)

// logFile writes decision and feedback lines in decisionlog's format to one
// file of dir, as a writer recording propensities would.
type logFile struct {
	t    testing.TB
	f    *os.File
	time time.Time
}

func newLogFile(t testing.TB, dir, name string) *logFile {
	f, err := os.Create(filepath.Join(dir, name))
	require.NoError(t, err)
	t.Cleanup(func() { f.Close() })
	return &logFile{t: t, f: f, time: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
}

// decision logs d, with its cost set to cost and, unless prop is nil, a
// "propensity".
func (l *logFile) decision(d *llmrouter.Decision, prop *float64, cost float64) {
	d.Cost = cost
	raw, err := json.Marshal(d)
	require.NoError(l.t, err)
	if prop != nil {
		var m map[string]json.RawMessage
		require.NoError(l.t, json.Unmarshal(raw, &m))
		m["propensity"], err = json.Marshal(*prop)
		require.NoError(l.t, err)
		raw, err = json.Marshal(m)
		require.NoError(l.t, err)
	}
	l.line(map[string]any{"v": 1, "kind": "decision", "prompt_text": "full", "decision": json.RawMessage(raw)})
}

func (l *logFile) feedback(id string, score float64) {
	l.time = l.time.Add(time.Second)
	l.line(map[string]any{"v": 1, "kind": "feedback", "logged": l.time, "id": id, "score": score})
}

func (l *logFile) line(v any) {
	b, err := json.Marshal(v)
	require.NoError(l.t, err)
	_, err = l.f.Write(append(b, '\n'))
	require.NoError(l.t, err)
}

func (l *logFile) raw(s string) {
	_, err := l.f.WriteString(s)
	require.NoError(l.t, err)
}

func ptr(x float64) *float64 { return &x }

func mustRecords(t testing.TB, jsonl string) []dataset.Record {
	ds, err := dataset.Read(strings.NewReader(jsonl))
	require.NoError(t, err)
	return ds.Records
}
