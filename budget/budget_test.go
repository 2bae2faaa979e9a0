package budget_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/llmrouter/llmrouter"
	"github.com/llmrouter/llmrouter/budget"
	"github.com/llmrouter/llmrouter/routertest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const prompt = "Explain why the nightly export of our orders table is slow and how to fix it."

// setup builds a router over cheap and strong (strong is the cheapest
// adequate model at MinQuality 0.8) with the budget b.
func setup(t *testing.T, b *budget.Budget, clock *routertest.Clock) (*llmrouter.Router, *meter, *meter, int) {
	t.Helper()
	cheap, strong := &meter{card: cheapCard}, &meter{card: strongCard}
	r, err := llmrouter.New([]llmrouter.Provider{cheap, strong}, llmrouter.WithClock(clock),
		llmrouter.WithPolicy(llmrouter.DefaultPolicy(b, llmrouter.CheapestAdequate{MinQuality: 0.8})))
	require.NoError(t, err)
	d, err := r.Route(context.Background(), human(prompt))
	require.NoError(t, err)
	cheap.in, strong.in = d.Features.Tokens, d.Features.Tokens
	return r, cheap, strong, d.Features.Tokens
}

func TestBudgetThroughRouter(t *testing.T) {
	day := budget.Window{Period: budget.Day}
	midnight := time.Date(2025, 6, 2, 0, 0, 0, 0, time.UTC)
	userDay := func(usd float64) budget.Limit {
		return budget.Limit{Scope: budget.PerUser, USD: usd, Window: day}
	}
	for _, tc := range []struct {
		name     string
		limits   []budget.Limit
		spent    map[string]float64 // pre-spent per bucket key
		hints    llmrouter.Hints
		want     string // the model that answers
		removed  string // the prefix of strong's removal reason
		errKey   string // the budget of the typed error; "" none
		errReset time.Time
		charged  []string // keys charged the call's cost
	}{
		{name: "room: the chosen model", limits: []budget.Limit{userDay(1)}, hints: llmrouter.Hints{User: "alice"},
			want: "strong", charged: []string{"user=alice/day"}},
		{name: "little left: degrades to the cheap model", limits: []budget.Limit{userDay(0.01)},
			spent: map[string]float64{"user=alice/day": 0.009}, hints: llmrouter.Hints{User: "alice"},
			want: "cheap", removed: "over budget: user=*/day has $0.001000 left of $0.010000, resets 2025-06-02T00:00:00Z",
			charged: []string{"user=alice/day"}},
		{name: "spent: a typed error naming the budget and its reset", limits: []budget.Limit{userDay(0.01)},
			spent: map[string]float64{"user=alice/day": 0.00999}, hints: llmrouter.Hints{User: "alice"},
			errKey: "user=alice/day", errReset: midnight},
		{name: "another user's spend does not count", limits: []budget.Limit{userDay(0.01)},
			spent: map[string]float64{"user=alice/day": 0.01}, hints: llmrouter.Hints{User: "bob"},
			want: "strong", charged: []string{"user=bob/day"}},
		{name: "requests without a user share one bucket", limits: []budget.Limit{userDay(0.01)},
			spent: map[string]float64{"user=/day": 0.01}, errKey: "user=/day", errReset: midnight},
		{name: "a feature's tag", limits: []budget.Limit{{Scope: budget.PerTag, Tag: "search", USD: 0.001, Window: budget.Window{Period: budget.Hour, Rolling: true}}},
			hints: llmrouter.Hints{User: "alice", Tags: []string{"chat", "search"}}, want: "cheap",
			removed: "over budget: tag=search/rolling-hour has $0.001000 left", charged: []string{"tag=search/rolling-hour"}},
		{name: "a tag the request lacks does not count", limits: []budget.Limit{{Scope: budget.PerTag, Tag: "search", USD: 0, Window: day}},
			hints: llmrouter.Hints{User: "alice", Tags: []string{"chat"}}, want: "strong"},
		{name: "global, tightest of several", limits: []budget.Limit{userDay(1), {Scope: budget.Global, USD: 0.5, Window: budget.Window{Period: budget.Month}}},
			spent: map[string]float64{"global/month": 0.49999}, hints: llmrouter.Hints{User: "alice"},
			errKey: "global/month", errReset: time.Date(2025, 7, 1, 0, 0, 0, 0, time.UTC)},
		{name: "free tier: its own limit", limits: []budget.Limit{
			{Scope: budget.PerUser, Tier: "free", USD: 0.001, Window: day}, {Scope: budget.PerUser, Tier: "pro", USD: 2, Window: day}},
			hints: llmrouter.Hints{User: "alice", Tier: "free"}, want: "cheap", removed: "over budget: user=*/day", charged: []string{"user=alice/day"}},
		{name: "pro tier: the same user's total, a higher limit", limits: []budget.Limit{
			{Scope: budget.PerUser, Tier: "free", USD: 0.001, Window: day}, {Scope: budget.PerUser, Tier: "pro", USD: 2, Window: day}},
			spent: map[string]float64{"user=alice/day": 0.001}, hints: llmrouter.Hints{User: "alice", Tier: "pro"}, want: "strong", charged: []string{"user=alice/day"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			store := budget.NewMemoryStore()
			b, err := budget.New(budget.Config{Limits: tc.limits, Store: store})
			require.NoError(t, err)
			clock := newClock()
			r, cheap, strong, _ := setup(t, b, clock)
			for key, usd := range tc.spent {
				w := day
				for _, l := range tc.limits {
					if l.Scope == budget.Global {
						w = l.Window
					}
				}
				require.NoError(t, store.Commit(context.Background(), "pre", []budget.Bucket{{Key: key, Window: w}}, budget.FromUSD(usd), start))
			}
			before := map[string]budget.Nanos{}
			for _, k := range tc.charged {
				before[k], _ = store.Usage(k, start)
			}

			resp, err := r.GenerateContent(withHints(tc.hints), human(prompt))
			if tc.errKey != "" {
				var ee *budget.ExceededError
				require.ErrorAs(t, err, &ee)
				assert.Equal(t, tc.errKey, ee.Budget)
				assert.Equal(t, tc.errReset, ee.Resets)
				assert.Greater(t, ee.Need, ee.Limit-ee.Spent-ee.Held)
				assert.ErrorIs(t, err, budget.ErrExceeded)
				assert.ErrorIs(t, err, llmrouter.ErrNoCandidate)
				assert.Contains(t, err.Error(), shownKey(tc.errKey), "the text shows no user id")
				assert.Zero(t, cheap.calls+strong.calls, "no model is called")
				return
			}
			require.NoError(t, err)
			d, ok := llmrouter.DecisionFrom(resp)
			require.True(t, ok)
			assert.Equal(t, tc.want, d.Answered)
			if tc.removed != "" {
				assert.Contains(t, d.Candidates[1].Removed, tc.removed)
			} else {
				assert.Empty(t, d.Candidates[1].Removed)
			}
			for _, k := range tc.charged {
				spent, held := store.Usage(k, clock.Now())
				assert.Equal(t, budget.FromUSD(d.Cost), spent-before[k], "%s is charged the call's cost exactly", k)
				assert.Zero(t, held, "%s: the reservation is released", k)
			}
		})
	}
}

