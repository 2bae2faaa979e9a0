package verify

// Prompt is a prompt read once for scoring several answers to it (best of
// n, a cascade's attempts, an evaluation): Model.ScorePrompt with a
// Prompt gives exactly Score's result on the same prompt and answer, and
// skips re-reading the prompt (about an eighth of Score's cost on a
// 400-byte prompt and a 1 KB answer). The zero Prompt is the empty
// prompt's. A Prompt is a value that holds no reference to the prompt's
// text; once made it is only read, so it is safe for concurrent use.
type Prompt struct {
	ps promptStats
	x  [numFeatures]float64 // the prompt's features; the rest 0
	n  int                  // the prompt's length in bytes
}

// ReadPrompt reads prompt (closely its first 4 KiB, as Score does) for
// Model.ScorePrompt. It does not allocate.
func ReadPrompt(prompt string) Prompt {
	var p Prompt
	p.scan(prompt)
	return p
}

// ScorePrompt returns Score(prompt, answer) for the prompt p was read
// from, reading only the answer. It does not allocate.
func (m *Model) ScorePrompt(p *Prompt, answer string) float64 {
	var x [numFeatures]float64
	p.extract(answer, &x, m.dense1)
	return m.score(&x)
}
