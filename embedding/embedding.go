package embedding

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/llmrouter/llmrouter"
	"github.com/llmrouter/llmrouter/dataset"
	"github.com/tmc/langchaingo/embeddings"
	"golang.org/x/sync/errgroup"
)

// This file holds the classifiers for users who have an embedding model
// (any langchaingo embeddings.Embedder): Classifier, a
// similarity-weighted k-nearest-neighbour predictor of per-model quality
// learnt from an outcomes dataset, and SemanticClassifier, semantic routing
// over hand-written routes with example utterances.
//
// Both embed their reference texts once, at construction, in batches; at
// Classify time they embed the request's text (Features.Text) with one
// EmbedQuery call and keep the vector in a small LRU cache, so a repeated
// text costs no embedding call.

// Defaults of Config and SemanticRoutes.
const (
	// DefaultBatchSize is how many texts go into one EmbedDocuments call.
	DefaultBatchSize = 64
	// DefaultConcurrency is how many EmbedDocuments calls run at once.
	DefaultConcurrency = 4
	// DefaultCacheSize is how many query embeddings are cached.
	DefaultCacheSize = 1024
	// DefaultK is how many nearest training prompts vote.
	DefaultK = 50
	// DefaultTemperature is the softmax temperature over cosine
	// similarities: a neighbour 0.1 less similar than the nearest one
	// weighs 1/e as much.
	DefaultTemperature = 0.1
	// DefaultPrior is the weight of the model's global mean, in
	// units of the nearest neighbour's weight (a pseudo-count).
	DefaultPrior = 1.0
)

// Config configures NewClassifier. The zero value is
// ready to use: every zero field means its documented default.
type Config struct {
	// K is how many nearest training prompts predict a request's quality.
	// 0 means DefaultK (50).
	K int
	// Temperature sets how fast a neighbour's weight falls with its cosine
	// similarity s: w = exp((s − s₁)/Temperature), s₁ the nearest
	// neighbour's similarity, so the weights are a softmax over the top K
	// and the nearest weighs 1. Smaller is sharper. 0 means
	// DefaultTemperature (0.1).
	Temperature float64
	// Prior is how much the model's global mean score weighs against the
	// neighbours, as a pseudo-count in units of the nearest neighbour's
	// weight: with few or far neighbours the prediction shrinks toward the
	// global mean. 0 means DefaultPrior (1); a negative value
	// means no shrinkage.
	Prior float64
	// MinSimilarity is the cosine similarity at or below which a training
	// prompt is no neighbour at all. The neighbours' total weight is also
	// scaled by reach = (s₁ − MinSimilarity)/(1 − MinSimilarity), so a
	// request whose best match is barely above MinSimilarity gets almost
	// the global mean. 0 (the zero value) means only positively similar
	// prompts count; it must lie in [-1, 1).
	MinSimilarity float64
	// BatchSize is how many training prompts go into one EmbedDocuments
	// call. 0 means DefaultBatchSize (64).
	BatchSize int
	// Concurrency bounds the EmbedDocuments calls in flight at once.
	// 0 means DefaultConcurrency (4).
	Concurrency int
	// CacheSize bounds the LRU cache of query embeddings (entries). 0 means
	// DefaultCacheSize (1024); negative disables the cache. Memory
	// is about CacheSize × (4·dimension + the text's length) bytes.
	CacheSize int
}

