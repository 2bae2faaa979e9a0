package openaitest_test

import (
	"context"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tmc/langchaingo/llms"

	"github.com/llmrouter/llmrouter/internal/openaitest"
)

func TestEchoAndStall(t *testing.T) {
	tests := []struct {
		name       string
		resp       openaitest.Response
		stream     bool
		cancel     bool // the client gives up after 50ms
		wantText   string
		wantChunks []string
		wantErr    bool
		eitherErr  bool // an error or wantText: langchaingo picks at random
	}{
		{name: "echo, json", resp: openaitest.EchoReply("cheap: "), wantText: "cheap: What is two plus two?"},
		{name: "echo, sse", resp: openaitest.EchoReply("cheap: "), stream: true, wantText: "cheap: What is two plus two?",
			wantChunks: []string{"cheap: ", "What ", "is ", "two ", "plus ", "two?"}},
		{name: "stall after one chunk, sse: the partial text with a nil error (or an error)", resp: openaitest.Stalled(openaitest.EchoReply("cheap: "), 1),
			stream: true, cancel: true, wantText: "cheap: ", wantChunks: []string{"cheap: "}, eitherErr: true},
		{name: "stall halfway through the body, json: an error", resp: openaitest.Stalled(openaitest.EchoReply("cheap: "), 1),
			cancel: true, wantErr: true},
		{name: "not an event stream, sse: an empty answer with a nil error", resp: openaitest.NotEventStream(), stream: true, wantText: ""},
		{name: "not an event stream, json: an error", resp: openaitest.NotEventStream(), wantErr: true},
		{name: "empty answer, sse", resp: openaitest.Reply(""), stream: true, wantText: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := openaitest.New(t)
			srv.Enqueue(tt.resp)
			ctx := context.Background()
			if tt.cancel {
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeout(ctx, 50*time.Millisecond)
				defer cancel()
			}
			var chunks []string
			resp, err := ask(ctx, newClient(t, srv), tt.stream, &chunks)
			if tt.wantErr {
				require.Error(t, err)
				return
			}
			assert.Equal(t, tt.wantChunks, chunks)
			if tt.eitherErr && err != nil {
				assert.ErrorIs(t, err, context.DeadlineExceeded)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.wantText, resp.Choices[0].Content)
		})
	}
}

func TestRetryAfterForms(t *testing.T) {
	tests := []struct {
		name   string
		resp   openaitest.Response
		header func(t *testing.T, v string, arrived time.Time) time.Time // checks v, returns the not-before
	}{
		{
			name: "seconds", resp: openaitest.RetryAfterSeconds(2),
			header: func(t *testing.T, v string, arrived time.Time) time.Time {
				assert.Equal(t, "2", v)
				return arrived.Add(2 * time.Second)
			},
		},
		{
			name: "HTTP-date", resp: openaitest.RetryAfterDate(3 * time.Second),
			header: func(t *testing.T, v string, arrived time.Time) time.Time {
				at, err := http.ParseTime(v)
				require.NoError(t, err, v)
				assert.WithinRange(t, at, arrived.Add(2*time.Second), arrived.Add(4*time.Second))
				return at
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := openaitest.New(t)
			srv.Enqueue(tt.resp)
			req, err := http.NewRequest(http.MethodPost, srv.URL+"/chat/completions",
				strings.NewReader(`{"model":"m","messages":[{"role":"user","content":"hi"}]}`))
			require.NoError(t, err)
			res, err := http.DefaultClient.Do(req)
			require.NoError(t, err)
			res.Body.Close()
			assert.Equal(t, http.StatusTooManyRequests, res.StatusCode)
			reqs := srv.Requests()
			require.Len(t, reqs, 1)
			want := tt.header(t, res.Header.Get("Retry-After"), reqs[0].Arrived)
			assert.WithinDuration(t, want, reqs[0].NotBefore, 100*time.Millisecond)

			// Through the real client, the body alone says nothing of when.
			srv.Enqueue(tt.resp)
			var chunks []string
			_, err = ask(context.Background(), newClient(t, srv), false, &chunks)
			require.Error(t, err)
			assert.NotContains(t, err.Error(), "try again")
		})
	}
}

func TestInjectFaultsDeterministic(t *testing.T) {
	faults := []openaitest.Fault{
		{Name: "500", Weight: 2, Response: openaitest.ServerError()},
		{Name: "empty", Response: openaitest.Reply("")},
	}
	run := func(order []int) map[string][]string {
		srv := openaitest.New(t)
		srv.SetDefault(openaitest.EchoReply("m: "))
		srv.InjectFaults(0.4, 42, faults...)
		llm := newClient(t, srv)
		for _, i := range order {
			for range 3 { // each request arrives three times
				msgs := []llms.MessageContent{llms.TextParts(llms.ChatMessageTypeHuman, "req-"+strconv.Itoa(i))}
				resp, err := llm.GenerateContent(context.Background(), msgs)
				if err == nil && resp.Choices[0].Content != "" {
					assert.Equal(t, "m: req-"+strconv.Itoa(i), resp.Choices[0].Content)
				}
			}
		}
		got := map[string][]string{}
		for _, r := range srv.Requests() {
			got[r.Key()] = append(got[r.Key()], r.Fault)
		}
		return got
	}
	forward := run([]int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9})
	backward := run([]int{9, 8, 7, 6, 5, 4, 3, 2, 1, 0})
	assert.Equal(t, forward, backward, "each request meets the same faults whatever the order")
	counts := map[string]int{}
	for _, fs := range forward {
		for _, f := range fs {
			counts[f]++
		}
	}
	names := make([]string, 0, len(counts))
	for k := range counts {
		names = append(names, k)
	}
	sort.Strings(names)
	assert.Equal(t, []string{"", "500", "empty"}, names, fmt.Sprint(counts))
}
