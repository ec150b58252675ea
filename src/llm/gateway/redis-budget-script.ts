/**
 * The shared budgets of one model as one Redis hash, changed only by this Lua script so every step is atomic across
 * replicas. Four continuously refilling buckets (requests and tokens per minute and per day, as Groq meters them),
 * the same maths as `ModelBudget`: a bucket starts full, refills `capacity` per period, and may go below zero when a
 * call used more than it reserved. The caller passes the time (its clock) and the capacities in force.
 *
 * One difference: a bucket that was full when a call is taken starts refilling only `arrivalMs` later. why: Groq's
 * bucket starts refilling when the call arrives there, which can be later than its admission here (the first call
 * of a process opens a connection); later calls arriving sooner after admission would otherwise find Groq's
 * bucket behind this one and meet a 429. A full bucket is rare under load, so this costs a burst almost nothing.
 *
 * KEYS[1] = the model's hash. ARGV = op, now, rpm, tpm, rpd, tpd, windowMs, then per op:
 *   take   tokens, arrivalMs          -> {1, tokenMark, requestMark} or {0, minuteWaitMs, dayWaitMs}
 *   add    d_rpm, d_tpm, d_rpd, d_tpd -> {1}   (positive gives back, negative charges more)
 *   clamp  dim, remaining, mark kind ('t' | 'r'), mark -> {1}  (level := min(level, remaining - admitted after mark))
 *   gate   field ('closed' | 'exhausted'), until -> {1}
 *   read                              -> {levels as strings..., closed, exhausted}
 */
export const BUDGET_SCRIPT = `
local key = KEYS[1]
local op = ARGV[1]
local now = tonumber(ARGV[2])
local window = tonumber(ARGV[7])
local dims = {'rpm', 'tpm', 'rpd', 'tpd'}
local caps = {tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6])}
local periods = {window, window, window * 1440, window * 1440}
local raw = redis.call('HGETALL', key)
local h = {}
for i = 1, #raw, 2 do h[raw[i]] = raw[i + 1] end
local levels = {}
for i = 1, 4 do
  local level = tonumber(h[dims[i]])
  local t = tonumber(h[dims[i] .. ':t'])
  if level == nil or t == nil then
    level = caps[i]
  elseif now > t then
    level = level + (now - t) * caps[i] / periods[i]
  end
  levels[i] = math.min(caps[i], level)
end
local function save(startAt)
  for i = 1, 4 do
    local t = math.max(tonumber(h[dims[i] .. ':t']) or now, now)
    if startAt and startAt[i] then t = startAt[i] end
    redis.call('HSET', key, dims[i], tostring(levels[i]), dims[i] .. ':t', tostring(t))
  end
  redis.call('PEXPIRE', key, math.floor(2 * periods[3]))
end
local function waitFor(i, amount)
  local missing = math.min(amount, caps[i]) - levels[i]
  if missing <= 0 then return 0 end
  -- a bucket whose refill starts later (the arrival allowance) waits for that start too
  local starts = math.max(0, (tonumber(h[dims[i] .. ':t']) or now) - now)
  return math.ceil(starts + missing * periods[i] / caps[i])
end
if op == 'take' then
  local tokens = tonumber(ARGV[8])
  local closed = (tonumber(h['closed']) or 0) - now
  local exhausted = (tonumber(h['exhausted']) or 0) - now
  local minute = math.max(0, closed, waitFor(1, 1), waitFor(2, tokens))
  local day = math.max(0, exhausted, waitFor(3, 1), waitFor(4, tokens))
  if minute > 0 or day > 0 then return {0, math.ceil(minute), math.ceil(day)} end
  local startAt = {}
  for i = 1, 4 do
    if levels[i] >= caps[i] then startAt[i] = now + tonumber(ARGV[9]) end
  end
  levels[1] = levels[1] - 1
  levels[2] = levels[2] - tokens
  levels[3] = levels[3] - 1
  levels[4] = levels[4] - tokens
  save(startAt)
  local tmark = redis.call('HINCRBY', key, 'tmark', tokens)
  local rmark = redis.call('HINCRBY', key, 'rmark', 1)
  return {1, tmark, rmark}
elseif op == 'add' then
  for i = 1, 4 do levels[i] = math.min(caps[i], levels[i] + tonumber(ARGV[7 + i])) end
  save()
  return {1}
elseif op == 'clamp' then
  local i = tonumber(ARGV[8])
  local markField = ARGV[10] == 'r' and 'rmark' or 'tmark'
  local later = (tonumber(h[markField]) or 0) - tonumber(ARGV[11])
  local target = tonumber(ARGV[9]) - math.max(0, later)
  if target < levels[i] then levels[i] = target end
  save()
  return {1}
elseif op == 'gate' then
  local field = ARGV[8]
  local untilMs = tonumber(ARGV[9])
  if untilMs > (tonumber(h[field]) or 0) then redis.call('HSET', key, field, tostring(untilMs)) end
  redis.call('PEXPIRE', key, math.floor(2 * periods[3]))
  return {1}
elseif op == 'read' then
  return {tostring(levels[1]), tostring(levels[2]), tostring(levels[3]), tostring(levels[4]),
    h['closed'] or '0', h['exhausted'] or '0'}
end
return redis.error_reply('unknown budget op ' .. tostring(op))
`;
