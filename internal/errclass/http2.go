package errclass

import "strings"

// HTTP/2 transport failures (net/http's, and golang.org/x/net/http2's,
// whose texts are the same): transient like a reset TCP connection, so
// ErrorCodeOf classes them provider unavailable.

// h2StreamError has the fields of net/http's HTTP/2 stream error (its
// copy of golang.org/x/net/http2's StreamError, unexported), whose As
// method fills any struct with the same field names and convertible types:
// so errors.As finds the real error without importing x/net. Its GOAWAY
// and connection errors have no such method and are told by their text
// (http2Failure), as are x/net's own (its StreamError has no As).
type h2StreamError struct {
	StreamID uint32
	Code     uint32
	Cause    error
}

func (e h2StreamError) Error() string { return "http2 stream error" }

// http2Phrases are HTTP/2 transport failures as net/http (and
// golang.org/x/net/http2, whose texts are the same) words them: transient,
// like a reset TCP connection.
var http2Phrases = []string{
	"http2: server sent goaway",                                   // GoAwayError: shut down with the request in flight
	"http2: client connection lost",                               // no answer to the health check's ping (HTTP2Config.PingTimeout)
	"http2: transport received server's graceful shutdown goaway", // the request was not taken
	"http2: client conn is closed",                                // the connection closed under the request
	"http2: client conn not usable",
	"http2: client conn could not be established",
	"stream error: stream id ", // StreamError: the server reset the stream (RST_STREAM)
}

// http2ErrCodes are HTTP/2's error code names (RFC 9113 §7), lower case.
var http2ErrCodes = []string{
	"no_error", "protocol_error", "internal_error", "flow_control_error", "settings_timeout",
	"stream_closed", "frame_size_error", "refused_stream", "cancel", "compression_error",
	"connect_error", "enhance_your_calm", "inadequate_security", "http_1_1_required",
}

// http2Failure reports whether s (lower case) is an HTTP/2 transport
// failure: one of http2Phrases, or a ConnectionError ("connection error:
// PROTOCOL_ERROR", the connection torn down for a protocol violation).
func http2Failure(s string) bool {
	if containsAny(s, http2Phrases) {
		return true
	}
	const conn = "connection error: "
	if i := strings.Index(s, conn); i >= 0 {
		rest := s[i+len(conn):]
		for _, c := range http2ErrCodes {
			if strings.HasPrefix(rest, c) {
				return true
			}
		}
	}
	return false
}
