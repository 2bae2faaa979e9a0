package llmrouter

import "context"

// The documented allocation bound of ReadLinearClassifier, for the tests.
const (
	ReadAllocFactor = readAllocFactor
	ReadAllocBase   = readAllocBase
)

// IsSparse reports whether a loaded classifier keeps only its stored rows.
func (c *LinearClassifier) IsSparse() bool { return c.sparse != nil }

// GatherClassifier is c computed by gather, the reference twin of the
// one-pass stream (linear_stream.go).
func GatherClassifier(c *LinearClassifier) Classifier { return gatherOnly{c} }

type gatherOnly struct{ *LinearClassifier }

func (g gatherOnly) Classify(_ context.Context, f *Features, models []ModelCard, p *Prediction) error {
	g.classifyRest(f, models, p, false)
	return nil
}

// PredictGather is Predict by gather.
func (c *LinearClassifier) PredictGather(text string) ([]float64, float64) {
	return c.predict(text, false)
}

// DefaultClassifierGather is DefaultClassifier with its trained model
// computed by gather.
func DefaultClassifierGather() (Classifier, error) {
	lin, err := defaultLinearClassifier()
	if err != nil {
		return nil, err
	}
	return &blendedClassifier{trained: gatherOnly{lin}, trainedWeight: defaultTrainedWeight, quantiles: defaultDifficultyQuantiles[:], shape: &defaultShapeWeights}, nil
}
