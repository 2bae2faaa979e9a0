// Package openaitest provides an in-process HTTP server that speaks enough of
// the OpenAI chat-completions protocol for langchaingo's real openai client
// (github.com/tmc/langchaingo/llms/openai), with faults injected on command:
// rate limits with Retry-After, 5xx, slow headers, streams cut mid-way or
// stalled after a chunk, context-length errors, malformed JSON, bodies that
// are not an event stream, and bad API keys.
//
// Point the client at it with openai.WithBaseURL(srv.URL) (URL already ends
// in "/v1") and any token, e.g. openai.WithToken("test").
package openaitest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// Response scripts how the server answers one request. Build one with the
// helpers (Reply, RateLimited, ...) and adjust fields as needed.
type Response struct {
	// Status is the HTTP status code; zero means 200.
	Status int
	// Text is the assistant's reply for a 200. Streamed, it is sent in
	// chunks of one word each (spaces kept), so the chunks concatenate to
	// Text exactly.
	Text string
	// PromptTokens and CompletionTokens are reported in usage; zero means
	// the number of whitespace-separated words in the request's messages
	// and in Text respectively.
	PromptTokens, CompletionTokens int
	// Header holds extra response headers (e.g. Retry-After).
	Header http.Header
	// Body, when non-empty, is written verbatim (with Status) instead of a
	// generated body: for error bodies and malformed JSON.
	Body string
	// Arrived, when non-nil, receives the request as soon as the server has
	// read it, before anything is written. The send gives up when the
	// request's context ends or the server closes.
	Arrived chan<- Request
	// Hold, when non-nil, delays the response headers until Hold is closed,
	// the request's context ends (the client gave up) or the server closes;
	// in the last two cases nothing is written.
	Hold <-chan struct{}
	// Cut, for a streamed 200, aborts the connection after CutAfter content
	// chunks, without the final chunk or "data: [DONE]".
	Cut      bool
	CutAfter int
	// Echo appends the text of the request's last message to Text, so
	// each answer names its request (see EchoReply).
	Echo bool
	// Stall, for a 200, sends StallAfter content chunks of a streamed
	// answer (the first half of a non-streamed body) and then waits until
	// the client gives up or the server closes: a stream that stalls.
	// langchaingo's client then returns the chunks so far as a successful
	// answer with a nil error.
	Stall      bool
	StallAfter int
	// RetryAfterIn, when positive, sets a Retry-After header in HTTP-date
	// form: the time of writing plus RetryAfterIn, truncated to the second
	// as the format requires.
	RetryAfterIn time.Duration
	// Resume, when non-nil for a streamed 200, pauses the stream after
	// PauseAfter content chunks until Resume is closed; if the client gives
	// up or the server closes meanwhile, the stream just ends there.
	Resume     <-chan struct{}
	PauseAfter int
}

// Reply answers 200 with text.
func Reply(text string) Response { return Response{Text: text} }

// errorBody renders OpenAI's error envelope.
func errorBody(message, typ string, param, code any) string {
	b, _ := json.Marshal(map[string]any{"error": map[string]any{
		"message": message, "type": typ, "param": param, "code": code,
	}})
	return string(b)
}

// RateLimited answers 429 with a Retry-After header (whole seconds, rounded
// up) and the body OpenAI sends for a requests-per-minute limit, whose
// message says "Please try again in <retryAfter>".
func RateLimited(retryAfter time.Duration) Response {
	secs := int(math.Ceil(retryAfter.Seconds()))
	msg := fmt.Sprintf("Rate limit reached for gpt-4o-mini in organization org-test on requests per min (RPM): "+
		"Limit 3, Used 3, Requested 1. Please try again in %s. "+
		"Visit https://platform.openai.com/account/rate-limits to learn more.", retryAfter)
	return Response{
		Status: http.StatusTooManyRequests,
		Header: http.Header{"Retry-After": {fmt.Sprint(secs)}},
		Body:   errorBody(msg, "requests", nil, "rate_limit_exceeded"),
	}
}

// RateLimitedHeader answers 429 with the Retry-After header set to value
// verbatim (none when value is empty) and a body that names no delay, as
// OpenAI-compatible servers and proxies (vLLM, OpenRouter, gateways) send:
// the header is then the only hint. Set more headers (e.g. retry-after-ms)
// on the returned Response's Header.
func RateLimitedHeader(value string) Response {
	h := http.Header{}
	if value != "" {
		h.Set("Retry-After", value)
	}
	return Response{
		Status: http.StatusTooManyRequests,
		Header: h,
		Body:   errorBody("Rate limit exceeded.", "requests", nil, "rate_limit_exceeded"),
	}
}

