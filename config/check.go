package config

import (
	"bytes"
	"errors"

	"fmt"
	goccy "github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/parser"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Provider kinds a model may name.
const (
	KindOpenAI    = "openai"
	KindAnthropic = "anthropic"
	KindOllama    = "ollama"
	KindFake      = "fake" // a scripted fake (routertest), for demos and dry runs
)

var (
	envName       = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
	yamlLineErr   = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)
	unknownAnchor = regexp.MustCompile(`unknown anchor '(.*)' referenced$`)
)

// syntaxError places a YAML syntax error. go.yaml.in/yaml/v3 reports the
// line where the enclosing block starts, not where the mistake is, so the
// text is parsed again with goccy/go-yaml, whose syntax errors carry the
// offending token's position; if that parser disagrees (accepts the text),
// yaml/v3's own line is used. So is it for text that may nest more than
// maxReparseDepth levels deep (see nestingMarks), where that parser's
// memory grows with the square of the depth (gigabytes for a file of a
// few hundred kilobytes).
func syntaxError(name string, data []byte, err error) *Error {
	var se *goccy.SyntaxError
	if nestingMarks(data) <= maxReparseDepth {
		if _, perr := parser.ParseBytes(data, 0); errors.As(perr, &se) && se.Token != nil {
			return &Error{File: name, Line: se.Token.Position.Line, Msg: "not valid YAML: " + se.Message}
		}
	}
	msg := err.Error()
	if m := yamlLineErr.FindStringSubmatch(msg); m != nil {
		line, _ := strconv.Atoi(m[1])
		return &Error{File: name, Line: line, Msg: "not valid YAML: " + m[2]}
	}
	msg = "not valid YAML: " + strings.TrimPrefix(msg, "yaml: ")
	// yaml/v3 gives no place for bytes it does not read as text (not
	// UTF-8, a control character): find the first.
	if line, col := badChar(data); line > 0 {
		return &Error{File: name, Line: line, Msg: fmt.Sprintf("%s (byte %d of the line)", msg, col)}
	}
	// Nor for an alias of an unknown anchor: find the alias.
	if m := unknownAnchor.FindStringSubmatch(msg); m != nil {
		if i := bytes.Index(data, []byte("*"+m[1])); i >= 0 {
			return &Error{File: name, Line: 1 + bytes.Count(data[:i], []byte("\n")), Msg: msg}
		}
	}
	// Its other errors leave the line out when it is the first.
	return &Error{File: name, Line: 1, Msg: msg}
}

// badChar returns the line and byte in it (1-based) of the first byte of
// data that is not UTF-8 or is a character YAML does not allow (a control
// character other than tab and line ends); 0, 0 when there is none.
func badChar(data []byte) (line, col int) {
	start := 0
	for i := 0; i < len(data); {
		r, n := utf8.DecodeRune(data[i:])
		ok := r == '\t' || r == '\n' || r == '\r' || (r >= 0x20 && r <= 0x7e) || r == 0x85 ||
			(r >= 0xa0 && r <= 0xd7ff) || (r >= 0xe000 && r <= 0xfffd) || (r >= 0x10000 && r <= 0x10ffff)
		if r == utf8.RuneError && n <= 1 {
			ok = false
		}
		if !ok {
			return 1 + bytes.Count(data[:i], []byte("\n")), i - start + 1
		}
		if r == '\n' {
			start = i + 1
		}
		i += n
	}
	return 0, 0
}

// maxReparseDepth bounds the nesting syntaxError parses again: a
// configuration nests a few levels, and holds a few hundred list items
// and flow collections ([…], {…}) at most.
const maxReparseDepth = 1024

// nestingMarks bounds the nesting of data from above: it counts every [
// and {, and every - and ? that ends a line or is followed by a blank (a
// block item or key, which may open a level on the same line, as in
// "- - - x"), quoted or not; closing brackets are not subtracted, as a
// quoted one would hide an open one. Nesting by indentation alone needs
// lines of growing length, so the file's size bounds it (to about 1,400
// levels in MaxFileBytes).
func nestingMarks(data []byte) int {
	n := bytes.Count(data, []byte("[")) + bytes.Count(data, []byte("{"))
	for i, c := range data {
		if c != '-' && c != '?' {
			continue
		}
		if i+1 == len(data) || data[i+1] == ' ' || data[i+1] == '\t' || data[i+1] == '\n' || data[i+1] == '\r' {
			n++
		}
	}
	return n
}

