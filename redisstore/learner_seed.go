package redisstore

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/llmrouter/llmrouter/bandit"
)

var _ bandit.SharedSeeder = (*Learner)(nil)

// seedScript sets the hash KEYS[1] to the field, value pairs of ARGV[2..]
// (and seededField) unless it exists: one replica's seed wins, the
// others' change nothing. It returns -1, setting nothing, when the epoch
// key KEYS[2] is not ARGV[1], the epoch the replica last saw (if any):
// Redis lost its data since, and the replica is about to add again all
// it had added, which a state saved in shared mode holds too.
var seedScript = `
if ARGV[1] ~= '' and redis.call('GET', KEYS[2]) ~= ARGV[1] then return -1 end
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], '` + seededField + `', '1', unpack(ARGV, 2))
return 1
`

// Seed implements bandit.SharedSeeder (a state file loaded with
// bandit.Policy.Load seeds the arms Redis holds no totals for): it sets
// arm's hash to tot if the hash does not exist, in one round trip bounded
// by Timeout, and fails when Redis does not answer. A seed this Learner
// set counts as what it added: if Redis loses its data it adds it again,
// as it does its updates. A state saved in shared mode holds every
// replica's updates, so after Redis lost its data an arm is restored
// once, by whichever comes first: the replicas adding again what they
// had added, or a seed (the replicas then skip that arm, and the updates
// made after the state was saved are lost with Redis's data). A Learner
// that saw Redis before it lost its data does not seed: it reports
// false and adds again what it had added at its next sync, made due at
// once. Safe for concurrent use.
func (l *Learner) Seed(arm string, tot []float64) (bool, error) {
	if l.c == nil {
		return false, errZeroLearner
	}
	l.remember(arm)
	return l.c.seed(l.prefix+arm, tot, field)
}

// seed sets key's fields name(i) to tot[i] unless key
// exists, and records them as this replica's own; the next sync is made
// due, to read them back.
func (c *counters) seed(key string, tot []float64, name func(int) string) (bool, error) {
	fs := make(map[string]float64, len(tot))
	c.mu.Lock()
	epoch := c.epoch
	c.mu.Unlock()
	args := make([]any, 1, 1+2*len(tot))
	args[0] = epoch
	for i, v := range tot { // zeros too: the totals' length is part of them
		fs[name(i)] = v
		args = append(args, name(i), strconv.FormatFloat(v, 'g', -1, 64))
	}
	if len(args) == 1 {
		return false, nil
	}
	c.trips.Add(1)
	set, err := within(context.Background(), c.timeout, &c.calls, func(ctx context.Context) (int64, error) {
		return c.rdb.Eval(ctx, seedScript, []string{key, c.prefix + "epoch"}, args...).Int64()
	})
	if err != nil {
		return false, fmt.Errorf("seeding %s: %w", key, err)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if set == -1 {
		c.next = time.Time{} // due now: find the new epoch and add again
	}
	if set != 1 {
		return false, nil
	}
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