// RateLimitedUntil is RateLimitedHeader with Retry-After in its HTTP-date
// form: until, in UTC, in whole seconds (http.TimeFormat).
func RateLimitedUntil(until time.Time) Response {
	return RateLimitedHeader(until.UTC().Format(http.TimeFormat))
}

// InsufficientQuota answers 429 with OpenAI's insufficient_quota body.
func InsufficientQuota() Response {
	return Response{Status: http.StatusTooManyRequests, Body: errorBody(
		"You exceeded your current quota, please check your plan and billing details. "+
			"For more information on this error, read the docs: https://platform.openai.com/docs/guides/error-codes/api-errors.",
		"insufficient_quota", nil, "insufficient_quota")}
}

// ServerError answers 500 with OpenAI's server_error body.
func ServerError() Response {
	return Response{Status: http.StatusInternalServerError, Body: errorBody(
		"The server had an error while processing your request. Sorry about that!", "server_error", nil, nil)}
}

// Unavailable answers 503 with OpenAI's overloaded body.
func Unavailable() Response {
	return Response{Status: http.StatusServiceUnavailable, Body: errorBody(
		"The engine is currently overloaded, please try again later.", "server_error", nil, nil)}
}

// ContextLengthExceeded answers 400 with OpenAI's context_length_exceeded
// body.
func ContextLengthExceeded() Response {
	return Response{Status: http.StatusBadRequest, Body: errorBody(
		"This model's maximum context length is 8192 tokens. However, your messages resulted in 9216 tokens. "+
			"Please reduce the length of the messages.",
		"invalid_request_error", "messages", "context_length_exceeded")}
}

// Unauthorized answers 401 with OpenAI's invalid_api_key body.
func Unauthorized() Response {
	return Response{Status: http.StatusUnauthorized, Body: errorBody(
		"Incorrect API key provided: test. You can find your API key at https://platform.openai.com/account/api-keys.",
		"invalid_request_error", nil, "invalid_api_key")}
}

// ModelNotFound answers 404 with OpenAI's model_not_found body.
func ModelNotFound(model string) Response {
	return Response{Status: http.StatusNotFound, Body: errorBody(
		fmt.Sprintf("The model `%s` does not exist or you do not have access to it.", model),
		"invalid_request_error", nil, "model_not_found")}
}

// MalformedJSON answers 200 with a body that is not valid JSON.
func MalformedJSON() Response {
	return Response{Body: `{"id":"chatcmpl-broken","object":"chat.completion","choices":[{"message":{"content": nope}}]}`}
}

// Hold answers like r, but only once release is closed (see Response.Hold);
// arrived, if non-nil, receives the request when it comes in.
func Hold(r Response, release <-chan struct{}, arrived chan<- Request) Response {
	r.Hold = release
	r.Arrived = arrived
	return r
}

// CutStream streams text but aborts the connection after n content chunks.
// For a non-streaming request it answers like Reply(text).
func CutStream(text string, n int) Response {
	return Response{Text: text, Cut: true, CutAfter: n}
}

// Message is one chat message of a recorded request.
type Message struct {
	Role    string
	Content string // text parts joined; empty for non-text content
}

// Request is what the server recorded of one chat-completions request.
type Request struct {
	Model         string
	Stream        bool
	IncludeUsage  bool
	Messages      []Message
	Authorization string
	// Arrived is when the server had read the request.
	Arrived time.Time
	// Fault names the fault injected in random-fault mode (see
	// InjectFaults); "" when none was.
	Fault string
	// NotBefore, for an answer with a Retry-After header, is the earliest
	// time at which a retry that honours it may arrive; zero otherwise.
	NotBefore time.Time
	// N is the number of choices asked for ("n"; 0 when absent). A
	// non-streamed 200 answers with that many choices, each with Text, and
	// one usage for the whole response, as OpenAI does.
	N int
	// MaxTokens is the completion limit asked for (max_completion_tokens,
	// or the legacy max_tokens); 0 when absent.
	MaxTokens int
}

// Key is the text of the request's last message: in a soak, the request's
// identity.
func (r Request) Key() string {
	if len(r.Messages) == 0 {
		return ""
	}
	return r.Messages[len(r.Messages)-1].Content
}

// Server is the fake OpenAI endpoint. It is safe for concurrent use: requests
// take scripted responses from the queue in arrival order, then the default.
type Server struct {
	// URL is the base URL to give openai.WithBaseURL; it ends in "/v1".
	URL string

	srv       *httptest.Server
	mu        sync.Mutex
	queue     []Response
	def       Response
	requests  []Request
	faults    *faultMode
	closed    chan struct{}
	closeOnce sync.Once
}

