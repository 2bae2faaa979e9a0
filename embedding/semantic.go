package embedding

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"sync"

	"github.com/llmrouter/llmrouter"
	"github.com/tmc/langchaingo/embeddings"
)

// SemanticRoute is one route of a SemanticClassifier: a name, example
// utterances of requests that belong to it, and what each model is worth
// on such requests.
type SemanticRoute struct {
	// Name labels requests routed here (Prediction.Label). Required, unique.
	Name string
	// Utterances are example requests of the route. At least one, none blank.
	Utterances []string
	// Threshold is the least score (see SemanticRoutes.TopN) a request
	// needs to take this route, a cosine similarity in [-1, 1]. The zero
	// value lets any positively similar request in; useful values depend
	// on the embedding model (sentence-transformer and OpenAI embeddings
	// put paraphrases around 0.7–0.9 and unrelated text well below).
	Threshold float64
	// Quality maps model name → predicted quality in [0,1] for requests of
	// this route; models it does not name get no opinion (NaN), as a
	// RuleClassifier label row.
	Quality map[string]float64
}

// SemanticRoutes configures NewSemanticClassifier: the routes and how
// requests are scored against them. The zero value of every field other
// than Routes is its documented default.
type SemanticRoutes struct {
	// Routes to choose among. At least one.
	Routes []SemanticRoute
	// TopN is how many of a route's most similar utterances are averaged
	// into its score for a request: 1 (the zero value's meaning) takes the
	// maximum similarity, larger values ask for agreement among several
	// examples and are less swayed by one lucky match. Routes with fewer
	// utterances average all of them.
	TopN int
	// Fallback classifies requests no route takes (and requests with no
	// text); nil means no opinion: no label, every quality NaN.
	Fallback llmrouter.Classifier
	// BatchSize, Concurrency and CacheSize are as in Config.
	BatchSize   int
	Concurrency int
	CacheSize   int
}

// SemanticClassifier routes a request to the route whose example
// utterances are most similar to its text (Features.Text), as in semantic
// routing: each route is scored by the mean of its TopN highest cosine
// similarities to the request; among the routes whose score reaches their
// Threshold the highest score wins (ties: the earlier route). The winner
// names the Label, sets Quality from its Quality row, and sets Confidence
// to its score clamped to [0,1]. When no route reaches its threshold it
// abstains: it asks Fallback if set and otherwise leaves the prediction
// empty.
//
// Utterances are embedded once, at construction, in batches. Classify
// embeds the request's text with one EmbedQuery call on a cache miss,
// honouring ctx. A SemanticClassifier is safe for concurrent use; on a
// cache hit Classify does not allocate. Build it with
// NewSemanticClassifier: the zero value is not usable (its methods return
// an error saying so).
type SemanticClassifier struct {
	embedder embeddings.Embedder
	routes   []SemanticRoute
	start    []int // per route, its first utterance in vecs; len(routes)+1 entries
	vecs     []float32
	dim      int
	topN     int
	fallback llmrouter.Classifier
	cache    *queryCache
	scratch  sync.Pool
}

// errZeroSemantic is what every method of a SemanticClassifier
// NewSemanticClassifier did not make (its zero value) returns.
var errZeroSemantic = errors.New("llmrouter: semantic classifier: not made by NewSemanticClassifier (its zero value is not usable)")

var (
	_ llmrouter.Classifier = (*SemanticClassifier)(nil)
	_ modelValidator       = (*SemanticClassifier)(nil)
)

// NewSemanticClassifier checks the routes, embeds every utterance with e
// (batched; cancelled with ctx) and returns the classifier. It fails with
// a clear error when there are no routes, a route has no name, a repeated
// name, no utterance or a blank one, a threshold outside [-1, 1], or a
// quality outside [0,1], and when the embedder misbehaves (wrong number of
// vectors, differing dimensions, zero, NaN or infinite vectors). The
// routes are copied.
func NewSemanticClassifier(ctx context.Context, e embeddings.Embedder, set SemanticRoutes) (*SemanticClassifier, error) {
	if e == nil {
		return nil, errors.New("llmrouter: semantic classifier: nil embedder")
	}
	if len(set.Routes) == 0 {
		return nil, errors.New("llmrouter: semantic classifier: no routes")
	}
	if set.TopN < 0 {
		return nil, fmt.Errorf("llmrouter: semantic classifier: TopN %d is negative", set.TopN)
	}
	if set.TopN == 0 {
		set.TopN = 1
	}
	if err := normalizeBatching(&set.BatchSize, &set.Concurrency, &set.CacheSize); err != nil {
		return nil, fmt.Errorf("llmrouter: semantic classifier: %w", err)
	}
	c := &SemanticClassifier{embedder: e, topN: set.TopN, fallback: set.Fallback}
	names := make(map[string]int)
	var texts []string
	for i, r := range set.Routes {
		switch {
		case r.Name == "":
			return nil, fmt.Errorf("llmrouter: semantic classifier: route %d has no name", i)
		case len(r.Utterances) == 0:
			return nil, fmt.Errorf("llmrouter: semantic classifier: route %q has no utterances", r.Name)
		case !(r.Threshold >= -1 && r.Threshold <= 1):
			return nil, fmt.Errorf("llmrouter: semantic classifier: route %q: threshold %v is outside [-1, 1]", r.Name, r.Threshold)
		}
		if j, dup := names[r.Name]; dup {
			return nil, fmt.Errorf("llmrouter: semantic classifier: routes %d and %d are both named %q", j, i, r.Name)
		}
		names[r.Name] = i
		for model, q := range r.Quality {
			if !(q >= 0 && q <= 1) {
				return nil, fmt.Errorf("llmrouter: semantic classifier: route %q: quality %v for model %q is outside [0,1]", r.Name, q, model)
			}
		}
		c.start = append(c.start, len(texts))
		for j, u := range r.Utterances {
			if strings.TrimSpace(u) == "" {
				return nil, fmt.Errorf("llmrouter: semantic classifier: route %q: utterance %d is blank", r.Name, j)
			}
			texts = append(texts, u)
		}
		rc := r
		rc.Utterances = append([]string(nil), r.Utterances...)
		rc.Quality = make(map[string]float64, len(r.Quality))
		for m, q := range r.Quality {
			rc.Quality[m] = q
		}
		c.routes = append(c.routes, rc)
	}
	c.start = append(c.start, len(texts))
	vecs, dim, err := embedAll(ctx, e, texts, set.BatchSize, set.Concurrency)
	if err != nil {
		return nil, fmt.Errorf("llmrouter: semantic classifier: %w", err)
	}
	c.dim = dim
	c.vecs = make([]float32, len(texts)*dim)
	for i, v := range vecs {
		copy(c.vecs[i*dim:], v)
	}
	c.cache = newQueryCache(set.CacheSize)
	topN := c.topN
	c.scratch.New = func() any { s := make([]float32, 0, topN); return &s }
	return c, nil
}

