// Package anthropictest provides an in-process HTTP server that speaks
// enough of Anthropic's Messages API (non-streamed POST /v1/messages) for
// langchaingo's real anthropic client
// (github.com/tmc/langchaingo/llms/anthropic) to run against it.
//
// Point the client at it with anthropic.WithBaseURL(srv.URL) (URL already
// ends in "/v1") and any token, e.g. anthropic.WithToken("test").
package anthropictest

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
)

// Block is one content block of an answer: text, or a tool_use when Tool
// is set.
type Block struct {
	Text string
	// Tool, ToolID and Input make a tool_use block.
	Tool   string
	ToolID string
	Input  map[string]any
}

// Text returns a text block.
func Text(s string) Block { return Block{Text: s} }

// ToolUse returns a tool_use block calling tool with input.
func ToolUse(id, tool string, input map[string]any) Block {
	return Block{Tool: tool, ToolID: id, Input: input}
}

// Response scripts one answer: its content blocks and the usage the
// server reports for the whole message.
type Response struct {
	Blocks                    []Block
	InputTokens, OutputTokens int
	// CacheReadTokens and CacheWriteTokens are reported as
	// cache_read_input_tokens and cache_creation_input_tokens; Anthropic
	// counts them apart from (not within) input_tokens.
	CacheReadTokens, CacheWriteTokens int
	// StopReason defaults to "tool_use" when a block calls a tool, else
	// "end_turn".
	StopReason string
}

// Request is what the server recorded of one request.
type Request struct {
	Model     string
	MaxTokens int
	Tools     int // tool definitions sent
	APIKey    string
}

// Server is the fake Messages endpoint. Requests take scripted responses
// in arrival order, then the default. Safe for concurrent use.
type Server struct {
	// URL is the base URL to give anthropic.WithBaseURL; it ends in "/v1".
	URL string

	srv      *httptest.Server
	mu       sync.Mutex
	queue    []Response
	def      Response
	requests []Request
}

// New starts a server whose default response is one text block "ok" with
// usage 10/1. If tb is not nil the server is closed in tb.Cleanup.
func New(tb testing.TB) *Server {
	s := &Server{def: Response{Blocks: []Block{Text("ok")}, InputTokens: 10, OutputTokens: 1}}
	s.srv = httptest.NewServer(http.HandlerFunc(s.handle))
	s.URL = s.srv.URL + "/v1"
	if tb != nil {
		tb.Cleanup(s.Close)
	}
	return s
}

// Close shuts the server down.
func (s *Server) Close() { s.srv.Close() }

// Enqueue appends scripted responses, used one per request in order.
func (s *Server) Enqueue(rs ...Response) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.queue = append(s.queue, rs...)
}

// Requests returns a copy of the requests received so far, in order.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

func (s *Server) next(req Request) Response {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = append(s.requests, req)
	if len(s.queue) == 0 {
		return s.def
	}
	r := s.queue[0]
	s.queue = s.queue[1:]
	return r
}

func (s *Server) handle(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost || r.URL.Path != "/v1/messages" {
		writeJSON(w, http.StatusNotFound, errorBody("not_found_error", "Not found: "+r.URL.Path))
		return
	}
	var wr struct {
		Model     string            `json:"model"`
		MaxTokens int               `json:"max_tokens"`
		Stream    bool              `json:"stream"`
		Tools     []json.RawMessage `json:"tools"`
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return
	}
	if err := json.Unmarshal(body, &wr); err != nil {
		writeJSON(w, http.StatusBadRequest, errorBody("invalid_request_error", "malformed JSON body"))
		return
	}
	if wr.Stream {
		writeJSON(w, http.StatusBadRequest, errorBody("invalid_request_error", "anthropictest does not stream"))
		return
	}
	resp := s.next(Request{Model: wr.Model, MaxTokens: wr.MaxTokens, Tools: len(wr.Tools), APIKey: r.Header.Get("x-api-key")})
	content := make([]any, 0, len(resp.Blocks))
	stop := "end_turn"
	for _, b := range resp.Blocks {
		if b.Tool != "" {
			stop = "tool_use"
			input := b.Input
			if input == nil {
				input = map[string]any{}
			}
			content = append(content, map[string]any{"type": "tool_use", "id": b.ToolID, "name": b.Tool, "input": input})
			continue
		}
		content = append(content, map[string]any{"type": "text", "text": b.Text})
	}
	if resp.StopReason != "" {
		stop = resp.StopReason
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"id": "msg_test", "type": "message", "role": "assistant", "model": wr.Model,
		"content": content, "stop_reason": stop, "stop_sequence": nil,
		"usage": map[string]int{"input_tokens": resp.InputTokens, "output_tokens": resp.OutputTokens,
			"cache_read_input_tokens": resp.CacheReadTokens, "cache_creation_input_tokens": resp.CacheWriteTokens},
	})
}

func errorBody(typ, msg string) map[string]any {
	return map[string]any{"type": "error", "error": map[string]any{"type": typ, "message": msg}}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
