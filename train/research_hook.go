package train

// researchHook, when non-nil, sees the training matrix and the targets
// before tuning. Only the research harness (research_mmlu_test.go, build
// tag "research") sets it, to try target and feature variants without
// copying LinearSeq; in every other build it stays nil.
var researchHook func(ts *trainMatrix, pr *problem)

// researchDesignHook, when non-nil, may rescale the idf of a design (with
// idf on) from its fit rows before the row norms are taken. Only the
// research harness sets it; in every other build it stays nil.
var researchDesignHook func(d *design, fit []int)
