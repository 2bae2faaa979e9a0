package decisionlog

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Feedback whose decision id or note is not UTF-8 is refused, naming
// which: JSON turns each bad byte into U+FFFD, so the id written would not
// be the id given (the feedback then joined no decision, or another one
// whose id differs only there) and the note would be changed, without a
// word. Both were written.
func TestFeedbackRefusesInvalidUTF8(t *testing.T) {
	l, err := Open(t.TempDir(), Options{})
	require.NoError(t, err)
	for _, tc := range []struct {
		id, note, want string
	}{
		{"dec-\xff1", "", `decision id "dec-\xff1" is not UTF-8`},
		{"dec-1", "good\xfe", `decision "dec-1": note is not UTF-8`},
	} {
		err := l.Feedback(context.Background(), tc.id, 1, tc.note)
		require.Error(t, err)
		assert.Contains(t, err.Error(), tc.want)
	}
	require.NoError(t, l.Close())
	assert.Zero(t, l.Stats().Written, "nothing written")
}

// A log line that is not UTF-8 (Log writes none: a corrupted disk) is an
// error naming the file, line and byte; encoding/json read each bad byte
// as U+FFFD, so a feedback note or a prompt changed without a word and
// an export carried the changed prompt.
func TestScanRefusesInvalidUTF8(t *testing.T) {
	dir := t.TempDir()
	bad := strings.Replace(ansLine, `"answer":"4"`, "\"answer\":\"4\xff\"", 1)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "a.jsonl"), []byte(fbLine+"\n"+bad+"\n"), 0o600))
	_, err := Scan(dir, func(*Entry) error { return nil })
	require.Error(t, err)
	assert.ErrorContains(t, err, "a.jsonl:2: not UTF-8 at byte ")
	// A torn last line is skipped as before, whatever its bytes.
	require.NoError(t, os.WriteFile(filepath.Join(dir, "a.jsonl"), []byte(fbLine+"\n"+bad[:len(bad)-5]), 0o600))
	st, err := Scan(dir, func(*Entry) error { return nil })
	require.NoError(t, err)
	assert.Equal(t, 1, st.Torn)
}