func (c *Config) normalize() error {
	if c.K == 0 {
		c.K = DefaultK
	}
	if c.Temperature == 0 {
		c.Temperature = DefaultTemperature
	}
	switch {
	case c.Prior == 0:
		c.Prior = DefaultPrior
	case c.Prior < 0:
		c.Prior = 0
	}
	switch {
	case c.K < 0:
		return fmt.Errorf("llmrouter: embedding classifier: K %d is negative", c.K)
	case !(c.Temperature > 0) || math.IsInf(c.Temperature, 0):
		return fmt.Errorf("llmrouter: embedding classifier: temperature %v must be a positive number", c.Temperature)
	case math.IsNaN(c.Prior) || math.IsInf(c.Prior, 0):
		return fmt.Errorf("llmrouter: embedding classifier: prior %v must be finite", c.Prior)
	case !(c.MinSimilarity >= -1 && c.MinSimilarity < 1):
		return fmt.Errorf("llmrouter: embedding classifier: MinSimilarity %v is outside [-1, 1)", c.MinSimilarity)
	}
	return normalizeBatching(&c.BatchSize, &c.Concurrency, &c.CacheSize)
}

func normalizeBatching(batch, conc, cache *int) error {
	if *batch == 0 {
		*batch = DefaultBatchSize
	}
	if *conc == 0 {
		*conc = DefaultConcurrency
	}
	if *cache == 0 {
		*cache = DefaultCacheSize
	}
	if *batch < 0 {
		return fmt.Errorf("llmrouter: embedding batch size %d is negative", *batch)
	}
	if *conc < 0 {
		return fmt.Errorf("llmrouter: embedding concurrency %d is negative", *conc)
	}
	return nil
}

// Classifier predicts each model's quality on a request from the
// outcomes of the most similar training prompts: a similarity-weighted
// k-nearest-neighbour vote over prompt embeddings, in the spirit of
// RouteLLM's similarity-weighted ranking (Ong et al., 2024, arXiv
// 2406.18665), which weighs every training comparison by 10^(s/s_max) for
// the query's cosine similarity s; this classifier keeps only the top K
// and weighs them by a softmax over similarity (see Config).
//
// For a request it embeds Features.Text, finds the K training prompts of
// highest cosine similarity above MinSimilarity, and predicts for each
// model m the shrunk weighted mean
//
//	q_m = (reach·Σ wᵢ·scoreᵢₘ + Prior·mean_m) / (reach·Σ wᵢ + Prior)
//
// over the neighbours with a score for m, where mean_m is m's mean score
// over the whole dataset. Models of the router that the dataset does not
// know get NaN (no opinion). Label is the task (Record.Task) holding the
// most neighbour weight ("" if the neighbours have none). Confidence is the
// neighbours' share of the prediction, reach·Σw/(reach·Σw + Prior): near 1
// with many close neighbours, 0 with none.
//
// A request with no text, or none near enough, gets the global means with
// Confidence 0. Classify calls the embedder (EmbedQuery, with the request's
// ctx) only on a cache miss; a failed or cancelled call is returned as the
// error. A Classifier is safe for concurrent use; on a cache hit
// Classify does not allocate. Its cost is one pass over the training
// vectors: O(len(dataset) × dimension) per request.
type Classifier struct {
	embedder embeddings.Embedder
	cfg      Config
	dim      int
	n        int
	vecs     []float32 // n × dim, unit length
	models   []string  // dataset models, sorted
	modelIdx map[string]int
	scores   []float32 // n × len(models); NaN where a record has no outcome
	means    []float64 // per model, over the records kept
	tasks    []string  // interned task names; index 0 is ""
	taskOf   []int32   // per record
	cache    *queryCache
	scratch  sync.Pool
}

var (
	_ llmrouter.Classifier = (*Classifier)(nil)
	_ modelValidator       = (*Classifier)(nil)
)

