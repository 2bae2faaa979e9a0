// Package redisstore keeps budget totals on Redis, so that every replica
// of a service that embeds the router spends from one budget: Store
// implements budget.Store with one Lua script per method (EVALSHA, loading
// the script when Redis answers NOSCRIPT), so a reservation is checked and
// held in one atomic step and no total is ever read in Go and written back.
//
//	rdb := redis.NewClient(&redis.Options{Addr: "redis:6379"})
//	store, _ := redisstore.New(rdb, redisstore.Options{Replicas: 4})
//	b, _ := budget.New(budget.Config{Store: store, Limits: limits})
//
// Each bucket is three keys under Options.Prefix: a hash with the spend
// of its window (a calendar window's total and end, or a rolling window's
// spend per slot) and the total held, a hash of the holds by reservation
// id, and a sorted set of the holds' expiries. Keys expire on their own
// (a window's after it has passed, a hold's after it lapses, each with a
// minute's grace for replicas whose clocks differ), so idle users cost
// nothing. Times are the router's, never Redis's.
//
// A request costs three round trips: the budget filter's Remaining (two
// when no model fits), Reserve before the call and Commit or Refund after.
// Each is one EVALSHA.
//
// When Redis is slow or down, no call waits longer than Options.Timeout:
// the store degrades to enforcing, on its own, a share (Options.Share,
// 1/Options.Replicas by default) of what Redis last reported left of each
// limit, to a Remaining or a Reserve (of the whole limit for a bucket it
// has not seen in the current window), so N replicas together spend about what was left while Redis
// is away; the error is at most what other replicas spent since each last
// read the bucket. Every Options.RetryEvery one call tries Redis again; when it
// answers, what was spent locally is charged to it and the holds of
// requests that finished meanwhile are released, then the store uses
// Redis again. See Store.
//
// Breakers shares the circuit breakers' open periods between replicas:
// set it as breaker.Settings.Shared (llmrouter.Fallback.Breaker.Shared)
// and a model that trips on one replica cools down on all, within
// BreakersOptions.CacheFor. A trip costs one round trip; a request none,
// except one read per model and CacheFor. When Redis is away each
// replica's breakers act alone. See Breakers.
//
// Latency (latency.Config.Shared) and Learner (bandit.Options.Shared)
// pool the observed latencies and the online learner's statistics, so
// replicas route by each other's observations and learn together. Both
// sum increments in memory and, at most once per SyncEvery, send them
// (HINCRBYFLOAT in one Lua script, applied once even when resent after a
// lost reply) and read every replica's totals back in one pipelined round
// trip bounded by Timeout, run in the background: no request waits on
// Redis, and the totals lag by up to SyncEvery plus a round trip. When
// Redis is away each replica uses what it last read plus its own
// observations, and sends these when Redis is back (and all it ever
// added, if Redis lost its data). See Latency and Learner.
package redisstore
