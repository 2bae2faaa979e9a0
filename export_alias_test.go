package llmrouter

// Test-only names for unexported stages, so the external tests can check
// each alone. No Example may use them.

// The built-in filters DefaultPolicy chains.
type (
	CapabilityFilter    = capabilityFilter
	ContextWindowFilter = contextWindowFilter
	BudgetFilter        = budgetFilter
	LatencyFilter       = latencyFilter
)

// The built-in classifiers DefaultClassifier blends.
type HeuristicClassifier = heuristicClassifier

var DefaultLinearClassifier = defaultLinearClassifier
