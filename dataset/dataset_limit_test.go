package dataset

import (
	"errors"
	"io"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// xLine is n bytes of 'x' (one line, no newline), then rest.
func xLine(n int, rest string) io.Reader {
	return io.MultiReader(io.LimitReader(xReader{}, int64(n)), strings.NewReader(rest))
}

type xReader struct{}

func (xReader) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = 'x'
	}
	return len(p), nil
}

func heapAllocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// TestDatasetLineLimit: a huge line is refused with a Error once it
// passes the limit, without buffering the rest of it, and reading goes on
// at the next line.
func TestDatasetLineLimit(t *testing.T) {
	const next = "\n" + `{"id":"2","prompt":"p","outcomes":{"m":{"score":1}}}` + "\n"
	tests := []struct {
		name     string
		r        io.Reader
		opts     []Option
		limit    int
		maxAlloc uint64
	}{
		{"default limit, a 160 MiB line", xLine(160<<20, next), nil, DefaultMaxLineBytes, 100 << 20},
		{"1 MiB limit, an 8 MiB line", xLine(8<<20, next), []Option{WithMaxLineBytes(1 << 20)}, 1 << 20, 4 << 20},
		{"1 MiB limit, an 8 MiB line at the end", xLine(8<<20, ""), []Option{WithMaxLineBytes(1 << 20)}, 1 << 20, 4 << 20},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dr := NewReader(tt.r, tt.opts...)
			var err error
			n := heapAllocated(func() { _, err = dr.Next() })
			var de *Error
			require.ErrorAs(t, err, &de)
			assert.True(t, errors.Is(err, ErrLineTooLong), "%v", err)
			assert.Equal(t, 1, de.Line)
			assert.Contains(t, err.Error(), "line 1: "+ErrLineTooLong.Error())
			assert.Less(t, n, tt.maxAlloc, "allocated %d bytes for a line limited to %d", n, tt.limit)
			rec, err := dr.Next()
			if strings.HasSuffix(tt.name, "at the end") {
				assert.Equal(t, io.EOF, err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, "2", rec.ID)
			assert.Equal(t, 2, rec.Line)
		})
	}
	// At the limit is fine; a CRLF ending does not count.
	line := `{"id":"1","prompt":"` + strings.Repeat("p", 100) + `","outcomes":{"m":{"score":1}}}`
	ds, err := Read(strings.NewReader(line+"\r\n"+line[:len(line)-1]+",\"task\":\"t\"}\r\n"), WithMaxLineBytes(len(line)))
	var de *Errors
	require.ErrorAs(t, err, &de)
	require.Len(t, de.Errs, 1)
	assert.Equal(t, 2, de.Errs[0].Line)
	assert.ErrorIs(t, de.Errs[0], ErrLineTooLong)
	require.Len(t, ds.Records, 1)
}
