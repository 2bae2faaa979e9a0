package redisstore

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/llmrouter/llmrouter/bandit"
)

var _ bandit.SharedSeeder = (*Learner)(nil)

// seedScript sets the hash KEYS[1] to the field, value pairs of ARGV
// unless it exists: one replica's seed wins, the others' change nothing.
var seedScript = `
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], unpack(ARGV))
return 1
`

// Seed implements bandit.SharedSeeder (a state file loaded with
// bandit.Policy.Load seeds the arms Redis holds no totals for): it sets
// arm's hash to tot if the hash does not exist, in one round trip bounded
// by Timeout, and fails when Redis does not answer. A seed this Learner
// set counts as what it added: if Redis loses its data it adds it again,
// as it does its updates. Safe for concurrent use.
func (l *Learner) Seed(arm string, tot []float64) (bool, error) {
	l.remember(arm)
	return l.c.seed(l.prefix+arm, tot, field)
}

// seed sets key's fields name(i) to tot[i] unless key
// exists, and records them as this replica's own; the next sync is made
// due, to read them back.
func (c *counters) seed(key string, tot []float64, name func(int) string) (bool, error) {
	fs := make(map[string]float64, len(tot))
	args := make([]any, 0, 2*len(tot))
	for i, v := range tot { // zeros too: the totals' length is part of them
		fs[name(i)] = v
		args = append(args, name(i), strconv.FormatFloat(v, 'g', -1, 64))
	}
	if len(args) == 0 {
		return false, nil
	}
	c.trips.Add(1)
	set, err := within(context.Background(), c.timeout, &c.calls, func(ctx context.Context) (int64, error) {
		return c.rdb.Eval(ctx, seedScript, []string{key}, args...).Int64()
	})
	if err != nil {
		return false, fmt.Errorf("seeding %s: %w", key, err)
	}
	if set != 1 {
		return false, nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	m := c.mine[key]
	if m == nil {
		m = make(map[string]float64, len(fs))
		c.mine[key] = m
	}
	for f, v := range fs {
		m[f] += v
	}
	c.next = time.Time{} // due now: read the seed back
	return true, nil
}