// The reservation is the request's cost cap: the chosen model gets an
// output limit that the grant pays for, at most its output ceiling.
func TestBudgetReservationCapsOutput(t *testing.T) {
	day := budget.Window{Period: budget.Day}
	for _, tc := range []struct {
		name   string
		usd    float64
		maxPer float64
		want   func(in int) int
	}{
		{"plenty: the card's ceiling", 1, 0, func(int) int { return 1000 }},
		{"MaxPerRequest bounds the grant", 1, 0.006, func(in int) int { return int((0.006*1e6 - float64(in)*5) / 15) }},
		{"what is left bounds the grant", 0.005, 0, func(in int) int { return int((0.005*1e6 - float64(in)*5) / 15) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, err := budget.New(budget.Config{Limits: []budget.Limit{{Scope: budget.PerUser, USD: tc.usd, Window: day}}, MaxPerRequest: tc.maxPer})
			require.NoError(t, err)
			r, _, strong, in := setup(t, b, newClock())
			strong.want = func(int) int { return 5000 }
			resp, err := r.GenerateContent(withHints(llmrouter.Hints{User: "alice"}), human(prompt))
			require.NoError(t, err)
			d, _ := llmrouter.DecisionFrom(resp)
			require.Equal(t, "strong", d.Answered)
			require.Len(t, strong.maxTo, 1)
			assert.InDelta(t, tc.want(in), strong.maxTo[0], 1)
			assert.LessOrEqual(t, d.Cost, d.CostCap.Max+1e-12, "the call stays within its reservation")
		})
	}
}

