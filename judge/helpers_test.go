package judge_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/llmrouter/llmrouter"
	"github.com/llmrouter/llmrouter/judge"
	"github.com/llmrouter/llmrouter/routertest"
	"github.com/stretchr/testify/require"
	"github.com/tmc/langchaingo/llms"
)

var (
	testStart   = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	answerCard  = llmrouter.ModelCard{Name: "small", InputPerMTok: 0.1, OutputPerMTok: 0.4, Quality: 0.6}
	judgeCard   = llmrouter.ModelCard{Name: "judge", APIModel: "judge-v1", InputPerMTok: 2, OutputPerMTok: 8}
	refCard     = llmrouter.ModelCard{Name: "ref", InputPerMTok: 1, OutputPerMTok: 4}
	always      = func() float64 { return 0 } // every answer sampled
	testTimeout = 30 * time.Second            // a bound on waiting for results, never slept
)

// fakeModel is a judge (or reference) model: reply decides its output from
// the call's system and user text. It reports usage in, out when either is
// set. started receives a value as each call begins, when not nil.
type fakeModel struct {
	reply   func(ctx context.Context, system, user string) (string, error)
	in, out int
	started chan struct{}

	mu    sync.Mutex
	calls []llms.CallOptions
	users []string
}

func (m *fakeModel) GenerateContent(ctx context.Context, msgs []llms.MessageContent, options ...llms.CallOption) (*llms.ContentResponse, error) {
	var o llms.CallOptions
	for _, opt := range options {
		opt(&o)
	}
	var system, user string
	for _, msg := range msgs {
		for _, p := range msg.Parts {
			if t, ok := p.(llms.TextContent); ok {
				if msg.Role == llms.ChatMessageTypeSystem {
					system += t.Text
				} else {
					user += t.Text
				}
			}
		}
	}
	m.mu.Lock()
	m.calls = append(m.calls, o)
	m.users = append(m.users, user)
	m.mu.Unlock()
	if m.started != nil {
		m.started <- struct{}{}
	}
	text, err := m.reply(ctx, system, user)
	if err != nil {
		return nil, err
	}
	info := map[string]any{}
	if m.in > 0 || m.out > 0 {
		info["PromptTokens"], info["CompletionTokens"] = m.in, m.out
	}
	return &llms.ContentResponse{Choices: []*llms.ContentChoice{{Content: text, GenerationInfo: info}}}, nil
}

func (m *fakeModel) Call(ctx context.Context, prompt string, options ...llms.CallOption) (string, error) {
	return llms.GenerateFromSinglePrompt(ctx, m, prompt, options...)
}

func (m *fakeModel) userTexts() []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]string(nil), m.users...)
}

// says returns a reply that always answers out.
func says(out string) func(context.Context, string, string) (string, error) {
	return func(context.Context, string, string) (string, error) { return out, nil }
}

// blocks is a hung model: it answers only its context's error.
func blocks(ctx context.Context, _, _ string) (string, error) {
	<-ctx.Done()
	return "", ctx.Err()
}

// feedbacks records the Feedback a judge gives.
type feedbacks struct {
	mu  sync.Mutex
	got []feedbackCall
	err error
}

type feedbackCall struct {
	ID    string
	Score float64
	Note  string
}

func (f *feedbacks) Feedback(_ context.Context, id string, score float64, note string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.err != nil {
		return f.err
	}
	f.got = append(f.got, feedbackCall{id, score, note})
	return nil
}

func (f *feedbacks) all() []feedbackCall {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]feedbackCall(nil), f.got...)
}

// results collects OnResult's results on a channel.
func results() (func(judge.Result), chan judge.Result) {
	ch := make(chan judge.Result, 64)
	return func(r judge.Result) { ch <- r }, ch
}

func next(t *testing.T, ch chan judge.Result) judge.Result {
	t.Helper()
	select {
	case r := <-ch:
		return r
	case <-time.After(testTimeout):
		t.Fatal("no result")
		return judge.Result{}
	}
}

// newRouter routes to one fake model answering answer, numbering its
// decisions d1, d2, …
func newRouter(t testing.TB, answers ...string) *llmrouter.Router {
	t.Helper()
	var script []routertest.Response
	for _, a := range answers {
		script = append(script, routertest.Response{Text: a, InputTokens: 10, OutputTokens: 5})
	}
	var mu sync.Mutex
	n := 0
	r, err := llmrouter.New([]llmrouter.Provider{routertest.NewProvider(answerCard, script...)},
		llmrouter.WithClock(routertest.NewClock(testStart)),
		llmrouter.WithIDGenerator(func() string { mu.Lock(); defer mu.Unlock(); n++; return fmt.Sprintf("d%d", n) }))
	require.NoError(t, err)
	return r
}

func ask(t testing.TB, m llms.Model, prompt string) *llms.ContentResponse {
	t.Helper()
	resp, err := m.GenerateContent(context.Background(), []llms.MessageContent{llms.TextParts(llms.ChatMessageTypeHuman, prompt)})
	require.NoError(t, err)
	return resp
}

// between returns the text between the first "<name-…>" line and its
// closing marker in a judge prompt.
func between(user, name string) string {
	i := strings.Index(user, "<"+name+"-")
	if i < 0 {
		return ""
	}
	rest := user[i+len(name)+2:]
	nonce := rest[:strings.Index(rest, ">")]
	body := rest[len(nonce)+2:]
	end := strings.Index(body, "\n</"+name+"-"+nonce+">")
	if end < 0 {
		return ""
	}
	return body[:end]
}
