package llmrouter

import (
	"fmt"

	"github.com/llmrouter/llmrouter/internal/nilcheck"
)

// modelChecker is the optional CheckModels method of a stage whose
// Validate remembers the models it passes (hotswap's holders, and Chain,
// which may hold them): CheckModels validates without remembering.
type modelChecker interface {
	CheckModels(models []ModelCard) error
}

// checkStage validates v against models without letting it remember them:
// CheckModels where v has one, else Validate.
func checkStage(models []ModelCard, v any) error {
	if c, ok := v.(modelChecker); ok {
		return c.CheckModels(models)
	}
	if mv, ok := v.(modelValidator); ok {
		return mv.Validate(models)
	}
	return nil
}

// validateStages validates each stage against models: every stage is
// checked first (checkStage), and only then are the stages that remember
// what they validate given Validate, so that a stage failing leaves no
// holder remembering a model set no router uses.
func validateStages(models []ModelCard, stages ...any) error {
	for _, v := range stages {
		if err := checkStage(models, v); err != nil {
			return err
		}
	}
	for _, v := range stages {
		if _, ok := v.(modelChecker); !ok {
			continue
		}
		if mv, ok := v.(modelValidator); ok {
			if err := mv.Validate(models); err != nil {
				return err
			}
		}
	}
	return nil
}

// CheckModels checks every policy of the chain as checkStage does, so
// that a holder in the chain does not remember models New then refuses;
// a policy that is a nil pointer or func fails it, naming its place.
func (c chain) CheckModels(models []ModelCard) error {
	for i, p := range c {
		if p == nil {
			return fmt.Errorf("llmrouter: Chain: policy %d is nil", i)
		}
		if nilcheck.PointerOrFunc(p) {
			return fmt.Errorf("llmrouter: Chain: policy %d is a nil %T (did its constructor fail?)", i, p)
		}
		if err := checkStage(models, p); err != nil {
			return err
		}
	}
	return nil
}
