package hotswap

import "github.com/llmrouter/llmrouter"

// CheckModels validates the current classifier against models as Validate
// does, without remembering them; a nil pointer or func held fails it. llmrouter.New checks every stage so
// before it validates any, so that a router New refuses leaves no model
// set behind in a holder. Safe for concurrent use.
func (h *Classifier) CheckModels(models []llmrouter.ModelCard) error {
	c := h.box().c
	if err := nilValue(nilHeld, "classifier", c); err != nil {
		return err
	}
	return (modelSets{models}).check("classifier", c)
}

// CheckModels validates the current policy against models as Validate
// does, without remembering them (see Classifier.CheckModels).
func (h *Policy) CheckModels(models []llmrouter.ModelCard) error {
	p := h.box().p
	if err := nilValue(nilHeld, "policy", p); err != nil {
		return err
	}
	return (modelSets{models}).check("policy", p)
}

// CheckModels validates the current classifier and policy against models
// as Validate does, without remembering them (see
// Classifier.CheckModels).
func (h *Pair) CheckModels(models []llmrouter.ModelCard) error {
	b := h.box()
	if err := nilValue(nilHeld, "classifier", b.c); err != nil {
		return err
	}
	if err := nilValue(nilHeld, "policy", b.p); err != nil {
		return err
	}
	return (modelSets{models}).check("classifier or policy", b.c, b.p)
}
