package train

// researchHook, when non-nil, sees the training matrix and the targets
// before tuning. Only the research harness (research_mmlu_test.go, build
// tag "research") sets it, to try target and feature variants without
// copying LinearSeq; in every other build it stays nil.
var researchHook func(ts *trainMatrix, pr *problem)
