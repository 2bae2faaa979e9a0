package dataset_test

import (
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/llmrouter/llmrouter/dataset"
	"github.com/stretchr/testify/require"
)

// A model named twice in one record's outcomes is an error naming the
// model and the line; encoding/json used to keep the last silently, so one
// of the two scores vanished.
func TestDuplicateOutcomeKey(t *testing.T) {
	in := `{"id":"a","prompt":"p","outcomes":{"m":{"score":1},"n":{"score":0}}}
{"id":"b","prompt":"q","outcomes":{"m":{"score":1},"n":{"score":0},"m":{"score":0}}}
`
	_, err := dataset.Read(strings.NewReader(in))
	require.ErrorIs(t, err, dataset.ErrDuplicate)
	var errs *dataset.Errors
	require.True(t, errors.As(err, &errs), "%v", err)
	require.Len(t, errs.Errs, 1)
	require.Equal(t, 2, errs.Errs[0].Line)
	require.Equal(t, "outcomes.m", errs.Errs[0].Field)
	require.ErrorContains(t, err, `model "m" appears twice`)

	// Escaped spellings of one key are the same key.
	_, err = dataset.Read(strings.NewReader(`{"id":"c","prompt":"q","outcomes":{"m":{"score":1},"\u006d":{"score":0}}}` + "\n"))
	require.ErrorIs(t, err, dataset.ErrDuplicate)
}

// Many models in one record are checked in linear time, and a repeat
// among them is still found.
func TestDuplicateOutcomeKeyMany(t *testing.T) {
	var b strings.Builder
	b.WriteString(`{"id":"a","prompt":"p","outcomes":{`)
	for i := range 200_000 {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(`"m` + strconv.Itoa(i) + `":{"score":1}`)
	}
	ok := b.String() + "}}\n"
	ds, err := dataset.Read(strings.NewReader(ok))
	require.NoError(t, err)
	require.Len(t, ds.Records[0].Outcomes, 200_000)

	_, err = dataset.Read(strings.NewReader(b.String() + `,"m7":{"score":0}}}` + "\n"))
	require.ErrorContains(t, err, `model "m7" appears twice`)
}

// A top-level key twice in one record ("prompt" twice) is an error naming
// the key and the line; encoding/json kept the last silently, so the
// record trained on a prompt other than the one its writer saw first.
func TestDuplicateRecordKey(t *testing.T) {
	for _, tc := range []struct {
		name, line, field string
	}{
		{"prompt", `{"id":"b","prompt":"q","outcomes":{"m":{"score":1}},"prompt":"other"}`, "prompt"},
		{"id before outcomes", `{"id":"b","id":"c","prompt":"q","outcomes":{"m":{"score":1}}}`, "id"},
		{"outcomes", `{"id":"b","prompt":"q","outcomes":{"m":{"score":1}},"outcomes":{"n":{"score":0}}}`, "outcomes"},
		{"escaped", `{"id":"b","prompt":"q","\u0070rompt":"r","outcomes":{"m":{"score":1}}}`, "prompt"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := `{"id":"a","prompt":"p","outcomes":{"m":{"score":1}}}` + "\n" + tc.line + "\n"
			_, err := dataset.Read(strings.NewReader(in))
			require.ErrorIs(t, err, dataset.ErrDuplicate)
			var errs *dataset.Errors
			require.True(t, errors.As(err, &errs), "%v", err)
			require.Len(t, errs.Errs, 1)
			require.Equal(t, 2, errs.Errs[0].Line)
			require.Equal(t, tc.field, errs.Errs[0].Field)
			require.ErrorContains(t, err, `key "`+tc.field+`" appears twice`)
		})
	}
	// The same key in different objects is no repeat.
	_, err := dataset.Read(strings.NewReader(`{"id":"a","prompt":"p","outcomes":{"prompt":{"score":1},"id":{"score":0}}}` + "\n"))
	require.NoError(t, err)
}

// A key twice inside a nested object (an outcome's "score", a message's
// "role") is an error naming the key's path and the line; the check used
// to stop at the outcomes object's model names, so
// {"m": {"score": 1, "score": 0}} trained on score 0 silently. Found by
// feeding such a record to `llmrouter train`.
func TestDuplicateNestedKey(t *testing.T) {
	for _, tc := range []struct {
		name, line, field, msg string
	}{
		{"score", `{"id":"b","prompt":"q","outcomes":{"m":{"score":1,"score":0}}}`, "outcomes.m.score", `key "score" appears twice`},
		{"cost after other keys", `{"id":"b","prompt":"q","outcomes":{"n":{"score":1},"m":{"cost":0.1,"score":1,"cost":0.2}}}`, "outcomes.m.cost", `key "cost" appears twice`},
		{"escaped answer", `{"id":"b","prompt":"q","outcomes":{"m":{"score":1,"answer":"a","\u0061nswer":"b"}}}`, "outcomes.m.answer", `key "answer" appears twice`},
		{"message role", `{"id":"b","messages":[{"role":"user","text":"x"},{"role":"user","role":"ai"}],"outcomes":{"m":{"score":1}}}`, "messages[1].role", `key "role" appears twice`},
		{"model still named", `{"id":"b","prompt":"q","outcomes":{"m":{"score":1},"m":{"score":0}}}`, "outcomes.m", `model "m" appears twice`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := `{"id":"a","prompt":"p","outcomes":{"m":{"score":1}}}` + "\n" + tc.line + "\n"
			_, err := dataset.Read(strings.NewReader(in))
			require.ErrorIs(t, err, dataset.ErrDuplicate)
			var errs *dataset.Errors
			require.True(t, errors.As(err, &errs), "%v", err)
			require.Len(t, errs.Errs, 1)
			require.Equal(t, 2, errs.Errs[0].Line)
			require.Equal(t, tc.field, errs.Errs[0].Field)
			require.ErrorContains(t, err, tc.msg)
		})
	}
	// The same key in sibling objects, or in an array's objects, is no repeat.
	_, err := dataset.Read(strings.NewReader(`{"id":"a","messages":[{"role":"user"},{"role":"ai"}],"outcomes":{"m":{"score":1,"cost":0},"n":{"score":0,"cost":0}}}` + "\n"))
	require.NoError(t, err)
}