// NewClassifier embeds the prompts of ds with e and returns a
// classifier predicting from them. A record's text is its Prompt (for a
// multi-turn record, the first turn); records with no prompt text (only
// Messages) are left out. Identical prompts are embedded once.
//
// Prompts are embedded in batches of cfg.BatchSize, at most
// cfg.Concurrency calls at once; the first failure or ctx's cancellation
// stops the remaining batches and is returned. It fails with a clear error
// on an empty dataset, an invalid cfg, or an embedder that returns the wrong
// number of vectors, vectors of differing dimensions, or a zero, NaN or
// infinite vector. The classifier keeps no reference to ds.
func NewClassifier(ctx context.Context, e embeddings.Embedder, ds *dataset.Dataset, cfg Config) (*Classifier, error) {
	if e == nil {
		return nil, errors.New("llmrouter: embedding classifier: nil embedder")
	}
	if err := cfg.normalize(); err != nil {
		return nil, err
	}
	if ds == nil || len(ds.Records) == 0 {
		return nil, errors.New("llmrouter: embedding classifier: empty dataset")
	}
	// Keep the records with text and outcomes; embed each distinct text once.
	var (
		kept   []*dataset.Record
		texts  []string
		textOf []int // per kept record, index into texts
	)
	seen := make(map[string]int)
	for i := range ds.Records {
		r := &ds.Records[i]
		text := r.Prompt
		if text == "" && len(r.Turns) > 0 {
			text = r.Turns[0]
		}
		if strings.TrimSpace(text) == "" || len(r.Outcomes) == 0 {
			continue
		}
		j, ok := seen[text]
		if !ok {
			j = len(texts)
			seen[text] = j
			texts = append(texts, text)
		}
		kept = append(kept, r)
		textOf = append(textOf, j)
	}
	if len(kept) == 0 {
		return nil, errors.New("llmrouter: embedding classifier: no record of the dataset has a prompt and outcomes")
	}
	vecs, dim, err := embedAll(ctx, e, texts, cfg.BatchSize, cfg.Concurrency)
	if err != nil {
		return nil, fmt.Errorf("llmrouter: embedding classifier: %w", err)
	}

	c := &Classifier{embedder: e, cfg: cfg, dim: dim, n: len(kept)}
	set := make(map[string]struct{})
	for _, r := range kept {
		for m := range r.Outcomes {
			set[m] = struct{}{}
		}
	}
	c.models = slices.Sorted(maps.Keys(set))
	c.modelIdx = make(map[string]int, len(c.models))
	for i, m := range c.models {
		c.modelIdx[m] = i
	}
	nm := len(c.models)
	c.vecs = make([]float32, c.n*dim)
	c.scores = make([]float32, c.n*nm)
	c.means = make([]float64, nm)
	counts := make([]int, nm)
	c.tasks = []string{""}
	taskIdx := map[string]int32{"": 0}
	c.taskOf = make([]int32, c.n)
	for i, r := range kept {
		copy(c.vecs[i*dim:(i+1)*dim], vecs[textOf[i]])
		row := c.scores[i*nm : (i+1)*nm]
		for j := range row {
			row[j] = float32(math.NaN())
		}
		for m, o := range r.Outcomes {
			if !(o.Score >= 0 && o.Score <= 1) {
				return nil, fmt.Errorf("llmrouter: embedding classifier: record %q: score %v of model %q is outside [0,1]", r.ID, o.Score, m)
			}
			j := c.modelIdx[m]
			row[j] = float32(o.Score)
			c.means[j] += o.Score
			counts[j]++
		}
		t, ok := taskIdx[r.Task]
		if !ok {
			t = int32(len(c.tasks))
			taskIdx[r.Task] = t
			c.tasks = append(c.tasks, r.Task)
		}
		c.taskOf[i] = t
	}
	for j := range c.means {
		c.means[j] /= float64(counts[j])
	}
	if cfg.K > c.n {
		c.cfg.K = c.n
	}
	c.cache = newQueryCache(cfg.CacheSize)
	k := c.cfg.K
	c.scratch.New = func() any {
		return &knnScratch{top: make([]neighbor, 0, k), num: make([]float64, nm), den: make([]float64, nm)}
	}
	return c, nil
}

type neighbor struct {
	sim float32
	idx int32
}

type knnScratch struct {
	top      []neighbor
	num, den []float64
}

