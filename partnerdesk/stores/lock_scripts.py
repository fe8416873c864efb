"""The Lua scripts of :class:`partnerdesk.stores.lock_store.AtomicRedisLockStore`.

Each ticket change is one script, so Redis runs it atomically on its own clock.
"""

# KEYS: queue, expiry, counter. Removes expired tickets; sets ``now`` (seconds).
_PURGE = """
local clock = redis.call('TIME')
local now = tonumber(clock[1]) + tonumber(clock[2]) / 1000000
local expired = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now)
for _, number in ipairs(expired) do redis.call('ZREM', KEYS[1], number) end
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
"""
# Keeps the keys alive until the last ticket expires (plus a second).
_KEEP_KEYS = """
local last = redis.call('ZRANGE', KEYS[2], -1, -1, 'WITHSCORES')
local ttl_ms = math.ceil((tonumber(last[2]) - now) * 1000) + 1000
for i = 1, 3 do redis.call('PEXPIRE', KEYS[i], ttl_ms) end
"""
# ARGV: lifetime. Returns the new ticket's number.
ISSUE = (
    _PURGE
    + """
local number = redis.call('INCR', KEYS[3])
redis.call('ZADD', KEYS[1], number, number)
redis.call('ZADD', KEYS[2], now + tonumber(ARGV[1]), number)
"""
    + _KEEP_KEYS
    + """
return number
"""
)
# ARGV: ticket, lifetime. Renews the ticket; 1 if it is served, 0 if it waits,
# -1 if it has expired.
POLL = (
    _PURGE
    + """
if not redis.call('ZSCORE', KEYS[1], ARGV[1]) then return -1 end
redis.call('ZADD', KEYS[2], now + tonumber(ARGV[2]), ARGV[1])
"""
    + _KEEP_KEYS
    + """
if redis.call('ZRANGE', KEYS[1], 0, 0)[1] == ARGV[1] then return 1 end
return 0
"""
)
# ARGV: ticket. Removes it; deletes the keys when no ticket is left.
RELEASE = (
    """
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('ZREM', KEYS[2], ARGV[1])
"""
    + _PURGE
    + """
if redis.call('ZCARD', KEYS[1]) == 0 then redis.call('DEL', KEYS[1], KEYS[2], KEYS[3]) end
return 0
"""
)
# Returns the live tickets as a flat list: number, expiry, number, expiry, ...
TICKETS = (
    _PURGE
    + """
local tickets = {}
for _, number in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  table.insert(tickets, number)
  table.insert(tickets, tostring(redis.call('ZSCORE', KEYS[2], number)))
end
return tickets
"""
)
