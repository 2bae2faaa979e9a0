package llmrouter

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/llmrouter/llmrouter/internal/errclass"
	"github.com/stretchr/testify/assert"
)

func TestHeaderRetryAfter(t *testing.T) {
	now := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	tests := []struct {
		name   string
		header http.Header
		want   time.Duration // 0: no hint
	}{
		{"seconds", http.Header{"Retry-After": {"7"}}, 7 * time.Second},
		{"seconds with spaces", http.Header{"Retry-After": {" 7 "}}, 7 * time.Second},
		{"fractional seconds", http.Header{"Retry-After": {"1.5"}}, 1500 * time.Millisecond},
		{"IMF-fixdate", http.Header{"Retry-After": {"Wed, 02 Jan 2030 03:04:35 GMT"}}, 30 * time.Second},
		{"RFC 850 date", http.Header{"Retry-After": {"Wednesday, 02-Jan-30 03:04:15 GMT"}}, 10 * time.Second},
		{"ANSI C date", http.Header{"Retry-After": {"Wed Jan  2 03:04:45 2030"}}, 40 * time.Second},
		{"retry-after-ms first", http.Header{"Retry-After-Ms": {"250"}, "Retry-After": {"7"}}, 250 * time.Millisecond},
		{"malformed retry-after-ms: Retry-After", http.Header{"Retry-After-Ms": {"soon"}, "Retry-After": {"7"}}, 7 * time.Second},
		{"zero", http.Header{"Retry-After": {"0"}}, 0},
		{"negative", http.Header{"Retry-After": {"-1"}}, 0},
		{"plus sign", http.Header{"Retry-After": {"+5"}}, 0},
		{"two dots", http.Header{"Retry-After": {"1.2.3"}}, 0},
		{"hex float", http.Header{"Retry-After": {"0x1p3"}}, 0},
		{"NaN", http.Header{"Retry-After": {"NaN"}}, 0},
		{"unit suffix", http.Header{"Retry-After": {"5s"}}, 0},
		{"24h is the limit", http.Header{"Retry-After": {"86400"}}, 24 * time.Hour},
		{"over 24h", http.Header{"Retry-After": {"86400.5"}}, 0},
		{"huge", http.Header{"Retry-After": {"99999999999999999999999"}}, 0},
		{"date over 24h ahead", http.Header{"Retry-After": {"Fri, 04 Jan 2030 03:04:05 GMT"}}, 0},
		{"date now", http.Header{"Retry-After": {"Wed, 02 Jan 2030 03:04:05 GMT"}}, 0},
		{"date garbage", http.Header{"Retry-After": {"Wed, 02 Jan 2030 03:04:05 XYZ"}}, 0},
		{"empty", http.Header{"Retry-After": {""}}, 0},
		{"none", http.Header{}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := headerRetryAfter(tt.header, now)
			assert.Equal(t, tt.want, got)
			assert.Equal(t, tt.want > 0, ok)
		})
	}
}

func TestHintSlotAnnotate(t *testing.T) {
	var sysClock Clock = systemClock{}
	base := errors.New("API returned unexpected status code: 429: Rate limit exceeded.")
	tests := []struct {
		name   string
		status int
		header http.Header
		err    error
		want   time.Duration // RetryAfter of the annotated error; 0 none
	}{
		{"429 with header", 429, http.Header{"Retry-After": {"4"}}, base, 4 * time.Second},
		{"the error's own hint wins", 429, http.Header{"Retry-After": {"4"}}, errors.New("429: try again in 1.5s"), 1500 * time.Millisecond},
		{"a success leaves no hint", 200, http.Header{"Retry-After": {"4"}}, base, 0},
		{"no header", 429, http.Header{}, base, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newHintSlot(t.Context(), &sysClock)
			s.capture(&http.Response{StatusCode: tt.status, Header: tt.header})
			got := s.annotate(tt.err)
			assert.ErrorIs(t, got, tt.err, "the error is kept in the chain")
			assert.Equal(t, tt.err.Error(), got.Error(), "the text is unchanged")
			d, ok := errclass.RetryAfter(got)
			assert.Equal(t, tt.want, d)
			assert.Equal(t, tt.want > 0, ok)
		})
	}
	t.Run("the last response counts", func(t *testing.T) {
		s := newHintSlot(t.Context(), &sysClock)
		s.capture(&http.Response{StatusCode: 429, Header: http.Header{"Retry-After": {"4"}}})
		s.capture(&http.Response{StatusCode: 500, Header: http.Header{}})
		_, ok := errclass.RetryAfter(s.annotate(base))
		assert.False(t, ok)
	})
	t.Run("the slot is found and other values pass through", func(t *testing.T) {
		type key struct{}
		s := newHintSlot(context.WithValue(t.Context(), key{}, "v"), &sysClock)
		assert.Same(t, s, s.Value(hintSlotKey{}))
		assert.Equal(t, "v", s.Value(key{}))
	})
}