// Validate, which llmrouter.New calls, reports routes that name models
// the router does not have, then validates the Fallback if it can.
func (c *SemanticClassifier) Validate(models []llmrouter.ModelCard) error {
	if c.embedder == nil {
		return errZeroSemantic
	}
	tables := make([]qualityTable, len(c.routes))
	for i, r := range c.routes {
		tables[i] = qualityTable{"route " + strconv.Quote(r.Name), r.Quality}
	}
	return validateQualityTables("semantic classifier", tables, models, c.fallback)
}

// Classify implements Classifier: it embeds f.Text (cached; on a miss the
// embedding call runs under ctx, and its error, ctx's cancellation
// included, is returned) and applies the best-matching route's qualities,
// else asks the fallback classifier with the same ctx. Safe for
// concurrent use.
func (c *SemanticClassifier) Classify(ctx context.Context, f *llmrouter.Features, models []llmrouter.ModelCard, p *llmrouter.Prediction) error {
	if c.embedder == nil {
		return errZeroSemantic
	}
	if f.Text != "" {
		q, err := embedQuery(ctx, c.embedder, c.cache, c.dim, f.Text, "llmrouter: semantic classifier")
		if err != nil {
			return err
		}
		best, score := c.match(q)
		if best >= 0 {
			r := &c.routes[best]
			for i, m := range models {
				if v, ok := r.Quality[m.Name]; ok {
					p.Quality[i] = v
				}
			}
			p.Label = r.Name
			p.Confidence = math.Min(1, math.Max(0, score))
			return nil
		}
	}
	if c.fallback != nil {
		return c.fallback.Classify(ctx, f, models, p)
	}
	return nil
}

// Scores returns each route's score for text (the mean of its TopN best
// similarities), in route order: for explaining and for tuning thresholds.
// It embeds text as Classify does (cached; on a miss ctx's cancellation
// ends the call and is returned). Safe for concurrent use.
func (c *SemanticClassifier) Scores(ctx context.Context, text string) ([]float64, error) {
	if c.embedder == nil {
		return nil, errZeroSemantic
	}
	q, err := embedQuery(ctx, c.embedder, c.cache, c.dim, text, "llmrouter: semantic classifier")
	if err != nil {
		return nil, err
	}
	buf := make([]float32, 0, c.topN)
	out := make([]float64, len(c.routes))
	for i := range c.routes {
		out[i] = c.routeScore(i, q, buf)
	}
	return out, nil
}

// match returns the best route reaching its threshold and its score, or -1.
func (c *SemanticClassifier) match(q []float32) (int, float64) {
	// Scratch on the stack for the usual TopN, from a pool beyond.
	var stack [16]float32
	buf := stack[:0]
	if c.topN > len(stack) {
		bp := c.scratch.Get().(*[]float32)
		defer c.scratch.Put(bp)
		buf = (*bp)[:0]
	}
	best, bestScore := -1, math.Inf(-1)
	for i := range c.routes {
		s := c.routeScore(i, q, buf)
		if s >= c.routes[i].Threshold && s > bestScore {
			best, bestScore = i, s
		}
	}
	return best, bestScore
}

// routeScore is the mean of route i's topN highest similarities to q;
// buf is scratch of capacity ≥ topN.
func (c *SemanticClassifier) routeScore(i int, q []float32, buf []float32) float64 {
	top := buf[:0]
	for u := c.start[i]; u < c.start[i+1]; u++ {
		s := dot(q, c.vecs[u*c.dim:(u+1)*c.dim])
		if len(top) < c.topN {
			top = append(top, s)
			continue
		}
		// Replace the smallest kept similarity if s beats it (topN is small).
		mi := 0
		for j := 1; j < len(top); j++ {
			if top[j] < top[mi] {
				mi = j
			}
		}
		if s > top[mi] {
			top[mi] = s
		}
	}
	var sum float64
	for _, s := range top {
		sum += float64(s)
	}
	return sum / float64(len(top))
}