// New starts a server whose default response is Reply("ok"). If tb is not
// nil the server is closed in tb.Cleanup.
func New(tb testing.TB) *Server {
	s := &Server{def: Reply("ok"), closed: make(chan struct{})}
	s.srv = httptest.NewServer(http.HandlerFunc(s.handle))
	s.URL = s.srv.URL + "/v1"
	if tb != nil {
		tb.Cleanup(s.Close)
	}
	return s
}

// Close unblocks held responses and shuts the server down, waiting for
// in-flight requests to finish.
func (s *Server) Close() {
	s.closeOnce.Do(func() {
		close(s.closed)
		s.srv.CloseClientConnections()
		s.srv.Close()
	})
}

// Enqueue appends scripted responses, used one per request in order.
func (s *Server) Enqueue(rs ...Response) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.queue = append(s.queue, rs...)
}

// SetDefault sets the response used when the queue is empty.
func (s *Server) SetDefault(r Response) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.def = r
}

// Requests returns a copy of the requests received so far, in arrival order.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

// next records req and returns its response and the index of its record.
func (s *Server) next(req Request) (Response, int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	i := len(s.requests)
	r := s.def
	switch {
	case len(s.queue) > 0:
		r = s.queue[0]
		s.queue = s.queue[1:]
	case s.faults != nil:
		if f := s.faults.pick(req.Key()); f != nil {
			r, req.Fault = f.Response, f.Name
		}
	}
	s.requests = append(s.requests, req)
	return r, i
}

// setNotBefore records the Retry-After deadline of request i.
func (s *Server) setNotBefore(i int, t time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests[i].NotBefore = t
}

// wireRequest is the part of the request body the server reads.
type wireRequest struct {
	Model         string `json:"model"`
	Stream        bool   `json:"stream"`
	N             int    `json:"n"`
	MaxTokens     int    `json:"max_tokens"`
	MaxCompletion int    `json:"max_completion_tokens"`
	StreamOptions *struct {
		IncludeUsage bool `json:"include_usage"`
	} `json:"stream_options"`
	Messages []struct {
		Role    string          `json:"role"`
		Content json.RawMessage `json:"content"`
	} `json:"messages"`
}

func messageText(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var parts []struct {
		Type string `json:"type"`
		Text string `json:"text"`
	}
	if json.Unmarshal(raw, &parts) == nil {
		var texts []string
		for _, p := range parts {
			if p.Type == "text" {
				texts = append(texts, p.Text)
			}
		}
		return strings.Join(texts, " ")
	}
	return ""
}

func (s *Server) handle(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost || (r.URL.Path != "/v1/chat/completions" && r.URL.Path != "/chat/completions") {
		writeRaw(w, http.StatusNotFound, nil, errorBody("Invalid URL ("+r.Method+" "+r.URL.Path+")", "invalid_request_error", nil, nil))
		return
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return
	}
	var wr wireRequest
	if err := json.Unmarshal(body, &wr); err != nil {
		writeRaw(w, http.StatusBadRequest, nil, errorBody("We could not parse the JSON body of your request.", "invalid_request_error", nil, nil))
		return
	}
	req := Request{Model: wr.Model, Stream: wr.Stream, Authorization: r.Header.Get("Authorization"), Arrived: time.Now(),
		N: wr.N, MaxTokens: max(wr.MaxCompletion, wr.MaxTokens)}
	req.IncludeUsage = wr.StreamOptions != nil && wr.StreamOptions.IncludeUsage
	for _, m := range wr.Messages {
		req.Messages = append(req.Messages, Message{Role: m.Role, Content: messageText(m.Content)})
	}
	resp, idx := s.next(req)
	if resp.Echo {
		resp.Text += req.Key()
	}

	if resp.Arrived != nil {
		select {
		case resp.Arrived <- req:
		case <-r.Context().Done():
			return
		case <-s.closed:
			return
		}
	}
	if resp.Hold != nil {
		select {
		case <-resp.Hold:
		case <-r.Context().Done():
			return
		case <-s.closed:
			return
		}
	}

	status := resp.Status
	if status == 0 {
		status = http.StatusOK
	}
	if nb, ok := s.retryAfter(&resp); ok {
		s.setNotBefore(idx, nb)
	}
	if resp.Body != "" || status != http.StatusOK {
		writeRaw(w, status, resp.Header, resp.Body)
		return
	}
	usage := map[string]int{
		"prompt_tokens":     resp.PromptTokens,
		"completion_tokens": resp.CompletionTokens,
	}
	if usage["prompt_tokens"] == 0 {
		for _, m := range req.Messages {
			usage["prompt_tokens"] += len(strings.Fields(m.Content))
		}
	}
	if usage["completion_tokens"] == 0 {
		usage["completion_tokens"] = len(strings.Fields(resp.Text))
	}
	usage["total_tokens"] = usage["prompt_tokens"] + usage["completion_tokens"]
	if req.Stream {
		s.stream(w, r, req, resp, usage)
		return
	}
	choices := make([]any, max(1, req.N))
	for i := range choices {
		choices[i] = map[string]any{
			"index": i, "finish_reason": "stop",
			"message": map[string]any{"role": "assistant", "content": resp.Text},
		}
	}
	b, _ := json.Marshal(map[string]any{
		"id": "chatcmpl-test", "object": "chat.completion", "created": 1700000000, "model": req.Model,
		"system_fingerprint": "fp_test",
		"choices":            choices,
		"usage":              usage,
	})
	if resp.Stall {
		s.stall(w, r, resp.Header, string(b[:len(b)/2]))
		return
	}
	writeRaw(w, http.StatusOK, resp.Header, string(b))
}

