package bandit

import (
	"fmt"

	"github.com/llmrouter/llmrouter"
)

// Validate reports router models the policy does not know, or models it
// knows that the router lacks, and then validates the Base (if it has a
// Validate method); llmrouter.New calls it after CheckModels passed. The
// policy's own check comes first, so that a Base that remembers the
// models it passes (a hotswap holder) is not left remembering a model
// set the policy refused.
func (p *Policy) Validate(models []llmrouter.ModelCard) error {
	if err := p.built(); err != nil {
		return err
	}
	if err := p.checkArms(models); err != nil {
		return err
	}
	if v, ok := p.base.(baseValidator); ok {
		return v.Validate(models)
	}
	return nil
}

// CheckModels validates as Validate does without letting the Base
// remember models (its CheckModels where it has one, else its Validate):
// llmrouter.New checks every stage so before it validates any, so that a
// router New refuses leaves no model set behind in a hotswap holder used
// as Base.
func (p *Policy) CheckModels(models []llmrouter.ModelCard) error {
	if err := p.built(); err != nil {
		return err
	}
	if c, ok := p.base.(interface {
		CheckModels([]llmrouter.ModelCard) error
	}); ok {
		if err := c.CheckModels(models); err != nil {
			return err
		}
	} else if v, ok := p.base.(baseValidator); ok {
		if err := v.Validate(models); err != nil {
			return err
		}
	}
	return p.checkArms(models)
}

type baseValidator interface {
	Validate([]llmrouter.ModelCard) error
}

// checkArms reports router models the policy does not know, or models it
// knows that the router lacks.
func (p *Policy) checkArms(models []llmrouter.ModelCard) error {
	if len(models) != len(p.names) {
		return fmt.Errorf("bandit: router has %d models, the policy %d (%v)", len(models), len(p.names), p.names)
	}
	for _, m := range models {
		if _, ok := p.arms[m.Name]; !ok {
			return &UnknownModelError{Model: m.Name}
		}
	}
	return nil
}