// Models returns the names of the models the training data has outcomes
// for, sorted.
func (c *Classifier) Models() []string { return append([]string(nil), c.models...) }

// Len returns the number of training prompts.
func (c *Classifier) Len() int { return c.n }

// Dim returns the dimension of the embeddings.
func (c *Classifier) Dim() int { return c.dim }

// Config returns the configuration in use, defaults filled in.
func (c *Classifier) Config() Config { return c.cfg }

// Validate, which llmrouter.New calls, fails when none of the router's
// models has outcomes in the training data (most likely a naming mismatch),
// since the classifier would then have no opinion on any request. Models
// the data does not know are otherwise allowed and get NaN.
func (c *Classifier) Validate(models []llmrouter.ModelCard) error {
	for _, m := range models {
		if _, ok := c.modelIdx[m.Name]; ok {
			return nil
		}
	}
	names := make([]string, len(models))
	for i, m := range models {
		names[i] = m.Name
	}
	return fmt.Errorf("llmrouter: embedding classifier: no router model (%s) has outcomes in the training data (%s)",
		strings.Join(names, ", "), strings.Join(c.models, ", "))
}

// Classify implements Classifier.
func (c *Classifier) Classify(ctx context.Context, f *llmrouter.Features, models []llmrouter.ModelCard, p *llmrouter.Prediction) error {
	// Scratch on the stack for the usual sizes (no sync.Pool round trip,
	// which the race detector makes allocate); from a pool beyond.
	var (
		s      knnScratch
		topBuf [64]neighbor
		accBuf [32]float64
	)
	nm := len(c.models)
	if c.cfg.K <= len(topBuf) && 2*nm <= len(accBuf) {
		s = knnScratch{top: topBuf[:0], num: accBuf[:nm], den: accBuf[nm : 2*nm]}
	} else {
		ps := c.scratch.Get().(*knnScratch)
		defer c.scratch.Put(ps)
		s = *ps
		s.top = s.top[:0]
		clear(s.num)
		clear(s.den)
	}
	if f.Text != "" {
		q, err := c.query(ctx, f.Text)
		if err != nil {
			return err
		}
		s.top = c.nearest(q, s.top)
	}
	// Weights relative to the nearest neighbour, scaled by its reach.
	var mass, reach float64
	if len(s.top) > 0 {
		s1 := float64(s.top[0].sim)
		reach = (s1 - c.cfg.MinSimilarity) / (1 - c.cfg.MinSimilarity)
		reach = math.Min(1, math.Max(0, reach))
	}
	for i := range s.top {
		nb := &s.top[i]
		w := reach * math.Exp((float64(nb.sim)-float64(s.top[0].sim))/c.cfg.Temperature)
		mass += w
		row := c.scores[int(nb.idx)*nm : (int(nb.idx)+1)*nm]
		for j, sc := range row {
			if sc == sc { // not NaN
				s.num[j] += w * float64(sc)
				s.den[j] += w
			}
		}
	}
	prior := c.cfg.Prior
	for i, m := range models {
		j, ok := c.modelIdx[m.Name]
		if !ok {
			continue
		}
		if s.den[j]+prior > 0 {
			p.Quality[i] = (s.num[j] + prior*c.means[j]) / (s.den[j] + prior)
		} else {
			p.Quality[i] = c.means[j]
		}
	}
	p.Confidence = 0
	if mass > 0 {
		p.Confidence = mass / (mass + prior)
	}
	p.Label = c.majorityTask(s.top)
	return nil
}

