package llmrouter

// Test-only names for the unexported built-in filters, so the external
// tests can check each filter alone. No Example may use them.
type (
	CapabilityFilter    = capabilityFilter
	ContextWindowFilter = contextWindowFilter
	BudgetFilter        = budgetFilter
	LatencyFilter       = latencyFilter
)
