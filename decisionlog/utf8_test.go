package decisionlog

import (
	"context"
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