// majorityTask returns the task holding the most neighbour weight.
func (c *Classifier) majorityTask(top []neighbor) string {
	if len(top) == 0 || len(c.tasks) == 1 {
		return ""
	}
	best, bestW := int32(0), 0.0
	s1 := float64(top[0].sim)
	for i := range top {
		t := c.taskOf[top[i].idx]
		if t == 0 {
			continue
		}
		done := false
		for j := 0; j < i; j++ {
			if c.taskOf[top[j].idx] == t {
				done = true
				break
			}
		}
		if done {
			continue
		}
		var w float64
		for j := i; j < len(top); j++ {
			if c.taskOf[top[j].idx] == t {
				w += math.Exp((float64(top[j].sim) - s1) / c.cfg.Temperature)
			}
		}
		if w > bestW {
			best, bestW = t, w
		}
	}
	return c.tasks[best]
}

// Neighbor is one training prompt near a query, as Neighbors reports it.
type Neighbor struct {
	// Index is the training prompt's position among the prompts kept.
	Index int
	// Similarity is its cosine similarity to the query.
	Similarity float64
	// Task is its record's task.
	Task string
	// Scores maps each model to its score on that prompt.
	Scores map[string]float64
}

// Neighbors returns the k training prompts nearest to text (k ≤ 0 means
// the configured K), most similar first: what a prediction was made from.
// It embeds text as Classify does (cached). It allocates; it is meant for
// explaining decisions, not for the hot path.
func (c *Classifier) Neighbors(ctx context.Context, text string, k int) ([]Neighbor, error) {
	q, err := c.query(ctx, text)
	if err != nil {
		return nil, err
	}
	if k <= 0 {
		k = c.cfg.K
	}
	k = min(k, c.n)
	top := c.nearestK(q, make([]neighbor, 0, k), k)
	out := make([]Neighbor, len(top))
	nm := len(c.models)
	for i, nb := range top {
		sc := make(map[string]float64)
		for j, v := range c.scores[int(nb.idx)*nm : (int(nb.idx)+1)*nm] {
			if v == v {
				sc[c.models[j]] = float64(v)
			}
		}
		out[i] = Neighbor{Index: int(nb.idx), Similarity: float64(nb.sim), Task: c.tasks[c.taskOf[nb.idx]], Scores: sc}
	}
	return out, nil
}

// query returns the unit embedding of text, from the cache or the embedder.
func (c *Classifier) query(ctx context.Context, text string) ([]float32, error) {
	return embedQuery(ctx, c.embedder, c.cache, c.dim, text, "llmrouter: embedding classifier")
}

func (c *Classifier) nearest(q []float32, top []neighbor) []neighbor {
	return c.nearestK(q, top, c.cfg.K)
}

// nearestK fills top (reset, capacity ≥ k) with the k prompts most similar
// to q whose similarity exceeds MinSimilarity, most similar first; ties
// go to the earlier prompt.
func (c *Classifier) nearestK(q []float32, top []neighbor, k int) []neighbor {
	top = top[:0]
	if k <= 0 {
		return top
	}
	minSim := float32(c.cfg.MinSimilarity)
	dim := c.dim
	for i := 0; i < c.n; i++ {
		s := dot(q, c.vecs[i*dim:(i+1)*dim:(i+1)*dim])
		if !(s > minSim) {
			continue
		}
		if len(top) < k {
			top = append(top, neighbor{sim: s, idx: int32(i)})
			siftUp(top, len(top)-1)
			continue
		}
		if s <= top[0].sim { // the heap's root is the weakest kept
			continue
		}
		top[0] = neighbor{sim: s, idx: int32(i)}
		siftDown(top, 0)
	}
	// Best first: an insertion sort, as k is small and it does not allocate.
	for i := 1; i < len(top); i++ {
		for j := i; j > 0 && worse(top[j-1], top[j]); j-- {
			top[j-1], top[j] = top[j], top[j-1]
		}
	}
	return top
}

// worse orders neighbours: lower similarity, then later index, is worse.
func worse(a, b neighbor) bool {
	if a.sim != b.sim {
		return a.sim < b.sim
	}
	return a.idx > b.idx
}

