package llmrouter_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strings"
	"sync"
	"testing"

	"github.com/llmrouter/llmrouter"
	"github.com/llmrouter/llmrouter/routertest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const rawUser = "ada.lovelace@example.com"

var redactKey = []byte("0123456789abcdef-test-key")

// wantHash is the documented hash form, computed independently.
func wantHash(key []byte, user string) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(user))
	return "uh_" + hex.EncodeToString(m.Sum(nil)[:16])
}

// Explain, the decision's JSON, the decision handed to sinks and the one
// in the response's GenerationInfo never hold the raw user id once
// redaction is on; the policy still routes on the raw hints.
func TestUserRedaction(t *testing.T) {
	tests := []struct {
		name string
		opts []llmrouter.Option
		want string // Hints.User as recorded
	}{
		{"default is verbatim", nil, rawUser},
		{"omit", []llmrouter.Option{llmrouter.WithUserRedaction(llmrouter.UserRedaction{Omit: true})}, ""},
		{"hash", []llmrouter.Option{llmrouter.WithUserRedaction(llmrouter.UserRedaction{HashKey: redactKey})}, wantHash(redactKey, rawUser)},
		{"long key", []llmrouter.Option{llmrouter.WithUserRedaction(llmrouter.UserRedaction{HashKey: []byte(strings.Repeat("k", 100))})},
			wantHash([]byte(strings.Repeat("k", 100)), rawUser)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var mu sync.Mutex
			var seen []string
			policy := llmrouter.Chain(llmrouter.PolicyFunc(func(r *llmrouter.Routing) error {
				mu.Lock()
				seen = append(seen, r.Hints.User)
				mu.Unlock()
				return nil
			}), llmrouter.CheapestAdequate{})
			sink := &lastSink{}
			r, err := llmrouter.New([]llmrouter.Provider{routertest.NewProvider(cheapCard), routertest.NewProvider(midCard)},
				append([]llmrouter.Option{llmrouter.WithPolicy(policy), llmrouter.WithSink(sink)}, tt.opts...)...)
			require.NoError(t, err)
			ctx := llmrouter.WithHints(context.Background(), llmrouter.Hints{User: rawUser, Tier: "pro"})

			resp, err := r.GenerateContent(ctx, human("hello"))
			require.NoError(t, err)
			fromResp, ok := llmrouter.DecisionFrom(resp)
			require.True(t, ok)
			routed, err := r.Route(ctx, human("hello"))
			require.NoError(t, err)

			assert.Equal(t, []string{rawUser, rawUser}, seen, "the policy sees the raw user")
			respJSON, err := json.Marshal(resp)
			require.NoError(t, err)
			for name, d := range map[string]*llmrouter.Decision{"sink": sink.last(), "response": fromResp, "route": routed} {
				require.NotNil(t, d, name)
				assert.Equal(t, tt.want, d.Hints.User, name)
				assert.Equal(t, "pro", d.Hints.Tier, "%s: only the user is redacted", name)
				b, err := json.Marshal(d)
				require.NoError(t, err)
				if tt.want == rawUser {
					assert.Contains(t, d.Explain(), rawUser, name)
					assert.Contains(t, string(b), rawUser, name)
					continue
				}
				assert.NotContains(t, d.Explain(), rawUser, name)
				assert.NotContains(t, d.Explain(), "ada", name)
				assert.NotContains(t, string(b), "ada", name)
				if tt.want == "" { // omitted: Explain shows the hints that are set
					assert.NotContains(t, d.Explain(), "user", name)
					assert.Contains(t, d.Explain(), `hints:      tier "pro"`, name)
				} else {
					assert.Contains(t, d.Explain(), `user "`+tt.want+`"`, name)
				}
			}
			if tt.want != rawUser {
				assert.NotContains(t, string(respJSON), "ada")
			}
		})
	}
}

// The hash is keyed and stable: the same key gives the same pseudonym in
// another router (another process), so per-user analysis still works;
// another key or another user gives another one; no user stays no user.
func TestUserRedactionHashStable(t *testing.T) {
	route := func(key []byte, user string) string {
		t.Helper()
		r, err := llmrouter.New([]llmrouter.Provider{routertest.NewProvider(cheapCard)},
			llmrouter.WithUserRedaction(llmrouter.UserRedaction{HashKey: key}))
		require.NoError(t, err)
		d, err := r.Route(llmrouter.WithHints(context.Background(), llmrouter.Hints{User: user}), human("hi"))
		require.NoError(t, err)
		return d.Hints.User
	}
	a := route(redactKey, rawUser)
	assert.Regexp(t, `^uh_[0-9a-f]{32}$`, a)
	assert.Equal(t, a, route(redactKey, rawUser))
	assert.Equal(t, a, route(append([]byte(nil), redactKey...), rawUser))
	assert.NotEqual(t, a, route([]byte("another-key-0123456789"), rawUser))
	assert.NotEqual(t, a, route(redactKey, "grace@example.com"))
	assert.Empty(t, route(redactKey, ""))
}

func TestUserRedactionRejected(t *testing.T) {
	for name, u := range map[string]llmrouter.UserRedaction{
		"short key":     {HashKey: []byte("short")},
		"empty key":     {HashKey: []byte{}},
		"omit and hash": {Omit: true, HashKey: redactKey},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := llmrouter.New([]llmrouter.Provider{routertest.NewProvider(cheapCard)}, llmrouter.WithUserRedaction(u))
			assert.ErrorContains(t, err, "WithUserRedaction")
		})
	}
}

// Route allocates the decision (its id is formatted inside it), nothing
// else; hashing the user adds its string, omitting adds nothing.
func TestRouteAllocations(t *testing.T) {
	tests := []struct {
		name string
		opts []llmrouter.Option
		want float64
	}{
		{"verbatim", nil, 1},
		{"omit", []llmrouter.Option{llmrouter.WithUserRedaction(llmrouter.UserRedaction{Omit: true})}, 1},
		{"hash", []llmrouter.Option{llmrouter.WithUserRedaction(llmrouter.UserRedaction{HashKey: redactKey})}, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ps := []llmrouter.Provider{routertest.NewProvider(cheapCard), routertest.NewProvider(midCard), routertest.NewProvider(strongCard)}
			r, err := llmrouter.New(ps, append([]llmrouter.Option{llmrouter.WithClassifier(llmrouter.HeuristicClassifier{})}, tt.opts...)...)
			require.NoError(t, err)
			ctx := llmrouter.WithHints(context.Background(), llmrouter.Hints{User: rawUser})
			msgs := human(prompt1KB)
			allocs := testing.AllocsPerRun(200, func() {
				if _, err := r.Route(ctx, msgs); err != nil {
					t.Fatal(err)
				}
			})
			assert.Equal(t, tt.want, allocs)
		})
	}
}
