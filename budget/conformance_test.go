package budget_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/llmrouter/llmrouter/budget"
	"github.com/llmrouter/llmrouter/budget/budgettest"
	"github.com/stretchr/testify/assert"
)

func TestMemoryStoreConformance(t *testing.T) {
	budgettest.Run(t, func(*testing.T) budget.Store { return budget.NewMemoryStore() })
}

// The zero MemoryStore is an empty store, as NewMemoryStore returns: its
// every method panicked ("maphash: use of uninitialized Seed").
func TestMemoryStoreZeroValue(t *testing.T) {
	budgettest.Run(t, func(*testing.T) budget.Store { return new(budget.MemoryStore) })
}

// The zero MemoryStore's first uses race safely (run with -race): 32
// goroutines commit to 8 buckets at once, and every charge is counted.
func TestMemoryStoreZeroValueConcurrent(t *testing.T) {
	var s budget.MemoryStore
	now := time.Unix(1_700_000_000, 0)
	w := budget.Window{Period: budget.Day}
	var wg sync.WaitGroup
	for g := range 32 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			b := []budget.Bucket{{Key: fmt.Sprint("k", g%8), Limit: 1e12, Window: w}}
			for i := range 10 {
				assert.NoError(t, s.Commit(context.Background(), fmt.Sprint(g, "-", i), b, 3, now))
			}
		}()
	}
	wg.Wait()
	for k := range 8 {
		spent, held := s.Usage(fmt.Sprint("k", k), now)
		assert.Equal(t, budget.Nanos(4*10*3), spent, "bucket k%d", k)
		assert.Zero(t, held)
	}
}
