package llmrouter_test

import (
	"context"
	"testing"

	"github.com/llmrouter/llmrouter"
	"github.com/llmrouter/llmrouter/internal/openaitest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tmc/langchaingo/llms"
)

// A caller streaming through llms.WithStreamingReasoningFunc (langchaingo's
// way to receive reasoning and content chunks together) is a streaming
// caller like one using llms.WithStreamingFunc: its chunks come from one
// attempt only, never after a fallback, and buffered streams deliver the
// returned answer's chunks alone. The router passed the caller's reasoning
// callback to every attempt untouched: a stream cut after "one two " was
// followed by the next model's whole answer in the same callback, and the
// call succeeded ("one two the whole answer" reached the caller), buffered
// streams included.
func TestStreamingReasoningFunc(t *testing.T) {
	for _, tc := range []struct {
		name          string
		buffered      bool
		content       bool // the caller sets WithStreamingFunc too
		wantReasoning []string
		wantErr       error
	}{
		{name: "unbuffered, reasoning callback only", wantReasoning: []string{"one ", "two "}, wantErr: llmrouter.ErrStreamStarted},
		{name: "unbuffered, both callbacks", content: true, wantReasoning: []string{"one ", "two "}, wantErr: llmrouter.ErrStreamStarted},
		{name: "buffered, reasoning callback only", buffered: true, wantReasoning: []string{"the ", "whole ", "answer"}},
		{name: "buffered, both callbacks", buffered: true, content: true, wantReasoning: []string{"the ", "whole ", "answer"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, srvs, sink := openaiRouter(t, llmrouter.Fallback{MaxRetries: -1, BufferStreams: tc.buffered})
			srvs[0].Enqueue(openaitest.CutStream("one two three four five", 2))
			srvs[1].Enqueue(openaitest.Reply("the whole answer"))
			var reasoning, content []string
			opts := []llms.CallOption{llms.WithStreamingReasoningFunc(func(_ context.Context, _, c []byte) error {
				if len(c) > 0 {
					reasoning = append(reasoning, string(c))
				}
				return nil
			})}
			if tc.content {
				opts = append(opts, llms.WithStreamingFunc(func(_ context.Context, c []byte) error {
					if len(c) > 0 {
						content = append(content, string(c))
					}
					return nil
				}))
			}
			resp, err := r.GenerateContent(context.Background(), human("hi"), opts...)
			assert.Equal(t, tc.wantReasoning, reasoning)
			if tc.content {
				assert.Equal(t, tc.wantReasoning, content)
			}
			d := sink.last()
			if tc.wantErr != nil {
				require.ErrorIs(t, err, tc.wantErr)
				assert.Empty(t, srvs[1].Requests(), "no fallback once text reached the caller")
				assert.Len(t, d.Attempts, 1, d.Explain())
				return
			}
			require.NoError(t, err)
			assert.Equal(t, "the whole answer", resp.Choices[0].Content)
			assert.Equal(t, "mid", d.Answered, d.Explain())
		})
	}
}
