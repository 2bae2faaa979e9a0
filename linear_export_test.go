package llmrouter

// The documented allocation bound of ReadLinearClassifier, for the tests.
const (
	ReadAllocFactor = readAllocFactor
	ReadAllocBase   = readAllocBase
)

// IsSparse reports whether a loaded classifier keeps only its stored rows.
func (c *LinearClassifier) IsSparse() bool { return c.sparse != nil }
