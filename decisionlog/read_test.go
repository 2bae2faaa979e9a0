package decisionlog

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	fbLine  = `{"v":1,"kind":"feedback","logged":"2026-01-02T00:00:00Z","id":"d1","score":1,"note":""}`
	ansLine = `{"v":1,"kind":"answer","logged":"2026-01-02T00:00:00Z","id":"d1","model":"m","answer_text":"full","answer":"4"}`
)

func TestScanFiles(t *testing.T) {
	for _, tc := range []struct {
		name    string
		files   map[string]string
		entries int
		torn    int
		unknown int
		msg     string // in Messages
		err     string
	}{
		{name: "clean", files: map[string]string{"a.jsonl": fbLine + "\n" + ansLine + "\n"}, entries: 2},
		{name: "torn last line skipped, the lines before read", files: map[string]string{"a.jsonl": fbLine + "\n" + ansLine + "\n" + ansLine[:40]},
			entries: 2, torn: 1, msg: "a.jsonl:3: torn last line (40 bytes, no newline) skipped"},
		{name: "whole last record without its newline is kept", files: map[string]string{"a.jsonl": fbLine + "\n" + ansLine}, entries: 2},
		{name: "torn line in each of two files", files: map[string]string{"a.jsonl": fbLine + "\n{\"v\":1,", "b.jsonl": ansLine + "\n" + fbLine[:10]},
			entries: 2, torn: 2},
		{name: "blank lines ignored", files: map[string]string{"a.jsonl": "\n" + fbLine + "\n\n"}, entries: 1},
		{name: "unknown kind skipped", files: map[string]string{"a.jsonl": `{"v":1,"kind":"judge","id":"d1"}` + "\n" + fbLine + "\n"}, entries: 1, unknown: 1,
			msg: "a.jsonl:1: entry of unknown kind skipped"},
		{name: "other files ignored", files: map[string]string{"a.jsonl": fbLine + "\n", "notes.txt": "hello"}, entries: 1},
		{name: "corrupt middle line is an error", files: map[string]string{"a.jsonl": ansLine[:40] + "\n" + fbLine + "\n"}, err: "a.jsonl:1: not a log record"},
		{name: "newer version", files: map[string]string{"a.jsonl": `{"v":2,"kind":"feedback"}` + "\n"}, err: "a.jsonl:1: record version 2, want 1"},
		{name: "feedback score out of range", files: map[string]string{"a.jsonl": strings.Replace(fbLine, `"score":1`, `"score":3`, 1) + "\n"}, err: "a.jsonl:1: feedback without a score in [0,1]"},
		{name: "no id", files: map[string]string{"a.jsonl": strings.Replace(ansLine, `"id":"d1"`, `"id":""`, 1) + "\n"}, err: "answer record without a decision id"},
		{name: "bad decision", files: map[string]string{"a.jsonl": `{"v":1,"kind":"decision","prompt_text":"off","decision":{"time":"x"}}` + "\n"}, err: "a.jsonl:1: decision:"},
		{name: "bad text mode", files: map[string]string{"a.jsonl": strings.Replace(ansLine, `"full"`, `"some"`, 1) + "\n"}, err: `unknown text mode "some"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			for name, text := range tc.files {
				require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(text), 0o600))
			}
			n := 0
			st, err := Scan(dir, func(*Entry) error { n++; return nil })
			if tc.err != "" {
				require.ErrorContains(t, err, tc.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.entries, n)
			assert.Equal(t, tc.entries, st.Entries)
			assert.Equal(t, tc.torn, st.Torn)
			assert.Equal(t, tc.unknown, st.Unknown)
			assert.Len(t, st.Messages, tc.torn+tc.unknown)
			if tc.msg != "" {
				assert.Contains(t, strings.Join(st.Messages, "\n"), tc.msg)
			}
		})
	}
}

func TestScanLineLimit(t *testing.T) {
	dir := t.TempDir()
	big := `{"v":1,"kind":"answer","id":"d1","model":"m","answer_text":"full","answer":"` + strings.Repeat("x", MaxLineBytes) + "\"}\n"
	require.NoError(t, os.WriteFile(filepath.Join(dir, "a.jsonl"), []byte(fbLine+"\n"+big), 0o600))
	n := 0
	_, err := Scan(dir, func(*Entry) error { n++; return nil })
	require.ErrorContains(t, err, "a.jsonl:2: line longer than MaxLineBytes")
	assert.Equal(t, 1, n)
}

func TestScanMissingDir(t *testing.T) {
	_, err := Scan(filepath.Join(t.TempDir(), "nope"), func(*Entry) error { return nil })
	require.ErrorContains(t, err, "nope")
}

// A log file given where its directory belongs reads as an empty log
// unless refused: say it is not a directory.
func TestScanFileNotDir(t *testing.T) {
	f := filepath.Join(t.TempDir(), "one.jsonl")
	require.NoError(t, os.WriteFile(f, []byte(fbLine+"\n"), 0o644))
	_, err := Scan(f, func(*Entry) error { return nil })
	require.ErrorContains(t, err, "one.jsonl")
	require.ErrorContains(t, err, "not a directory")
}
