package llmrouter

// Sink receives every decision after its call, failed calls included.
// Record is called synchronously on the request path, so it must be fast
// (hand slow work to a goroutine or a buffer) and safe for concurrent use.
// It must not modify the decision.
type Sink interface {
	Record(d *Decision)
}

// SinkFunc adapts a function to the Sink interface.
type SinkFunc func(d *Decision)

// Record calls fn(d).
func (fn SinkFunc) Record(d *Decision) { fn(d) }
