package llmrouter

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"time"
)

// Text may reach the caller of an unbuffered stream only from an attempt
// that is still running and only while the plan may still end on that
// attempt's outcome; otherwise the caller would see text and then an
// error other than ErrStreamStarted, a fallback or another attempt's
// answer. Two things keep it so, both arbitrated with the claim of the
// stream (streamState.owner) so that a chunk racing the decision either lands
// before it, and the plan then ends on the streaming attempt, or is
// refused:
//
//   - an attempt's sink ends when its call returns (streamSink.end): a
//     provider whose reader outlives the call cannot deliver later;
//   - a hedged plan about to end on another attempt's answer or error
//     seals the stream (exec.sealStream) before cancelling the rest.

// streamSealed is streamState.owner once no attempt may claim the caller's stream.
const streamSealed int32 = -1

// errAttemptEnded is what a chunk sent after its attempt's call returned
// gets; only a provider's stray goroutine ever sees it.
var errAttemptEnded = errors.New("llmrouter: the attempt has returned; chunk dropped")

// sealStream makes sure no attempt starts streaming to the caller from now
// on. It reports false, sealing nothing, when one already has: the plan
// must then end on that attempt's outcome. Always true unless the call
// streams unbuffered.
func (x *exec) sealStream() bool {
	st := x.stream
	if st == nil || st.buffered {
		return true
	}
	return st.owner.CompareAndSwap(0, streamSealed) || st.owner.Load() == streamSealed
}

// claim makes s's attempt the one streaming to the caller, unless its call
// has returned or another attempt claimed first or the stream is sealed.
func (s *streamSink) claim() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return !s.ended.Load() && s.st.owner.CompareAndSwap(0, s.id)
}

// end drops every chunk s gets from now on. Once it returns, whether s's
// attempt streamed to the caller (exec.streamedBy) is settled, and a
// buffered sink's chunks are no longer written. It returns the first error
// the caller's callback returned through s, if any.
func (s *streamSink) end() error {
	s.mu.Lock()
	s.ended.Store(true)
	err := s.userErr
	s.mu.Unlock()
	return err
}

// noteFirst records when the attempt's first text arrived, unless its
// call has returned (a stray reader's chunk is no time to first token of
// the attempt, and the router may be reading first).
func (s *streamSink) noteFirst() {
	s.mu.Lock()
	if s.first.IsZero() && !s.ended.Load() {
		s.first = s.st.r.now()
	}
	s.seen.Store(true)
	s.mu.Unlock()
}

func (x *exec) streamedBy(id int32) bool {
	return x.stream != nil && !x.stream.buffered && x.stream.owner.Load() == id
}

// streamOwner is the id of the attempt streaming to the caller, 0 for none
// (always when the caller does not stream), or streamSealed.
func (x *exec) streamOwner() int32 {
	if x.stream == nil {
		return 0
	}
	return x.stream.owner.Load()
}

// streamBuffered reports whether the caller streams, buffered.
func (x *exec) streamBuffered() bool { return x.stream != nil && x.stream.buffered }

// streamState is what a streaming call's attempts share with their
// callbacks, which a provider may call from goroutines of its own and
// even after returning: a heap object of its own, made only when the
// caller streams, so that the exec itself stays on GenerateContent's
// stack. owner and claimed are written by the callbacks; the rest is set
// before the first attempt.
type streamState struct {
	r         *Router                                     // for the first chunk's time
	user      func(context.Context, []byte) error         // the caller's StreamingFunc; discardChunk with only a StreamingReasoningFunc
	reasoning func(context.Context, []byte, []byte) error // the caller's StreamingReasoningFunc, or nil
	buffered  bool                                        // chunks are held until the plan accepts an answer
	owner     atomic.Int32                                // id of the attempt streaming to the caller; 0 none; streamSealed
	claimed   chan struct{}                               // closed when an attempt claims the stream
	claimOne  sync.Once
}

// streamSink is one attempt's streaming callbacks (StreamingFunc and
// StreamingReasoningFunc, those the caller set): they forward chunks to
// the caller if this attempt owns the caller's stream (the first to send
// text or reasoning claims it), or buffer them when streaming is buffered.
type streamSink struct {
	st     *streamState
	id     int32
	chunks []sinkChunk
	mu     sync.Mutex  // orders end with a claim, a buffered chunk or first
	ended  atomic.Bool // written under mu (see end)
	first  time.Time   // when the first text arrived (Attempt.FirstToken); under mu, read after end
	seen   atomic.Bool // first is set, or text came after end
	// userErr is the first error the caller's callback returned; under mu.
	userErr error
}

// sinkChunk is one chunk for the caller: for its StreamingFunc, or with
// reasoning for its StreamingReasoningFunc.
type sinkChunk struct {
	text, reasoning []byte
	withReasoning   bool // for StreamingReasoningFunc
}

// discardChunk is streamState.user when the caller set only a
// StreamingReasoningFunc.
func discardChunk(context.Context, []byte) error { return nil }

// forward hands c to the caller's callback it is for.
func (st *streamState) forward(ctx context.Context, c sinkChunk) error {
	if c.withReasoning {
		return st.reasoning(ctx, c.reasoning, c.text)
	}
	return st.user(ctx, c.text)
}

// callUser forwards c to the caller, turning a panic of its callback into
// an error: a client may call the callback on a goroutine of its own,
// where the panic would end the process.
func (st *streamState) callUser(ctx context.Context, c sinkChunk) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = recovered("the caller's streaming callback", v)
		}
	}()
	return st.forward(ctx, c)
}

func (s *streamSink) stream(ctx context.Context, chunk []byte) error {
	return s.send(ctx, sinkChunk{text: chunk})
}

func (s *streamSink) streamReasoning(ctx context.Context, reasoning, chunk []byte) error {
	return s.send(ctx, sinkChunk{text: chunk, reasoning: reasoning, withReasoning: true})
}

func (s *streamSink) send(ctx context.Context, c sinkChunk) error {
	st := s.st
	n := len(c.text) + len(c.reasoning)
	if n > 0 && !s.seen.Load() {
		s.noteFirst()
	}
	if st.buffered {
		s.mu.Lock()
		defer s.mu.Unlock()
		if s.ended.Load() {
			return errAttemptEnded
		}
		if n > 0 {
			c.text, c.reasoning = append([]byte(nil), c.text...), append([]byte(nil), c.reasoning...)
			s.chunks = append(s.chunks, c)
		}
		return nil
	}
	if owner := st.owner.Load(); owner != s.id {
		if n == 0 {
			return nil
		}
		if owner != 0 || !s.claim() {
			if s.ended.Load() {
				return errAttemptEnded
			}
			return errNotStreamOwner
		}
		st.claimOne.Do(func() { close(st.claimed) })
	} else if s.ended.Load() {
		return errAttemptEnded
	}
	err := st.callUser(ctx, c)
	if err != nil {
		s.mu.Lock()
		if s.userErr == nil {
			s.userErr = err
		}
		s.mu.Unlock()
	}
	return err
}
