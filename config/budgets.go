package config

import (
	"fmt"
	"time"

	"github.com/llmrouter/llmrouter"
	"github.com/llmrouter/llmrouter/budget"
)

// Budgets declares spend limits (package budget), kept in this process's
// memory (budget.MemoryStore): totals start at zero when the process
// starts and are not shared between processes; for a shared store build
// the budget.Budget in code (redisstore) and pass it in BuildOptions.Options.
//
//	budgets:
//	  default_tier: free              # the tier of requests naming none
//	  ttl: 10m                        # how long an unfinished call's reservation lasts
//	  max_per_request: 0.10           # USD one request may reserve; 0: its ceiling
//	  limits:
//	    - {scope: user, tier: free, usd: 0.05, window: day}
//	    - {scope: tag, tag: summarise, usd: 20, window: month}
//	    - {scope: global, usd: 500, window: month, rolling: true}
type Budgets struct {
	DefaultTier   string        `yaml:"default_tier"`
	TTL           time.Duration `yaml:"ttl"`
	MaxPerRequest float64       `yaml:"max_per_request"`
	Limits        []BudgetLimit `yaml:"limits"`
}

// BudgetLimit is one spend limit: Scope "user", "tag" (with Tag) or
// "global"; Window "minute", "hour", "day" or "month", calendar (UTC)
// unless Rolling; USD the spend the window allows; Tier, when set, limits
// only that tier's requests.
type BudgetLimit struct {
	Scope   string  `yaml:"scope"`
	Tag     string  `yaml:"tag"`
	Tier    string  `yaml:"tier"`
	USD     float64 `yaml:"usd"`
	Window  string  `yaml:"window"`
	Rolling bool    `yaml:"rolling"`
}

var (
	budgetScopes  = map[string]budget.Scope{"user": budget.PerUser, "tag": budget.PerTag, "global": budget.Global}
	budgetPeriods = map[string]budget.Period{"minute": budget.Minute, "hour": budget.Hour, "day": budget.Day, "month": budget.Month}
)

// checkBudgets reports impossible budget values, each at its line.
func (f *File) checkBudgets(errs *Errors) {
	b := f.Budgets
	if b == nil {
		return
	}
	if f.has("budgets.ttl") && b.TTL <= 0 {
		f.errorf(errs, "budgets.ttl", "must be positive, got %v", b.TTL)
	}
	if b.MaxPerRequest < 0 {
		f.errorf(errs, "budgets.max_per_request", "must be at least 0, got %v", b.MaxPerRequest)
	}
	if len(b.Limits) == 0 {
		f.errorf(errs, "budgets.limits", "missing: declare at least one limit")
	}
	tierKnown := func(path, tier string) {
		if t := f.Tiers; t != nil && tier != "" {
			if _, ok := t.Allow[tier]; !ok {
				f.errorf(errs, path, "tier %q is not under tiers.allow", tier)
			}
		}
	}
	tierKnown("budgets.default_tier", b.DefaultTier)
	for i, l := range b.Limits {
		p := fmt.Sprintf("budgets.limits[%d]", i)
		scope, ok := budgetScopes[l.Scope]
		if !ok {
			f.errorf(errs, p+".scope", "unknown scope %q (want user, tag or global)", l.Scope)
		}
		if _, ok := budgetPeriods[l.Window]; !ok {
			f.errorf(errs, p+".window", "unknown window %q (want minute, hour, day or month)", l.Window)
		}
		switch {
		case !f.has(p + ".usd"):
			f.errorf(errs, p+".usd", "missing: the USD the window allows (0 lets only free models run)")
		case l.USD < 0:
			f.errorf(errs, p+".usd", "must be at least 0, got %v", l.USD)
		}
		switch {
		case scope == budget.PerTag && l.Tag == "":
			f.errorf(errs, p+".tag", "missing: a tag limit counts the requests carrying this tag")
		case scope != budget.PerTag && f.has(p+".tag"):
			f.errorf(errs, p+".tag", "only for scope: tag")
		}
		tierKnown(p+".tier", l.Tier)
	}
}

// budget builds the file's budget.Budget, or nil when it declares none.
func (f *File) budget() (*budget.Budget, error) {
	b := f.Budgets
	if b == nil {
		return nil, nil
	}
	cfg := budget.Config{DefaultTier: b.DefaultTier, TTL: b.TTL, MaxPerRequest: b.MaxPerRequest}
	for _, l := range b.Limits {
		cfg.Limits = append(cfg.Limits, budget.Limit{Scope: budgetScopes[l.Scope], Tag: l.Tag, Tier: l.Tier, USD: l.USD,
			Window: budget.Window{Period: budgetPeriods[l.Window], Rolling: l.Rolling}})
	}
	bg, err := budget.New(cfg)
	if err != nil {
		return nil, &Error{File: f.name, Line: f.line("budgets"), Field: "budgets", Msg: err.Error()}
	}
	return bg, nil
}

// withBudget puts the budget among the filters, before the rules.
func withBudget(b *budget.Budget, rules []llmrouter.Policy) []llmrouter.Policy {
	if b == nil {
		return rules
	}
	return append([]llmrouter.Policy{b}, rules...)
}
