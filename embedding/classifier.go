package embedding

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"
	"sync"

	"github.com/llmrouter/llmrouter"
	"github.com/llmrouter/llmrouter/dataset"
	"github.com/tmc/langchaingo/embeddings"
)

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
// Classify does not allocate. Build it with NewClassifier: the zero value
// is not usable (its methods return an error saying so). Its cost is one
// pass over the training vectors: O(len(dataset) × dimension) per
// request.
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

// errZeroClassifier is what every method of a Classifier NewClassifier
// did not make (its zero value) returns.
var errZeroClassifier = errors.New("llmrouter: embedding classifier: not made by NewClassifier (its zero value is not usable)")

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
	if c.embedder == nil {
		return errZeroClassifier
	}
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

// Classify implements Classifier: it embeds f.Text (cached; on a miss the
// embedding call runs under ctx, and its error, ctx's cancellation
// included, is returned) and predicts each model's quality from the
// nearest training prompts. Safe for concurrent use.
func (c *Classifier) Classify(ctx context.Context, f *llmrouter.Features, models []llmrouter.ModelCard, p *llmrouter.Prediction) error {
	if c.embedder == nil {
		return errZeroClassifier
	}
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
// It embeds text as Classify does (cached; on a miss ctx's cancellation
// ends the call and is returned). It allocates; it is meant for
// explaining decisions, not for the hot path. Safe for concurrent use.
func (c *Classifier) Neighbors(ctx context.Context, text string, k int) ([]Neighbor, error) {
	if c.embedder == nil {
		return nil, errZeroClassifier
	}
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
