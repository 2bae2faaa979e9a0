package dataset

import (
	"bytes"
	"encoding/json"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// FuzzRead feeds Read arbitrary files, as a hostile user or a corrupted
// disk would. No input may panic; every problem is a *Error naming its
// line (the reader always knows it) and wrapping a sentinel; every record
// that passes is valid, and writing the records back and reading them
// again gives the same records (Messages compared as compact JSON, as
// the writer compacts them).
//
//	go test -run '^$' -fuzz '^FuzzRead$' -fuzztime 90s ./dataset
func FuzzRead(f *testing.F) {
	for _, s := range []string{
		`{"id":"gsm8k/17","task":"gsm8k","prompt":"Natalia sold clips","outcomes":{"a":{"score":1},"b":{"score":0,"cost":0.00012,"latency_ms":812.5}}}` + "\n",
		`{"id":"mt/1","prompt":"","turns":["t1","t2"],"messages":[{"role":"human","parts":[{"type":"text","text":"t1"}]}],"outcomes":{"a":{"score":0.75,"answer":"x","output_chars":1}}}` + "\r\n\n" +
			`{"id":"mt/2","prompt":"p","meta":{"k":[1,2]},"outcomes":{"a":{"score":0}}}`,
		"\ufeff" + `{"id":"1","prompt":"p","outcomes":{"m":{"score":1}}}`,
		`{"id":"1","prompt":"p","outcomes":{"m":{"score":1},"m":{"score":0}}}`,
		`{"id":"1","prompt":"p","outcomes":{"m":{"Score":1,"score":0}}}`,
		`{"id":"1","prompt":"p","outcomes":{"m":{"score":NaN}}}` + "\n" + `[1]` + "\n" + `{"id":1}`,
		`{"id":"1","prompt":"p","outcomes":{"m":{"score":1,"cost":-1,"latency_ms":1e300}}}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		ds, err := Read(bytes.NewReader(data), WithMaxLineBytes(1<<12))
		if err != nil {
			var agg *Errors
			require.True(t, errors.As(err, &agg), "a bytes.Reader never fails: %v", err)
			for _, e := range agg.Errs {
				assert.Positive(t, e.Line, "%v", e)
				assert.True(t, errors.Is(e, ErrSyntax) || errors.Is(e, ErrMissing) || errors.Is(e, ErrRange) ||
					errors.Is(e, ErrDuplicate) || errors.Is(e, ErrLineTooLong), "%v", e)
			}
		}
		require.NotNil(t, ds)
		for _, rec := range ds.Records {
			require.NoError(t, rec.Validate())
			assert.Positive(t, rec.Line)
		}
		var buf bytes.Buffer
		require.NoError(t, Write(&buf, ds.Records))
		back, err := Read(&buf)
		require.NoError(t, err, "what Write wrote must read back:\n%s", buf.String())
		require.Equal(t, len(ds.Records), len(back.Records))
		for i, rec := range ds.Records {
			got := back.Records[i]
			assert.Equal(t, rec.ID, got.ID)
			assert.Equal(t, rec.Task, got.Task)
			assert.Equal(t, rec.Prompt, got.Prompt)
			assert.Equal(t, rec.Turns, got.Turns)
			assert.Equal(t, rec.Outcomes, got.Outcomes)
			var want bytes.Buffer
			if len(rec.Messages) > 0 {
				require.NoError(t, compactJSON(&want, rec.Messages))
			}
			assert.Equal(t, want.String(), string(got.Messages))
		}
	})
}

func compactJSON(dst *bytes.Buffer, src []byte) error {
	return json.Compact(dst, src)
}
