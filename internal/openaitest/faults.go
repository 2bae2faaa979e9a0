package openaitest

import (
	"fmt"
	"hash/fnv"
	"io"
	"math"
	"math/rand/v2"
	"net/http"
	"strconv"
	"time"
)

// Fault is one kind of response the server gives instead of its default in
// random-fault mode (see Server.InjectFaults).
type Fault struct {
	// Name labels the fault in Request.Fault.
	Name string
	// Weight is the fault's share among the faults (relative; zero counts
	// as 1).
	Weight float64
	// Response is what the server answers instead of its default.
	Response Response
}

// faultMode picks faults for requests: a request's n-th arrival gets a
// fault drawn from a source seeded by (seed, its key, n), so each request
// meets the same faults from run to run whatever the interleaving.
type faultMode struct {
	rate   float64
	seed   uint64
	faults []Fault
	total  float64
	seen   map[string]uint64 // arrivals per key
}

func faultWeight(f Fault) float64 {
	if f.Weight <= 0 {
		return 1
	}
	return f.Weight
}

// pick returns the fault for the next arrival of key, or nil.
func (m *faultMode) pick(key string) *Fault {
	n := m.seen[key]
	m.seen[key] = n + 1
	h := fnv.New64a()
	_, _ = io.WriteString(h, key)
	rng := rand.New(rand.NewPCG(m.seed^h.Sum64(), n))
	if rng.Float64() >= m.rate {
		return nil
	}
	x := rng.Float64() * m.total
	for i := range m.faults {
		x -= faultWeight(m.faults[i])
		if x < 0 {
			return &m.faults[i]
		}
	}
	return &m.faults[len(m.faults)-1]
}

// InjectFaults puts the server in random-fault mode: once the queue is
// empty, a share rate (in [0,1]) of requests get one of faults, picked by
// weight, instead of the default response. The draw depends only on seed,
// the request's Key and how many times that key arrived before, so a soak
// whose requests have distinct last messages meets the same faults on
// every run, however its requests interleave. Request.Fault records which
// fault each request got. Call it before the requests it should affect.
// A rate outside [0,1] or NaN, or a Weight that is NaN, infinite or
// negative, is a mistake in the test: it panics naming it.
func (s *Server) InjectFaults(rate float64, seed uint64, faults ...Fault) {
	if !(rate >= 0 && rate <= 1) {
		panic(fmt.Errorf("openaitest: InjectFaults: rate %v: want a share in [0,1]", rate))
	}
	for i, f := range faults {
		if !(f.Weight >= 0) || math.IsInf(f.Weight, 1) {
			panic(fmt.Errorf("openaitest: InjectFaults: fault %d (%q): Weight %v: want a finite weight >= 0 (0 counts as 1)", i, f.Name, f.Weight))
		}
	}
	m := &faultMode{rate: rate, seed: seed, faults: faults, seen: map[string]uint64{}}
	for _, f := range faults {
		m.total += faultWeight(f)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = m
}

// EchoReply answers 200 with prefix followed by the text of the request's
// last message, so each answer names its request.
func EchoReply(prefix string) Response { return Response{Text: prefix, Echo: true} }

// Stalled answers like r (a Reply or EchoReply) but stalls after n content
// chunks of a streamed answer, or halfway through a non-streamed body,
// until the client gives up (see Response.Stall).
func Stalled(r Response, n int) Response {
	r.Stall, r.StallAfter = true, n
	return r
}

// NotEventStream answers 200 with an HTML page: what a proxy in front of
// the API sends. A streamed request finds no event in it, which
// langchaingo's client turns into an empty answer with a nil error; a
// non-streamed one fails to decode it.
func NotEventStream() Response {
	return Response{
		Header: http.Header{"Content-Type": {"text/html; charset=utf-8"}},
		Body:   "<html><head><title>502 Bad Gateway</title></head>\n<body><h1>502 Bad Gateway</h1></body></html>\n",
	}
}

// rateLimitNoHint is a 429 body that says nothing of when to retry, so a
// client can learn it only from the Retry-After header.
func rateLimitNoHint() string {
	return errorBody("Rate limit reached for gpt-4o-mini in organization org-test on requests per min (RPM): Limit 3, Used 3, Requested 1.",
		"requests", nil, "rate_limit_exceeded")
}

// RetryAfterSeconds answers 429 with "Retry-After: <secs>" (delay-seconds
// form) and a body that carries no retry hint of its own.
func RetryAfterSeconds(secs int) Response {
	return Response{Status: http.StatusTooManyRequests,
		Header: http.Header{"Retry-After": {strconv.Itoa(secs)}}, Body: rateLimitNoHint()}
}

// RetryAfterDate answers 429 with a Retry-After header in HTTP-date form,
// in from the time of writing (truncated to the second, so the wait it
// asks for is between in-1s and in), and a body that carries no retry hint
// of its own.
func RetryAfterDate(in time.Duration) Response {
	return Response{Status: http.StatusTooManyRequests, RetryAfterIn: in, Body: rateLimitNoHint()}
}

// retryAfter sets r's HTTP-date Retry-After header, if it asks for one, and
// returns the earliest time a retry honouring r's Retry-After may arrive.
func (s *Server) retryAfter(r *Response) (time.Time, bool) {
	now := time.Now()
	if r.RetryAfterIn > 0 {
		at := now.Add(r.RetryAfterIn).UTC().Truncate(time.Second)
		r.Header = r.Header.Clone()
		if r.Header == nil {
			r.Header = http.Header{}
		}
		r.Header.Set("Retry-After", at.Format(http.TimeFormat))
		return at, true
	}
	v := r.Header.Get("Retry-After")
	if v == "" {
		return time.Time{}, false
	}
	if secs, err := strconv.Atoi(v); err == nil {
		return now.Add(time.Duration(secs) * time.Second), true
	}
	if at, err := http.ParseTime(v); err == nil {
		return at, true
	}
	return time.Time{}, false
}

// stall writes status 200 and the start of body, then waits until the
// client gives up or the server closes.
func (s *Server) stall(w http.ResponseWriter, r *http.Request, header http.Header, start string) {
	for k, vs := range header {
		for _, v := range vs {
			w.Header().Add(k, v)
		}
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	_, _ = io.WriteString(w, start)
	if f, ok := w.(http.Flusher); ok {
		f.Flush()
	}
	s.wait(r)
}

// wait blocks until the client gives up on r or the server closes.
func (s *Server) wait(r *http.Request) {
	select {
	case <-r.Context().Done():
	case <-s.closed:
	}
}
