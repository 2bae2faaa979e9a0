package budget

import (
	"context"
	"math"
	"time"
)

// Nanos is an amount of money in billionths of a US dollar. Budgets count
// in integers so that charges add up exactly, in any order, in any store.
type Nanos int64

// FromUSD converts dollars to Nanos, rounding to the nearest; negative
// (−Inf included) and NaN amounts are 0, and +Inf and amounts too large
// for an int64 saturate.
func FromUSD(usd float64) Nanos {
	switch {
	case !(usd > 0):
		return 0
	case usd*1e9 >= math.MaxInt64:
		return math.MaxInt64
	}
	return Nanos(math.Round(usd * 1e9))
}

// ceilUSD converts dollars to Nanos rounding up: what a reservation must
// hold for a cost estimate.
func ceilUSD(usd float64) Nanos {
	n := FromUSD(usd)
	if float64(n) < usd*1e9 && n < math.MaxInt64 { // saturated stays so: n++ would wrap negative
		n++
	}
	return n
}

// USD returns the amount in dollars.
func (n Nanos) USD() float64 { return float64(n) / 1e9 }

// Bucket is one running total a request counts against: its Key names the
// subject and window ("user=alice/day", "tag=search/rolling-hour",
// "global/month"); Limit is what may be spent in the Window.
type Bucket struct {
	Key    string
	Limit  Nanos
	Window Window
}

// Reservation asks a Store to hold money for a request before its call.
type Reservation struct {
	// ID identifies the reservation (the decision's ID); Commit and Refund
	// name it.
	ID string
	// Buckets are every limit the request counts against, keys distinct;
	// all must pay.
	Buckets []Bucket
	// Min and Max bound the amount held: the most in [Min, Max] that every
	// bucket has left.
	Min, Max Nanos
	// Now is the time of the request; Expires is when the hold lapses if
	// it is never committed or refunded (a request that never finished).
	Now, Expires time.Time
}

// Status describes the tightest of a request's buckets: the one with the
// least left.
type Status struct {
	// Bucket is the index of the tightest bucket in the request's buckets.
	Bucket int
	// Remaining is its limit less its spend in the window and the holds of
	// requests in flight; never negative.
	Remaining Nanos
	// Limit, Spent and Held describe it.
	Limit, Spent, Held Nanos
	// Resets is when enough of its spend has left the window for the
	// amount asked (need) to fit, holds aside: the end of a calendar
	// window; the end of a slot of a rolling one. Zero when need fits, or
	// when holds alone are in the way (they end with their calls).
	Resets time.Time
}

// Store keeps the running totals of budgets. Every method is one atomic
// step, so it can be one script on a remote store (Redis with Lua, say):
// a reservation is checked and held in the same step, never read first
// and written after. Implementations must be safe for concurrent use.
// Times come from the caller (the router's clock), never the store's.
//
// Every method runs on a request's path, and a remote store must bound
// its own calls: Remaining is called by the Budget's filter
// (Policy.Apply, which has no context) with context.Background(), and
// Commit and Refund with the caller's context without its cancellation
// (a call is charged even when its caller gave up); only Reserve gets
// the caller's context as it is. redisstore.Store bounds each call by
// its Options.Timeout.
//
// Commit and Refund are called once per reservation; both take the
// buckets, so that a reservation that has expired (its request outlived
// Reservation.Expires) is still charged what its call cost.
type Store interface {
	// Reserve holds the most in [r.Min, r.Max] that every bucket has left
	// at r.Now (never less than r.Min, so r.Min = 0 always succeeds) and
	// returns it; if some bucket has less than r.Min left, it holds nothing
	// and returns that bucket's Status (need r.Min) as refused.
	Reserve(ctx context.Context, r Reservation) (granted Nanos, refused *Status, err error)
	// Commit releases reservation id's hold, if it still exists, and adds
	// cost to every bucket's spend at now.
	Commit(ctx context.Context, id string, buckets []Bucket, cost Nanos, now time.Time) error
	// Refund releases reservation id's hold, charging nothing.
	Refund(ctx context.Context, id string, buckets []Bucket) error
	// Remaining reports the tightest bucket at now, Resets computed for
	// need. It only reads: the budget's filter uses it to remove models
	// before the call; Reserve alone decides.
	Remaining(ctx context.Context, buckets []Bucket, need Nanos, now time.Time) (Status, error)
}
