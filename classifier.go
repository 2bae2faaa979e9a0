package llmrouter

import (
	"context"
	"errors"
	"fmt"
	"math"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// Prediction is a classifier's view of a request: how well each model is
// expected to answer it.
type Prediction struct {
	// Quality is the predicted quality per model — the probability that the
	// model's answer is acceptable — in the order of the models passed to
	// Classify. NaN means no opinion; the router then derives it from
	// Difficulty and the model's card (see ModelCard.Quality).
	Quality []float64
	// Difficulty is a model-agnostic difficulty in [0,1]: how likely a
	// cheaper model falls short. NaN means none.
	Difficulty float64
	// Label is an optional class such as a tier or an intent ("code", "math").
	Label string
	// Confidence in [0,1] is how sure the classifier is; 0 if it does not say.
	Confidence float64
}

// Classifier predicts, for a request's features, how well each model will
// answer. Classify receives p with p.Quality sized to len(models) and filled
// with NaN and p.Difficulty NaN; it fills what it knows, in place (a
// p.Quality of another length fails the request). Implementations
// must be safe for concurrent use, must not retain f or p, and should not
// allocate: they run on every request.
//
// ctx is the request's context: classifiers that call out (an embedding
// API) must honour its cancellation; in-process ones may ignore it.
//
// A classifier that names models may also have a method
// Validate(models []ModelCard) error: New calls it with the router's
// models and fails if it returns an error, so a typo in a model name is
// caught at start-up (LinearClassifier and RuleClassifier have one).
type Classifier interface {
	Classify(ctx context.Context, f *Features, models []ModelCard, p *Prediction) error
}

// ClassifierFunc adapts a function to the Classifier interface.
type ClassifierFunc func(ctx context.Context, f *Features, models []ModelCard, p *Prediction) error

// Classify calls fn(ctx, f, models, p).
func (fn ClassifierFunc) Classify(ctx context.Context, f *Features, models []ModelCard, p *Prediction) error {
	return fn(ctx, f, models, p)
}

// modelValidator is the optional Validate method of classifiers and
// policies (see Classifier and Policy).
type modelValidator interface {
	Validate(models []ModelCard) error
}

func clampOpen(x float64) float64 {
	if x != x {
		return 0.5
	}
	return math.Min(0.99, math.Max(0.01, x))
}

func sigmoid(x float64) float64 { return 1 / (1 + math.Exp(-x)) }
func logit(p float64) float64   { return math.Log(p / (1 - p)) }

// Rule is one condition of a RuleClassifier. Every condition set must hold;
// a rule with none always matches.
type Rule struct {
	// Label is what the request is called when the rule matches; the
	// classifier's Labels table maps it to per-model quality. Required.
	Label string
	// Keywords match when any of them appears in Features.Text as a whole
	// word or a two-word phrase, case-insensitively. They are matched by
	// hash against Features.NGrams, so matching costs no string scanning.
	Keywords []string
	// Pattern is a regular expression (package regexp syntax) that must
	// match Features.Text.
	Pattern string
	// When is an arbitrary condition on the features. It runs on the
	// request path, for concurrent requests at once: it must be fast and
	// safe for concurrent use, and must not retain f (as Classifier says).
	When func(f *Features) bool
}

// RuleClassifier labels a request by the first matching rule, in order, and
// predicts per-model quality from the label's row in Labels. When no rule
// matches it asks Fallback, if set; otherwise it has no opinion (every
// quality NaN). Build it with NewRuleClassifier; it is safe for concurrent
// use and allocation-free.
type RuleClassifier struct {
	rules    []compiledRule
	keywords *hashSet // keyword hash → bit i set when rule i (< 64) has it
	// anyKeyword: some rule has keywords. (It was read from the table's
	// first slot, which is empty in a small table unless a key lands
	// there: rules with few keywords then never matched.)
	anyKeyword bool
	labels     map[string]map[string]float64
	fallback   Classifier
}

type compiledRule struct {
	Rule
	hashes []uint32
	re     *regexp.Regexp
}

// RuleSet configures NewRuleClassifier. The zero value is a classifier
// with no rules: every request goes to Fallback (nil: no opinion).
// NewRuleClassifier keeps Labels as given, not a copy: do not modify it
// while the classifier is in use.
type RuleSet struct {
	// Rules are tried in order; the first match labels the request.
	Rules []Rule
	// Labels maps each label to model name → predicted quality in [0,1].
	// Models a label does not name get no opinion (NaN) from it.
	Labels map[string]map[string]float64
	// Fallback classifies requests no rule matches; nil means no opinion.
	Fallback Classifier
}

// NewRuleClassifier checks and compiles a rule set: every rule needs a label
// present in Labels, patterns must compile, keywords must be one or two
// words, and qualities must lie in [0,1].
func NewRuleClassifier(set RuleSet) (*RuleClassifier, error) {
	c := &RuleClassifier{labels: set.Labels, fallback: set.Fallback}
	for label, row := range set.Labels {
		for model, q := range row {
			if !(q >= 0 && q <= 1) {
				return nil, fmt.Errorf("llmrouter: label %q: quality %v for model %q is outside [0,1]", label, q, model)
			}
		}
	}
	for i, r := range set.Rules {
		if r.Label == "" {
			return nil, fmt.Errorf("llmrouter: rule %d has no label", i)
		}
		if _, ok := set.Labels[r.Label]; !ok {
			return nil, fmt.Errorf("llmrouter: rule %d: label %q has no row in Labels", i, r.Label)
		}
		cr := compiledRule{Rule: r}
		for _, k := range r.Keywords {
			hs := hashNGrams(nil, k, 0)
			switch len(hs) {
			case 1, 3:
				cr.hashes = append(cr.hashes, hs[len(hs)-1])
			default:
				return nil, fmt.Errorf("llmrouter: rule %d (%s): keyword %q must be one or two words", i, r.Label, k)
			}
		}
		if r.Pattern != "" {
			re, err := regexp.Compile(r.Pattern)
			if err != nil {
				return nil, fmt.Errorf("llmrouter: rule %d (%s): pattern: %w", i, r.Label, err)
			}
			cr.re = re
		}
		c.rules = append(c.rules, cr)
	}
	n := 0
	for _, r := range c.rules {
		n += len(r.hashes)
	}
	c.keywords = makeHashSet(n)
	for i, r := range c.rules {
		if i >= 64 {
			break
		}
		for _, h := range r.hashes {
			c.keywords.add(h, 1<<i)
			c.anyKeyword = true
		}
	}
	return c, nil
}

// Validate reports labels that name models the router does not have.
func (c *RuleClassifier) Validate(models []ModelCard) error {
	var tables []qualityTable
	for label, row := range c.labels {
		tables = append(tables, qualityTable{"label " + strconv.Quote(label), row})
	}
	return validateQualityTables("rule classifier", tables, models, c.fallback)
}

// qualityTable is a named row of model name → predicted quality.
type qualityTable struct {
	name string
	row  map[string]float64
}

// validateQualityTables reports every table entry naming a model the router
// does not have, sorted, then validates fallback if it can.
func validateQualityTables(kind string, tables []qualityTable, models []ModelCard, fallback Classifier) error {
	known := make(map[string]bool, len(models))
	for _, m := range models {
		known[m.Name] = true
	}
	var errs []string
	for _, t := range tables {
		for model := range t.row {
			if !known[model] {
				errs = append(errs, fmt.Sprintf("%s names unknown model %q", t.name, model))
			}
		}
	}
	sort.Strings(errs)
	if len(errs) > 0 {
		return errors.New("llmrouter: " + kind + ": " + strings.Join(errs, "; "))
	}
	if v, ok := fallback.(modelValidator); ok {
		return v.Validate(models)
	}
	return nil
}

// Classify implements Classifier.
func (c *RuleClassifier) Classify(ctx context.Context, f *Features, models []ModelCard, p *Prediction) error {
	// One pass over the n-grams finds the keywords of the first 64 rules.
	var hit uint64
	if c.anyKeyword {
		for _, h := range f.NGrams {
			hit |= c.keywords.get(h)
		}
	}
	for i := range c.rules {
		r := &c.rules[i]
		if len(r.hashes) > 0 {
			if i < 64 && hit&(1<<i) == 0 || i >= 64 && !hasAnyHash(f.NGrams, r.hashes) {
				continue
			}
		}
		if !r.matches(f) {
			continue
		}
		row := c.labels[r.Label]
		for j, m := range models {
			if q, ok := row[m.Name]; ok {
				p.Quality[j] = q
			}
		}
		p.Label = r.Label
		p.Confidence = 1
		return nil
	}
	if c.fallback != nil {
		return c.fallback.Classify(ctx, f, models, p)
	}
	return nil
}

// matches checks the rule's pattern and condition; keywords are checked
// by the caller.
func (r *compiledRule) matches(f *Features) bool {
	if r.re != nil && !r.re.MatchString(f.Text) {
		return false
	}
	if r.When != nil && !r.When(f) {
		return false
	}
	return true
}

func hasAnyHash(hay, needles []uint32) bool {
	for _, h := range hay {
		for _, n := range needles {
			if h == n {
				return true
			}
		}
	}
	return false
}

// heuristicClassifier predicts a model-agnostic difficulty from the
// analyzer's signals with fixed, hand-set weights — length, code, math,
// reasoning and multi-step markers, several questions — and a label naming
// the strongest signal. It needs no training and no data, and is the
// fallback when no trained classifier is available. Safe for concurrent
// use; allocation-free.
type heuristicClassifier struct{}

// Classify implements Classifier.
func (heuristicClassifier) Classify(_ context.Context, f *Features, models []ModelCard, p *Prediction) error {
	tokens := float64(f.Tokens - f.SystemTokens)
	z := -1.6
	z += 0.2 * math.Log1p(tokens/100)
	z += 2.0 * f.Code
	if f.Code >= 0.3 {
		z += 0.8 // asking for code at all: small models falter
	}
	z += 1.6 * f.Math
	// In a long text the markers are mostly in the material, not in the
	// ask: weigh them down beyond a few hundred words.
	damp := math.Min(1, 300/math.Max(1, float64(f.Words)))
	z += damp * 0.45 * math.Min(float64(f.Reasoning), 4)
	z += damp * 0.25 * math.Min(float64(f.MultiStep), 4)
	z += damp * 0.2 * math.Min(float64(f.Questions), 3)
	if f.Tools > 0 {
		z += 0.4
	}
	d := sigmoid(z)
	p.Difficulty = d
	p.Confidence = math.Abs(d-0.5) * 2
	p.Label = heuristicLabel(f)
	return nil
}

func heuristicLabel(f *Features) string {
	switch {
	case f.Images > 0:
		return "vision"
	case f.Tools > 0 || f.ToolCalls > 0:
		return "tools"
	case f.Code >= 0.3:
		return "code"
	case f.Math >= 0.4:
		return "math"
	case f.Tokens >= 8000:
		return "long-context"
	case f.Reasoning >= 2:
		return "reasoning"
	case f.MultiStep >= 3:
		return "multi-step"
	case f.Words <= 12 && f.Reasoning == 0:
		return "simple"
	}
	return "general"
}
