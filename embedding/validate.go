package embedding

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/llmrouter/llmrouter"
)

// qualityTable and validateQualityTables are the root's (classifier.go),
// copied: Validate reports the same errors as the rule classifier's.

// qualityTable is a named row of model name → predicted quality.
type qualityTable struct {
	name string
	row  map[string]float64
}

// validateQualityTables reports every table entry naming a model the router
// does not have, sorted, then validates fallback if it can.
func validateQualityTables(kind string, tables []qualityTable, models []llmrouter.ModelCard, fallback llmrouter.Classifier) error {
	known := make(map[string]bool, len(models))
	for _, m := range models {
		known[m.Name] = true
	}
	var errs []string
	for _, t := range tables {
		for model := range t.row {
			if !known[model] {
				errs = append(errs, fmt.Sprintf("%s names unknown model %q", t.name, model))
			}
		}
	}
	sort.Strings(errs)
	if len(errs) > 0 {
		return errors.New("llmrouter: " + kind + ": " + strings.Join(errs, "; "))
	}
	if v, ok := fallback.(modelValidator); ok {
		return v.Validate(models)
	}
	return nil
}

// modelValidator is the optional Validate method llmrouter.New calls on a
// classifier (see llmrouter.Classifier).
type modelValidator interface {
	Validate(models []llmrouter.ModelCard) error
}