// Between Route's check and the reservation another request may take the
// room: the reservation then fails with the typed error, and a request
// that never finishes frees its hold at its expiry.
func TestBudgetReserveRaceAndExpiry(t *testing.T) {
	store := budget.NewMemoryStore()
	b, err := budget.New(budget.Config{Store: store, TTL: time.Minute,
		Limits: []budget.Limit{{Scope: budget.PerUser, USD: 0.01, Window: budget.Window{Period: budget.Day}}}})
	require.NoError(t, err)
	clock := newClock()
	r, _, _, _ := setup(t, b, clock)
	h := llmrouter.Hints{User: "alice"}
	d1, err := r.Route(withHints(h), human(prompt))
	require.NoError(t, err)
	d2, err := r.Route(withHints(h), human(prompt))
	require.NoError(t, err)

	done, err := b.StartCall(context.Background(), d1, h) // holds the whole $0.01: never finished
	require.NoError(t, err)
	require.NotNil(t, done)
	_, held := store.Usage("user=alice/day", clock.Now())
	assert.Equal(t, budget.FromUSD(0.01), held)

	_, err = b.StartCall(context.Background(), d2, h)
	var ee *budget.ExceededError
	require.ErrorAs(t, err, &ee)
	assert.Equal(t, "user=alice/day", ee.Budget)
	assert.True(t, ee.Resets.IsZero(), "held by a call in flight: no reset time")
	assert.Contains(t, err.Error(), "when calls in flight finish")

	clock.Advance(time.Minute)
	resp, err := r.GenerateContent(withHints(h), human(prompt))
	require.NoError(t, err, "the lapsed hold no longer counts")
	d, _ := llmrouter.DecisionFrom(resp)
	spent, held := store.Usage("user=alice/day", clock.Now())
	assert.Equal(t, budget.FromUSD(d.Cost), spent)
	assert.Zero(t, held)
}

func TestNewRejectsBadConfig(t *testing.T) {
	day := budget.Window{Period: budget.Day}
	for _, tc := range []struct {
		name string
		cfg  budget.Config
		want string
	}{
		{"no scope", budget.Config{Limits: []budget.Limit{{USD: 1, Window: day}}}, "limit 0: unknown scope"},
		{"no window", budget.Config{Limits: []budget.Limit{{Scope: budget.Global, USD: 1}}}, "limit 0: unknown window period"},
		{"tag limit without a tag", budget.Config{Limits: []budget.Limit{{Scope: budget.Global, USD: 1, Window: day}, {Scope: budget.PerTag, USD: 1, Window: day}}}, "limit 1: a PerTag limit needs a Tag"},
		{"negative amount", budget.Config{Limits: []budget.Limit{{Scope: budget.Global, USD: -1, Window: day}}}, "limit 0: USD -1"},
		{"NaN amount", budget.Config{Limits: []budget.Limit{{Scope: budget.Global, USD: nan(), Window: day}}}, "limit 0: USD NaN"},
		{"negative TTL", budget.Config{TTL: -time.Second}, "negative TTL"},
		{"negative MaxPerRequest", budget.Config{MaxPerRequest: -1}, "MaxPerRequest -1"},
		// A store whose constructor failed (redisstore.New): every request
		// failed with a recovered panic.
		{"nil store", budget.Config{Store: (*budget.MemoryStore)(nil)}, "Config.Store is a nil *budget.MemoryStore"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := budget.New(tc.cfg)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
}

func nan() float64 { z := 0.0; return z / z }

// shownKey is how error texts and removal reasons show a bucket key: a
// per-user key without the user id.
func shownKey(key string) string {
	if rest, ok := strings.CutPrefix(key, "user="); ok {
		return "user=*" + rest[strings.LastIndexByte(rest, '/'):]
	}
	return key
}