// line returns the line of path, or of its nearest recorded parent (a
// missing field is reported where its parent is).
func (f *File) line(path string) int {
	for p := path; ; {
		if l, ok := f.lines[p]; ok {
			return l
		}
		i := strings.LastIndexAny(p, ".[")
		if i < 0 {
			return f.lines[""]
		}
		p = p[:i]
	}
}

func (f *File) has(path string) bool { _, ok := f.lines[path]; return ok }

func (f *File) errorf(errs *Errors, path, format string, args ...any) {
	if f.bad[path] {
		return // already reported by the decoder; its zero value says nothing
	}
	errs.add(&Error{File: f.name, Line: f.line(path), Field: path, Msg: fmt.Sprintf(format, args...)})
}

// looksLikeKey reports a value that is a secret rather than a variable
// name: a known key prefix, or a long mix of letters and digits.
func looksLikeKey(s string) bool {
	for _, p := range []string{"sk-", "sk_", "sk-ant-", "gsk_", "xai-", "AIza", "hf_"} {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	if len(s) < 24 {
		return false
	}
	var lower, upper, digit bool
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z':
			lower = true
		case r >= 'A' && r <= 'Z':
			upper = true
		case r >= '0' && r <= '9':
			digit = true
		}
	}
	return lower && upper && digit
}

// check reports every impossible value and dangling model name.
func (f *File) check(errs *Errors) {
	f.checkBudgets(errs)
	if len(f.Models) == 0 && !f.has("models") {
		f.errorf(errs, "models", "missing: declare at least one model")
	}
	names := map[string]int{}
	for i := range f.Models {
		f.checkModel(errs, i, names)
	}
	known := func(path, name string) {
		if _, ok := names[name]; !ok && name != "" {
			f.errorf(errs, path, "unknown model %q (declared: %s)", name, strings.Join(f.modelNames(), ", "))
		}
	}
	if t := f.Tiers; t != nil {
		for tier, ms := range t.Allow {
			if len(ms) == 0 {
				f.errorf(errs, "tiers.allow."+tier, "lists no model")
			}
			for j, m := range ms {
				known(fmt.Sprintf("tiers.allow.%s[%d]", tier, j), m)
			}
		}
		if _, ok := t.Allow[t.Default]; t.Default != "" && !ok {
			f.errorf(errs, "tiers.default", "tier %q is not under tiers.allow", t.Default)
		}
	}
	p := f.Policy
	switch p.Rule {
	case "", "cheapest-adequate":
		if f.has("policy.min_quality") && (p.MinQuality <= 0 || p.MinQuality > 1) {
			f.errorf(errs, "policy.min_quality", "must be in (0,1], got %v", p.MinQuality)
		}
		for _, k := range []string{"strong", "weak", "cutoff"} {
			if f.has("policy." + k) {
				f.errorf(errs, "policy."+k, "only for rule: threshold")
			}
		}
	case "threshold":
		for _, k := range []struct{ path, v string }{{"policy.strong", p.Strong}, {"policy.weak", p.Weak}} {
			if k.v == "" {
				f.errorf(errs, k.path, "required with rule: threshold")
			}
			known(k.path, k.v)
		}
		if p.Strong != "" && p.Strong == p.Weak {
			f.errorf(errs, "policy.weak", "the same model as policy.strong")
		}
		if f.has("policy.min_quality") {
			f.errorf(errs, "policy.min_quality", "only for rule: cheapest-adequate")
		}
	default:
		f.errorf(errs, "policy.rule", "unknown rule %q (want cheapest-adequate or threshold)", p.Rule)
	}
	if fb := f.Fallback; fb != nil {
		f.checkFallback(errs, fb)
	}
}

func (f *File) modelNames() []string {
	out := make([]string, len(f.Models))
	for i, m := range f.Models {
		out[i] = m.Name
	}
	return out
}

