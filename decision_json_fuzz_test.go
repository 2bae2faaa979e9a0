package llmrouter_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/llmrouter/llmrouter"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// FuzzDecisionUnmarshalJSON feeds Decision.UnmarshalJSON arbitrary bytes,
// as a corrupted decision log would. No input may panic; a decision it
// accepts must marshal, and that JSON must read back and marshal to the
// same bytes (UnmarshalJSON's documented round trip), so a log line read
// and written again stays readable.
//
//	go test -run '^$' -fuzz '^FuzzDecisionUnmarshalJSON$' -fuzztime 90s .
func FuzzDecisionUnmarshalJSON(f *testing.F) {
	g, err := os.ReadFile(filepath.Join("testdata", "decision.golden.json"))
	require.NoError(f, err)
	f.Add(g)
	for _, s := range []string{
		`{}`, `null`, `[]`,
		`{"time":"2025-03-04T05:06:07.89Z","latency_ms":12.5,"prediction":{"quality":[null,0.5]}}`,
		`{"error":"boom","error_code":"rate_limit","attempts":[{"code":"authentication","error":"no"}]}`,
		`{"features":{"script":"cjk","text":"日本語"},"hints":{"tags":["a","b"],"latency_budget_ms":1500}}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var d llmrouter.Decision
		if json.Unmarshal(data, &d) != nil {
			return
		}
		b, err := json.Marshal(&d)
		require.NoError(t, err, "a decision UnmarshalJSON accepted must marshal")
		var back llmrouter.Decision
		require.NoError(t, json.Unmarshal(b, &back), "what MarshalJSON wrote must read back: %s", b)
		b2, err := json.Marshal(&back)
		require.NoError(t, err)
		assert.Equal(t, string(b), string(b2))
	})
}

// Values UnmarshalJSON used to accept but read wrong (a latency at the
// edge of time.Duration came back negative) or could not write back
// readably (a time whose UTC year leaves 0000-9999): each is now an error
// naming the value.
func TestDecisionJSONOutOfRange(t *testing.T) {
	for _, tt := range []struct{ name, in, want string }{
		{"latency at 2^63 ns", `{"latency_ms":9223372036854.775807}`, "9223372036854.775807"},
		{"wait past 2^63 ns", `{"attempts":[{"wait_ms":9223372036854.7758}]}`, "9223372036854.7758"},
		{"time before year 0 in UTC", `{"time":"0000-01-01T00:00:00+01:00"}`, "0000-01-01T00:00:00+01:00"},
		{"time after year 9999 in UTC", `{"attempts":[{"start":"9999-12-31T23:59:59-01:00"}]}`, "9999-12-31T23:59:59-01:00"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var d llmrouter.Decision
			err := json.Unmarshal([]byte(tt.in), &d)
			require.Error(t, err)
			assert.ErrorContains(t, err, tt.want)
		})
	}
	// The extremes that do fit still read.
	for _, in := range []string{`{"latency_ms":-9223372036854.775808}`, `{"latency_ms":9223372036854.77}`, `{"time":"9999-12-31T23:59:59Z"}`, `{"time":"0000-01-01T00:00:00Z"}`} {
		var d llmrouter.Decision
		require.NoError(t, json.Unmarshal([]byte(in), &d), in)
		b, err := json.Marshal(&d)
		require.NoError(t, err)
		require.NoError(t, json.Unmarshal(b, &d), "%s wrote %s", in, b)
	}
}
