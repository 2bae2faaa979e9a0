package llmrouter

// DefaultClassifier returns the classifier New uses when none is given.
// Today it is the HeuristicClassifier: a model-agnostic difficulty from the
// analyzer's signals, mapped onto each model's card by
// QualityForDifficulty. Safe for concurrent use.
func DefaultClassifier() Classifier { return builtinClassifier() }

func builtinClassifier() Classifier { return HeuristicClassifier{} }
