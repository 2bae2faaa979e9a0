package redisstore

import "github.com/redis/go-redis/v9"

// Each bucket is three keys (see Store): KEYS[3i-2] the hash of its window
// and held total, KEYS[3i-1] the hash of its holds (id -> amount, or "-"
// once committed), KEYS[3i] the sorted set of the holds' expiries (µs).
// Amounts travel as decimal strings and are added with HINCRBY, so totals
// are exact int64s; comparisons happen in Lua's doubles, exact below 2^53
// nanos ($9,007,199 per bucket).
const luaLib = `
local function purge(h, hh, x, now_us)
  local gone = redis.call('ZRANGEBYSCORE', x, '-inf', now_us)
  for _, id in ipairs(gone) do
    local a = redis.call('HGET', hh, id)
    if a and a ~= '-' and a ~= '0' then redis.call('HINCRBY', h, 'held', '-' .. a) end
    redis.call('HDEL', hh, id)
  end
  if #gone > 0 then redis.call('ZREMRANGEBYSCORE', x, '-inf', now_us) end
end

-- advance resets a calendar window that has passed (only on a key that
-- exists, which has its expiry already) and returns the spend at now.
local function spent(h, rolling, warg, now_ms)
  if rolling == '0' then
    local ce = redis.call('HGET', h, 'ce')
    if not ce then return 0 end
    if now_ms >= tonumber(ce) then
      redis.call('HSET', h, 'ce', warg, 'c', '0')
      return 0
    end
    return tonumber(redis.call('HGET', h, 'c') or '0')
  end
  local k = tonumber(warg)
  local sum = 0
  local f = redis.call('HGETALL', h)
  for i = 1, #f, 2 do
    if string.byte(f[i], 1) == 115 then -- 's'
      local n = tonumber(string.sub(f[i], 2))
      if n > k - 60 and n <= k then sum = sum + tonumber(f[i + 1]) end
    end
  end
  return sum
end

-- keep makes key k live at least ms more.
local function keep(k, ms)
  local t = redis.call('PTTL', k)
  if t == -1 or (t >= 0 and t < tonumber(ms)) then redis.call('PEXPIRE', k, ms) end
end

local function release(h, hh, x, id, mark)
  local a = redis.call('HGET', hh, id)
  if not a or a == '-' then return false end
  if a ~= '0' then redis.call('HINCRBY', h, 'held', '-' .. a) end -- Redis reads no '-0'
  if mark then
    redis.call('HSET', hh, id, '-') -- committed: a replay is a no-op until the hold would have lapsed
  else
    redis.call('HDEL', hh, id)
    redis.call('ZREM', x, id)
  end
  return true
end
`

// reserveScript: ARGV id, min, max, now_ms, now_us, expires_us, hold_ttl_ms,
// then per bucket limit, rolling (0/1), window arg (calendar end in ms, or
// the rolling slot), window ttl_ms. Returns {1, granted, then each
// bucket's spend in its window before the reservation} or {0, index of
// the tightest bucket (1-based), its hash}.
var reserveScript = redis.NewScript(luaLib + `
local id, mn, mx = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
local now_ms, now_us, exp_us, httl = tonumber(ARGV[4]), ARGV[5], ARGV[6], ARGV[7]
local nb = #KEYS / 3
local least, at = 0, -1
local out = {1, 0}
for i = 1, nb do
  local h, hh, x = KEYS[3*i-2], KEYS[3*i-1], KEYS[3*i]
  local a = 7 + 4*(i-1)
  purge(h, hh, x, now_us)
  local sp = spent(h, ARGV[a+2], ARGV[a+3], now_ms)
  out[2+i] = string.format('%d', sp)
  local left = tonumber(ARGV[a+1]) - sp - tonumber(redis.call('HGET', h, 'held') or '0')
  if at < 0 or left < least then least, at = left, i end
end
if least < mn then return {0, at, redis.call('HGETALL', KEYS[3*at-2])} end
local got = ARGV[2]
if least >= mx then got = ARGV[3] elseif least > mn then got = string.format('%d', least) end
for i = 1, nb do
  local h, hh, x = KEYS[3*i-2], KEYS[3*i-1], KEYS[3*i]
  release(h, hh, x, id, false)
  redis.call('HSET', hh, id, got)
  redis.call('ZADD', x, exp_us, id)
  redis.call('HINCRBY', h, 'held', got)
  keep(h, httl) keep(hh, httl) keep(x, httl)
end
out[2] = got
return out
`)

// commitScript: ARGV id, cost, now_ms, now_us, tombstone expiry (µs) and
// ttl_ms, then per bucket rolling, window arg, window ttl_ms. Returns 1,
// or 0 when id was committed already (a replay after a reply was lost):
// a committed hold stays as "-" until it would have lapsed; a commit
// without a hold leaves one until the tombstone expiry.
var commitScript = redis.NewScript(luaLib + `
local id, cost, now_ms, now_us, tomb_us, tomb_ttl = ARGV[1], ARGV[2], tonumber(ARGV[3]), ARGV[4], ARGV[5], ARGV[6]
local nb = #KEYS / 3
if id ~= '' and redis.call('HGET', KEYS[2], id) == '-' then return 0 end
for i = 1, nb do
  local h, hh, x = KEYS[3*i-2], KEYS[3*i-1], KEYS[3*i]
  local a = 6 + 3*(i-1)
  local rolling, warg, wttl = ARGV[a+1], ARGV[a+2], ARGV[a+3]
  purge(h, hh, x, now_us)
  if id ~= '' and not release(h, hh, x, id, true) then
    redis.call('HSET', hh, id, '-')
    redis.call('ZADD', x, tomb_us, id)
    keep(hh, tomb_ttl) keep(x, tomb_ttl)
  end
  if rolling == '0' then
    local ce = redis.call('HGET', h, 'ce')
    if not ce or now_ms >= tonumber(ce) then
      redis.call('HSET', h, 'ce', warg, 'c', cost)
    else
      redis.call('HINCRBY', h, 'c', cost)
    end
  else
    local k = tonumber(warg)
    for _, f in ipairs(redis.call('HKEYS', h)) do
      if string.byte(f, 1) == 115 and tonumber(string.sub(f, 2)) <= k - 60 then redis.call('HDEL', h, f) end
    end
    redis.call('HINCRBY', h, 's' .. warg, cost)
  end
  keep(h, wttl)
end
return 1
`)

// refundScript: ARGV id. Releases the hold in every bucket.
var refundScript = redis.NewScript(luaLib + `
for i = 1, #KEYS / 3 do release(KEYS[3*i-2], KEYS[3*i-1], KEYS[3*i], ARGV[1], false) end
return 1
`)

// remainingScript: ARGV now_ms, now_us, then per bucket rolling, window
// arg. Returns each bucket's hash, lapsed holds dropped and a passed
// calendar window reset.
var remainingScript = redis.NewScript(luaLib + `
local now_ms, now_us = tonumber(ARGV[1]), ARGV[2]
local out = {}
for i = 1, #KEYS / 3 do
  local h, hh, x = KEYS[3*i-2], KEYS[3*i-1], KEYS[3*i]
  purge(h, hh, x, now_us)
  spent(h, ARGV[2*i+1], ARGV[2*i+2], now_ms)
  out[i] = redis.call('HGETALL', h)
end
return out
`)

var scripts = []*redis.Script{reserveScript, commitScript, refundScript, remainingScript}
