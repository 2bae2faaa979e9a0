package llmrouter_test

import (
	"context"
	"encoding/binary"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/llmrouter/llmrouter"
	"github.com/llmrouter/llmrouter/routertest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tmc/langchaingo/llms"
	"github.com/tmc/langchaingo/llms/anthropic"
	"github.com/tmc/langchaingo/llms/ollama"
)

// h2cClient is an http.Client speaking HTTP/2 with prior knowledge over
// TCP (no TLS), with h2's health check set to its shortest useful values
// (a connection silent for 20ms is pinged; no answer in 20ms loses it).
func h2cClient() *http.Client {
	p := new(http.Protocols)
	p.SetUnencryptedHTTP2(true)
	return &http.Client{Transport: &http.Transport{Protocols: p,
		HTTP2: &http.HTTP2Config{SendPingTimeout: 20 * time.Millisecond, PingTimeout: 20 * time.Millisecond}}}
}

// h2Frame is one HTTP/2 frame (RFC 9113 §4.1).
func h2Frame(typ, flags byte, stream uint32, payload []byte) []byte {
	f := []byte{byte(len(payload) >> 16), byte(len(payload) >> 8), byte(len(payload)), typ, flags, 0, 0, 0, 0}
	binary.BigEndian.PutUint32(f[5:], stream)
	return append(f, payload...)
}

// rawH2 is an HTTP/2 server written by hand, for the faults net/http's
// server does not make: on each connection it reads the client's preface
// and frames, sends its SETTINGS (and acknowledges the client's), and on
// the first request's HEADERS runs then, then reads until the client
// hangs up.
func rawH2(t *testing.T, then func(c net.Conn, stream uint32)) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	var wg sync.WaitGroup
	t.Cleanup(wg.Wait)
	t.Cleanup(func() { _ = ln.Close() })
	wg.Go(func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			wg.Go(func() {
				defer c.Close()
				if _, err := io.ReadFull(c, make([]byte, 24)); err != nil { // "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
					return
				}
				_, _ = c.Write(h2Frame(4, 0, 0, nil))
				for {
					var hdr [9]byte
					if _, err := io.ReadFull(c, hdr[:]); err != nil {
						return
					}
					n := int64(hdr[0])<<16 | int64(hdr[1])<<8 | int64(hdr[2])
					if _, err := io.CopyN(io.Discard, c, n); err != nil {
						return
					}
					switch typ, flags := hdr[3], hdr[4]; {
					case typ == 4 && flags&1 == 0:
						_, _ = c.Write(h2Frame(4, 1, 0, nil))
					case typ == 1:
						then(c, binary.BigEndian.Uint32(hdr[5:])&0x7fffffff)
						_, _ = io.Copy(io.Discard, c)
						return
					}
				}
			})
		}
	})
	return "http://" + ln.Addr().String()
}

// goAway sends GOAWAY (NO_ERROR, the request's stream the last the server
// took) and closes its side: a server or load balancer shutting down with
// the request in flight.
func goAway(c net.Conn, stream uint32) {
	payload := binary.BigEndian.AppendUint32(nil, stream)
	payload = binary.BigEndian.AppendUint32(payload, 0) // NO_ERROR
	_, _ = c.Write(h2Frame(7, 0, 0, payload))
	_ = c.(*net.TCPConn).CloseWrite()
}

// HTTP/2 transport failures are transient like a reset TCP connection
// (provider unavailable: retried, then the next model), but reached the
// router as net/http's HTTP/2 errors, which the classifier did not know:
// a stream reset by the server ("stream error: stream ID 1;
// INTERNAL_ERROR"), a GOAWAY with the request in flight ("http2: server
// sent GOAWAY and closed the connection"), a connection that stopped
// answering pings ("http2: client connection lost"). They were unknown.
func TestRealClientsHTTP2FailuresAreUnavailable(t *testing.T) {
	newModel := map[string]func(t *testing.T, url string) llms.Model{
		"anthropic": func(t *testing.T, url string) llms.Model {
			m, err := anthropic.New(anthropic.WithBaseURL(url), anthropic.WithToken("t"), anthropic.WithModel("m"), anthropic.WithHTTPClient(h2cClient()))
			require.NoError(t, err)
			return m
		},
		"ollama": func(t *testing.T, url string) llms.Model {
			m, err := ollama.New(ollama.WithServerURL(url), ollama.WithModel("m"), ollama.WithHTTPClient(h2cClient()))
			require.NoError(t, err)
			return m
		},
	}
	ok := map[string]string{"anthropic": anthropicOK, "ollama": ollamaOK}
	for _, client := range []string{"anthropic", "ollama"} {
		t.Run(client+": stream reset, then answered", func(t *testing.T) {
			cheap := &scriptServer{script: []http.HandlerFunc{func(http.ResponseWriter, *http.Request) { panic(http.ErrAbortHandler) }},
				last: body(200, ok[client])}
			srv := httptest.NewUnstartedServer(cheap)
			srv.Config.Protocols = new(http.Protocols)
			srv.Config.Protocols.SetUnencryptedHTTP2(true)
			srv.Start()
			t.Cleanup(srv.Close)
			sink := &lastSink{}
			r, err := llmrouter.New([]llmrouter.Provider{llmrouter.NewProvider(cheapCard, newModel[client](t, srv.URL))}, llmrouter.WithSink(sink),
				llmrouter.WithFallback(llmrouter.Fallback{Clock: routertest.NewClock(time.Now()).SetAutoAdvance(true), Rand: half}))
			require.NoError(t, err)
			resp, err := r.GenerateContent(context.Background(), human("hi"))
			require.NoError(t, err)
			assert.Equal(t, "ok", resp.Choices[0].Content)
			d := sink.last()
			assert.Equal(t, []string{"cheap:provider_unavailable", "cheap:ok"}, codes(d), d.Explain())
			assert.Contains(t, d.Attempts[0].Err.Error(), "stream error: stream ID 1; INTERNAL_ERROR")
		})
		for _, tc := range []struct {
			name string
			then func(net.Conn, uint32)
			text string
		}{
			{"GOAWAY", goAway, "http2: server sent GOAWAY and closed the connection"},
			{"no answer to pings", func(net.Conn, uint32) {}, "http2: client connection lost"},
		} {
			t.Run(client+": "+tc.name, func(t *testing.T) {
				sink := &lastSink{}
				r, err := llmrouter.New([]llmrouter.Provider{llmrouter.NewProvider(cheapCard, newModel[client](t, rawH2(t, tc.then)))}, llmrouter.WithSink(sink))
				require.NoError(t, err)
				_, err = r.GenerateContent(context.Background(), human("hi"))
				require.Error(t, err)
				assert.ErrorIs(t, err, llms.ErrProviderUnavailable)
				d := sink.last()
				assert.Equal(t, []string{"cheap:provider_unavailable"}, codes(d), d.Explain())
				assert.Contains(t, d.Attempts[0].Err.Error(), tc.text)
			})
		}
	}
}
