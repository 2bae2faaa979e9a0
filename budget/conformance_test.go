package budget_test

import (
	"testing"

	"github.com/llmrouter/llmrouter/budget"
	"github.com/llmrouter/llmrouter/budget/budgettest"
)

func TestMemoryStoreConformance(t *testing.T) {
	budgettest.Run(t, func(*testing.T) budget.Store { return budget.NewMemoryStore() })
}

// The zero MemoryStore is an empty store, as NewMemoryStore returns: its
// every method panicked ("maphash: use of uninitialized Seed").
func TestMemoryStoreZeroValue(t *testing.T) {
	budgettest.Run(t, func(*testing.T) budget.Store { return new(budget.MemoryStore) })
}
