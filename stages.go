package llmrouter

// stagePair is the optional method of a value that is both a router's
// classifier and its policy (hotswap.Pair): a pair that can change while
// requests run. When New is given the same value as classifier and policy
// and it has this method, the router calls Stages once per request and runs
// that request's classifier and policy from the one pair it returns, so no
// request is classified by one version and planned by another.
type stagePair interface {
	Stages() (Classifier, Policy)
}

// pairOf returns the stage pair of a classifier and policy that are one
// value with a Stages method, else nil.
func pairOf(c Classifier, p Policy) stagePair {
	sp, ok := p.(stagePair)
	if !ok {
		return nil
	}
	if cp, ok := c.(stagePair); !ok || cp != sp {
		return nil
	}
	return sp
}

// stages returns the classifier and policy of one request.
func (r *Router) stages() (Classifier, Policy) {
	if r.pair == nil {
		return r.classifier, r.policy
	}
	c, p := r.pair.Stages()
	if c == nil || p == nil {
		return r.classifier, r.policy // a pair never returns nil; its own methods delegate then
	}
	return c, p
}
