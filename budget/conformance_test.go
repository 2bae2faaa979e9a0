package budget_test

import (
	"testing"

	"github.com/llmrouter/llmrouter/budget"
	"github.com/llmrouter/llmrouter/budget/budgettest"
)

func TestMemoryStoreConformance(t *testing.T) {
	budgettest.Run(t, func(*testing.T) budget.Store { return budget.NewMemoryStore() })
}