func (f *File) checkModel(errs *Errors, i int, names map[string]int) {
	m := f.Models[i]
	at := func(field string) string { return fmt.Sprintf("models[%d].%s", i, field) }
	switch {
	case m.Name == "":
		f.errorf(errs, at("name"), "required")
	case names[m.Name] > 0:
		f.errorf(errs, at("name"), "%q is already models[%d]", m.Name, names[m.Name]-1)
	default:
		names[m.Name] = i + 1
	}
	switch m.Provider {
	case KindOpenAI, KindAnthropic:
		if m.APIKeyEnv == "" {
			f.errorf(errs, at("api_key_env"), "required for provider %s: the name of the environment variable holding the key", m.Provider)
		}
	case KindOllama, KindFake:
	case "":
		f.errorf(errs, at("provider"), "required: openai, anthropic, ollama or fake")
	default:
		f.errorf(errs, at("provider"), "unknown provider kind %q (want openai, anthropic, ollama or fake)", m.Provider)
	}
	if k := m.APIKeyEnv; k != "" {
		switch {
		case looksLikeKey(k):
			f.errorf(errs, at("api_key_env"), "looks like an API key itself: put the key in an environment variable and name the variable here (e.g. OPENAI_API_KEY)")
		case !envName.MatchString(k):
			f.errorf(errs, at("api_key_env"), "%q is not an environment variable name (letters, digits and _)", k)
		}
	}
	if m.BaseURL != "" {
		u, err := url.Parse(m.BaseURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			f.errorf(errs, at("base_url"), "%q is not an http(s) URL", m.BaseURL)
		}
	}
	for _, p := range []struct {
		field string
		v     float64
	}{{"price_in", m.PriceIn}, {"price_out", m.PriceOut}, {"price_cached_in", m.PriceCachedIn}, {"price_cache_write", m.PriceCacheWrite}} {
		if p.v < 0 {
			f.errorf(errs, at(p.field), "must be >= 0, got %v", p.v)
		}
	}
	for _, p := range []struct {
		field string
		v     int
	}{{"context_window", m.ContextWindow}, {"max_output", m.MaxOutput}} {
		if p.v < 0 {
			f.errorf(errs, at(p.field), "must be >= 0, got %d", p.v)
		}
	}
	if m.ContextWindow > 0 && m.MaxOutput > m.ContextWindow {
		f.errorf(errs, at("max_output"), "%d is more than context_window %d", m.MaxOutput, m.ContextWindow)
	}
	if m.TypicalLatency < 0 {
		f.errorf(errs, at("typical_latency"), "must be >= 0, got %s", m.TypicalLatency)
	}
	if f.has(at("quality")) && (m.Quality <= 0 || m.Quality > 1) {
		f.errorf(errs, at("quality"), "must be in (0,1], got %v", m.Quality)
	}
}

// maxRetries bounds fallback.max_retries: more would only hold a request
// in backoff for minutes.
const maxRetries = 10

func (f *File) checkFallback(errs *Errors, fb *Fallback) {
	if r := fb.MaxRetries; r != nil && (*r < 0 || *r > maxRetries) {
		f.errorf(errs, "fallback.max_retries", "must be in [0,%d], got %d", maxRetries, *r)
	}
	for _, d := range []struct {
		path string
		v    int64
	}{
		{"fallback.backoff.base", int64(fb.Backoff.Base)}, {"fallback.backoff.max", int64(fb.Backoff.Max)},
		{"fallback.max_retry_wait", int64(fb.MaxRetryWait)}, {"fallback.attempt_timeout", int64(fb.AttemptTimeout)},
		{"fallback.hedge.delay", int64(fb.Hedge.Delay)},
	} {
		if d.v < 0 {
			f.errorf(errs, d.path, "must be >= 0")
		}
	}
	if b := fb.Backoff; b.Base > 0 && b.Max > 0 && b.Max < b.Base {
		f.errorf(errs, "fallback.backoff.max", "%s is less than backoff.base %s", b.Max, b.Base)
	}
	if f.has("fallback.backoff.multiplier") && fb.Backoff.Multiplier < 1 {
		f.errorf(errs, "fallback.backoff.multiplier", "must be >= 1, got %v", fb.Backoff.Multiplier)
	}
	if h := fb.Hedge; h.MaxExtra < 0 || h.MaxExtra > 8 {
		f.errorf(errs, "fallback.hedge.max_extra", "must be in [0,8], got %d", h.MaxExtra)
	}
	if fb.Hedge.MinSamples < 0 {
		f.errorf(errs, "fallback.hedge.min_samples", "must be >= 0, got %d", fb.Hedge.MinSamples)
	}
	if _, err := verifierNames(fb.Verifier); err != nil {
		f.errorf(errs, "fallback.verifier", "%v", err)
	}
}

// verifierNames splits "checks|trained"; "" and "none" are no verifier.
func verifierNames(s string) ([]string, error) {
	s = strings.TrimSpace(s)
	if s == "" || s == "none" {
		return nil, nil
	}
	var out []string
	for w := range strings.SplitSeq(s, "|") {
		w = strings.TrimSpace(w)
		switch w {
		case "checks", "trained":
			out = append(out, w)
		default:
			return nil, fmt.Errorf("unknown verifier %q (want none, checks or trained, joined by |)", w)
		}
	}
	return out, nil
}
