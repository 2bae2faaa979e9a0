package llmrouter

// A routed Decision is allocated in one block together with the storage of
// its Prediction.Quality, Candidates and Plan, sized to the router's
// models, and, for GenerateContent, of its first Attempt. What a decision
// costs is mostly that block's size: the allocator zeroes it, hands out
// fewer of the larger size classes per span, and the collector runs as
// often as the bytes allocated ask. Over at most smallModels models a
// routed Decision takes 1,024 bytes (2,048 when one layout served every
// router), over at most inlineModels 1,792; past that each slice is
// allocated on its own (TestDecisionStorage).
//
// The slices point inside the block, so a Decision handed out keeps it
// alive, as it kept its inline arrays before; nothing else does.

const (
	// smallModels is the most models whose storage fits the smallest
	// block: 3 entries of each slice beside a Decision make 1,016 bytes.
	smallModels = 3
	// inlineModels is the most models held without further allocation;
	// routers with more allocate each slice per decision.
	inlineModels = 8
)

type modelStore3 struct {
	quality [smallModels]float64
	cand    [smallModels]Candidate
	plan    [smallModels]Step
}

type modelStore8 struct {
	quality [inlineModels]float64
	cand    [inlineModels]Candidate
	plan    [inlineModels]Step
}

type decision3 struct {
	Decision
	m modelStore3
}

type decision3a struct {
	Decision
	m     modelStore3
	first [1]Attempt
}

type decision8 struct {
	Decision
	m modelStore8
}

type decision8a struct {
	Decision
	m     modelStore8
	first [1]Attempt
}

type decisionA struct {
	Decision
	first [1]Attempt
}

// newDecision returns a zero Decision whose Prediction.Quality and
// Candidates have n entries and whose Plan is empty with room for n steps.
// With firstAttempt it also returns an empty slice with room for one
// attempt, in the same block where n ≤ inlineModels; else attempts is nil.
func newDecision(n int, firstAttempt bool) (d *Decision, attempts []Attempt) {
	var quality []float64
	var cand []Candidate
	var plan []Step
	switch {
	case n <= smallModels && !firstAttempt:
		x := new(decision3)
		d, quality, cand, plan = &x.Decision, x.m.quality[:n], x.m.cand[:n], x.m.plan[:0]
	case n <= smallModels:
		x := new(decision3a)
		d, quality, cand, plan, attempts = &x.Decision, x.m.quality[:n], x.m.cand[:n], x.m.plan[:0], x.first[:0]
	case n <= inlineModels && !firstAttempt:
		x := new(decision8)
		d, quality, cand, plan = &x.Decision, x.m.quality[:n], x.m.cand[:n], x.m.plan[:0]
	case n <= inlineModels:
		x := new(decision8a)
		d, quality, cand, plan, attempts = &x.Decision, x.m.quality[:n], x.m.cand[:n], x.m.plan[:0], x.first[:0]
	default:
		if firstAttempt {
			x := new(decisionA)
			d, attempts = &x.Decision, x.first[:0]
		} else {
			d = new(Decision)
		}
		quality, cand, plan = make([]float64, n), make([]Candidate, n), make([]Step, 0, n)
	}
	d.Prediction.Quality, d.Candidates, d.Plan = quality, cand, plan
	return d, attempts
}
