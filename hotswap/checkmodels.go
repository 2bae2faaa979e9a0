package hotswap

import "github.com/llmrouter/llmrouter"

// CheckModels validates the current classifier against models as Validate
// does, without remembering them. llmrouter.New checks every stage so
// before it validates any, so that a router New refuses leaves no model
// set behind in a holder. Safe for concurrent use.
func (h *Classifier) CheckModels(models []llmrouter.ModelCard) error {
	return (modelSets{models}).check("classifier", h.cur.Load().c)
}

// CheckModels validates the current policy against models as Validate
// does, without remembering them (see Classifier.CheckModels).
func (h *Policy) CheckModels(models []llmrouter.ModelCard) error {
	return (modelSets{models}).check("policy", h.cur.Load().p)
}

// CheckModels validates the current classifier and policy against models
// as Validate does, without remembering them (see
// Classifier.CheckModels).
func (h *Pair) CheckModels(models []llmrouter.ModelCard) error {
	b := h.cur.Load()
	return (modelSets{models}).check("classifier or policy", b.c, b.p)
}
