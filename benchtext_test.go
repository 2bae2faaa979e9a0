package llmrouter

import "github.com/llmrouter/llmrouter/internal/benchtext"

// Benchmark prompts are real text (internal/benchtext): the shared data's
// MMLU prompts, else the repository's own files.

// benchPrompts returns the distinct prompts of a size class and where
// they came from.
func benchPrompts(size int) ([]string, string) { return benchtext.Prompts(size) }

// BenchPrompts exports benchPrompts to the external benchmarks.
func BenchPrompts(size int) ([]string, string) { return benchPrompts(size) }
