// Package decisionlog is a durable decision log: a llmrouter.Sink that
// appends every routing decision, the answer text when asked to, and —
// days later, from any process — feedback on it, to JSONL files in one
// directory; a reader for those files; and exports that join feedback to
// its decision as an outcomes dataset (dataset.Record): for train
// (ExportOutcomes) or, with the answer text in each outcome, for
// train-verifier (ExportVerifier).
//
// # Request path
//
// Log.Record only puts the decision's pointer on a bounded queue (Options.QueueSize):
// it never blocks, never encodes, never allocates. When the queue is full the
// decision is dropped and counted (Stats.Dropped). A background goroutine
// encodes decisions with the Decision's stable JSON form and writes them in
// batches.
//
// # Durability (fsync policy)
//
// After each batch the log writes its buffer to the file (one write call),
// so a crash of the process (kill -9) loses only what was still queued or
// being encoded, and may leave a torn last line, which the reader skips with a
// message. The file is fsynced — so that the records also survive a crash of the
// machine — when SyncEvery records (default 1000) have been written since the
// last fsync, when SyncInterval (default 1 s) has passed since the first
// unsynced record, before a file is rotated, on Close, and after every
// Feedback, which returns only once its record is on disk.
//
// # Files
//
// Each Log writes its own files, named "<UTC time>-<pid>-<seq>.jsonl" so that
// several processes can share a directory and the names sort in time order
// (a Log's own names never go back, even when the wall clock is set back);
// a file is rotated when it would grow past MaxFileBytes (default 64 MiB). No
// file is created before the first record, and one a write error left
// empty is removed (the next record opens another). Files are created 0600, the
// directory 0700. Each line is one JSON object with a "kind":
//
//	{"v":1,"kind":"decision","prompt_text":"off","decision":{…the Decision's JSON form…}}
//	{"v":1,"kind":"answer","logged":"2026-01-01T00:00:01Z","id":"…","model":"cheap","answer_text":"full","answer":"4"}
//	{"v":1,"kind":"feedback","logged":"2026-01-03T09:00:00Z","id":"…","score":1,"note":"thumbs up"}
//
// # Privacy
//
// Prompt and answer text are not logged by default (TextOff); TextHashed logs
// a keyed hash ("th_" and 16 bytes of HMAC-SHA-256 in hex), TextFull the text.
// HashUsers replaces Hints.User by the pseudonym llmrouter.WithUserRedaction
// writes under the same key. A Decision holds no API key; so that none reaches
// the disk through an error message, a URL or a pasted prompt either, every
// line is scrubbed of strings shaped like provider keys (sk-…, AIza…, Bearer …,
// key= and token= query parameters, …) before it is written.
package decisionlog