func writeRaw(w http.ResponseWriter, status int, header http.Header, body string) {
	for k, vs := range header {
		for _, v := range vs {
			w.Header().Add(k, v)
		}
	}
	if w.Header().Get("Content-Type") == "" {
		w.Header().Set("Content-Type", "application/json")
	}
	w.WriteHeader(status)
	_, _ = io.WriteString(w, body)
}

// Chunks splits text into the streamed content chunks: one word each, with
// the whitespace that follows it, so that strings.Join(Chunks(t), "") == t.
func Chunks(text string) []string {
	var out []string
	for len(text) > 0 {
		i := 0
		for i < len(text) && !isSpace(text[i]) {
			i++
		}
		for i < len(text) && isSpace(text[i]) {
			i++
		}
		out = append(out, text[:i])
		text = text[i:]
	}
	return out
}

func isSpace(c byte) bool { return c == ' ' || c == '\n' || c == '\t' || c == '\r' }

// WriteEvent writes one server-sent event carrying data. Each line of data
// becomes its own "data:" field, as the SSE format requires, and the event
// ends with a blank line.
func WriteEvent(w io.Writer, data []byte) error {
	var buf bytes.Buffer
	for _, line := range bytes.Split(data, []byte("\n")) {
		buf.WriteString("data: ")
		buf.Write(bytes.TrimSuffix(line, []byte("\r")))
		buf.WriteByte('\n')
	}
	buf.WriteByte('\n')
	_, err := w.Write(buf.Bytes())
	return err
}

func (s *Server) stream(w http.ResponseWriter, r *http.Request, req Request, resp Response, usage map[string]int) {
	flusher, _ := w.(http.Flusher)
	for k, vs := range resp.Header {
		for _, v := range vs {
			w.Header().Add(k, v)
		}
	}
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-cache")
	w.WriteHeader(http.StatusOK)
	chunk := func(delta map[string]any, finish any) {
		b, _ := json.Marshal(map[string]any{
			"id": "chatcmpl-test", "object": "chat.completion.chunk", "created": 1700000000, "model": req.Model,
			"choices": []any{map[string]any{"index": 0, "delta": delta, "finish_reason": finish}},
		})
		_ = WriteEvent(w, b)
		if flusher != nil {
			flusher.Flush()
		}
	}
	for i, c := range Chunks(resp.Text) {
		if resp.Cut && i >= resp.CutAfter {
			panic(http.ErrAbortHandler) // drop the connection mid-stream
		}
		if resp.Stall && i >= resp.StallAfter {
			s.wait(r)
			return
		}
		if resp.Resume != nil && i == resp.PauseAfter {
			select {
			case <-resp.Resume:
			case <-r.Context().Done():
			case <-s.closed:
			}
		}
		if r.Context().Err() != nil {
			return
		}
		delta := map[string]any{"content": c}
		if i == 0 {
			delta["role"] = "assistant"
		}
		chunk(delta, nil)
	}
	if resp.Cut {
		panic(http.ErrAbortHandler)
	}
	if resp.Stall {
		s.wait(r)
		return
	}
	chunk(map[string]any{}, "stop")
	if req.IncludeUsage {
		b, _ := json.Marshal(map[string]any{
			"id": "chatcmpl-test", "object": "chat.completion.chunk", "created": 1700000000, "model": req.Model,
			"choices": []any{}, "usage": usage,
		})
		_ = WriteEvent(w, b)
	}
	_, _ = io.WriteString(w, "data: [DONE]\n\n")
	if flusher != nil {
		flusher.Flush()
	}
}