// siftUp and siftDown maintain a min-heap (by worse) of neighbours.
func siftUp(h []neighbor, i int) {
	for i > 0 {
		p := (i - 1) / 2
		if !worse(h[i], h[p]) {
			break
		}
		h[i], h[p] = h[p], h[i]
		i = p
	}
}

func siftDown(h []neighbor, i int) {
	n := len(h)
	for {
		l := 2*i + 1
		if l >= n {
			return
		}
		m := l
		if r := l + 1; r < n && worse(h[r], h[l]) {
			m = r
		}
		if !worse(h[m], h[i]) {
			return
		}
		h[i], h[m] = h[m], h[i]
		i = m
	}
}

// dot returns the dot product of equal-length vectors. Eight accumulators
// and re-sliced blocks let the compiler drop bounds checks and overlap the
// multiply-adds.
func dot(a, b []float32) float32 {
	b = b[:len(a)]
	var s0, s1, s2, s3, s4, s5, s6, s7 float32
	i := 0
	for ; i+8 <= len(a); i += 8 {
		x, y := a[i:i+8:i+8], b[i:i+8:i+8]
		s0 += x[0] * y[0]
		s1 += x[1] * y[1]
		s2 += x[2] * y[2]
		s3 += x[3] * y[3]
		s4 += x[4] * y[4]
		s5 += x[5] * y[5]
		s6 += x[6] * y[6]
		s7 += x[7] * y[7]
	}
	for ; i < len(a); i++ {
		s0 += a[i] * b[i]
	}
	return ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7))
}

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
// cache hit Classify does not allocate.
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
	tables := make([]qualityTable, len(c.routes))
	for i, r := range c.routes {
		tables[i] = qualityTable{"route " + strconv.Quote(r.Name), r.Quality}
	}
	return validateQualityTables("semantic classifier", tables, models, c.fallback)
}

