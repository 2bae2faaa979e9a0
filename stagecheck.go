package llmrouter

// modelChecker is the optional CheckModels method of a stage whose
// Validate remembers the models it passes (hotswap's holders): CheckModels
// validates without remembering.
type modelChecker interface {
	CheckModels(models []ModelCard) error
}

// validateStages validates each stage against models: every stage is
// checked first (CheckModels where it has one, else Validate), and only
// then are the stages that remember what they validate given Validate, so
// that a stage failing leaves no holder remembering a model set no router
// uses.
func validateStages(models []ModelCard, stages ...any) error {
	for _, v := range stages {
		var err error
		if c, ok := v.(modelChecker); ok {
			err = c.CheckModels(models)
		} else if mv, ok := v.(modelValidator); ok {
			err = mv.Validate(models)
		}
		if err != nil {
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