// Classify implements Classifier.
func (c *SemanticClassifier) Classify(ctx context.Context, f *llmrouter.Features, models []llmrouter.ModelCard, p *llmrouter.Prediction) error {
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
func (c *SemanticClassifier) Scores(ctx context.Context, text string) ([]float64, error) {
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

// embedAll embeds texts with e in batches of batch, at most conc calls in
// flight, and returns unit vectors and their dimension. The first error —
// a failed call, a misbehaving embedder, ctx's cancellation — stops the
// batches not yet started and is returned once the calls in flight end.
func embedAll(ctx context.Context, e embeddings.Embedder, texts []string, batch, conc int) ([][]float32, int, error) {
	out := make([][]float32, len(texts))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(conc)
	for lo := 0; lo < len(texts); lo += batch {
		if gctx.Err() != nil {
			break // a batch failed or the caller cancelled: start no more
		}
		hi := min(lo+batch, len(texts))
		g.Go(func() error {
			if gctx.Err() != nil {
				return nil
			}
			vs, callErr := e.EmbedDocuments(gctx, texts[lo:hi])
			if callErr != nil {
				return fmt.Errorf("embedding texts %d–%d: %w", lo, hi-1, callErr)
			}
			if len(vs) != hi-lo {
				return fmt.Errorf("embedder returned %d vectors for %d texts (texts %d–%d)", len(vs), hi-lo, lo, hi-1)
			}
			for i, v := range vs {
				u, verr := unitVector(v)
				if verr != nil {
					return fmt.Errorf("text %d (%.40q): %w", lo+i, texts[lo+i], verr)
				}
				out[lo+i] = u
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, 0, err
	}
	if err := ctx.Err(); err != nil {
		return nil, 0, err
	}
	dim := len(out[0])
	for i, v := range out {
		if len(v) != dim {
			return nil, 0, fmt.Errorf("dimension mismatch: text 0 embeds to %d dimensions, text %d (%.40q) to %d", dim, i, texts[i], len(v))
		}
	}
	return out, dim, nil
}

// unitVector returns a unit-length copy of v, or an error for an empty,
// zero, NaN or infinite vector.
func unitVector(v []float32) ([]float32, error) {
	if len(v) == 0 {
		return nil, errors.New("empty embedding")
	}
	var ss float64
	for i, x := range v {
		if math.IsNaN(float64(x)) || math.IsInf(float64(x), 0) {
			return nil, fmt.Errorf("embedding has a non-finite value %v at dimension %d", x, i)
		}
		ss += float64(x) * float64(x)
	}
	if ss == 0 {
		return nil, errors.New("embedding is the zero vector")
	}
	inv := 1 / math.Sqrt(ss)
	u := make([]float32, len(v))
	for i, x := range v {
		u[i] = float32(float64(x) * inv)
	}
	return u, nil
}

// embedQuery returns the unit embedding of text: from the cache, or from
// one EmbedQuery call (checked and cached).
func embedQuery(ctx context.Context, e embeddings.Embedder, cache *queryCache, dim int, text, who string) ([]float32, error) {
	if v, ok := cache.get(text); ok {
		return v, nil
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	v, err := e.EmbedQuery(ctx, text)
	if err != nil {
		return nil, fmt.Errorf("%s: embedding the request: %w", who, err)
	}
	if len(v) != dim {
		return nil, fmt.Errorf("%s: dimension mismatch: the request embeds to %d dimensions, the training data to %d", who, len(v), dim)
	}
	u, err := unitVector(v)
	if err != nil {
		return nil, fmt.Errorf("%s: embedding the request: %w", who, err)
	}
	cache.put(text, u)
	return u, nil
}

// queryCache is a fixed-size LRU cache of query embeddings keyed by text,
// safe for concurrent use. A nil *queryCache caches nothing. Cached vectors
// are never modified, so callers may read them after the lock is released.
type queryCache struct {
	mu      sync.Mutex
	index   map[string]int32
	entries []cacheEntry // a doubly linked list through prev/next, head = most recent
	head    int32
	tail    int32
}

type cacheEntry struct {
	key        string
	vec        []float32
	prev, next int32
}

func newQueryCache(size int) *queryCache {
	if size <= 0 {
		return nil
	}
	return &queryCache{index: make(map[string]int32, size), entries: make([]cacheEntry, 0, size), head: -1, tail: -1}
}

func (c *queryCache) get(key string) ([]float32, bool) {
	if c == nil {
		return nil, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	i, ok := c.index[key]
	if !ok {
		return nil, false
	}
	c.moveToFront(i)
	return c.entries[i].vec, true
}

func (c *queryCache) put(key string, vec []float32) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if i, ok := c.index[key]; ok { // a concurrent miss got here first
		c.entries[i].vec = vec
		c.moveToFront(i)
		return
	}
	var i int32
	if len(c.entries) < cap(c.entries) {
		i = int32(len(c.entries))
		c.entries = append(c.entries, cacheEntry{prev: -1, next: -1})
	} else { // evict the least recently used
		i = c.tail
		c.unlink(i)
		delete(c.index, c.entries[i].key)
	}
	c.entries[i].key, c.entries[i].vec = key, vec
	c.index[key] = i
	c.pushFront(i)
}

func (c *queryCache) moveToFront(i int32) {
	if c.head == i {
		return
	}
	c.unlink(i)
	c.pushFront(i)
}

func (c *queryCache) unlink(i int32) {
	e := &c.entries[i]
	if e.prev >= 0 {
		c.entries[e.prev].next = e.next
	} else {
		c.head = e.next
	}
	if e.next >= 0 {
		c.entries[e.next].prev = e.prev
	} else {
		c.tail = e.prev
	}
	e.prev, e.next = -1, -1
}

func (c *queryCache) pushFront(i int32) {
	e := &c.entries[i]
	e.prev, e.next = -1, c.head
	if c.head >= 0 {
		c.entries[c.head].prev = i
	}
	c.head = i
	if c.tail < 0 {
		c.tail = i
	}
}
