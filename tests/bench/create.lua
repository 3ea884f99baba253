-- POST /api/v1/tickets by an agent for a random customer, each with its own Idempotency-Key
-- (run nonce, thread, counter), so no request is a replay of another.
--   BENCH_CUSTOMERS  "first,last" customer ids of the tenant
--   BENCH_NONCE      a prefix for the keys (random bytes are added, so no two runs share a key)
--   BENCH_CATEGORY   a category every ticket is raised in (none when unset)
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
local b = dofile(dir .. "common.lua")
local lo, hi = string.match(os.getenv("BENCH_CUSTOMERS") or "1,1", "(%d+),(%d+)")
lo, hi = tonumber(lo), tonumber(hi)
local function random_hex(n)
	local f = assert(io.open("/dev/urandom", "rb"))
	local bytes = f:read(n)
	f:close()
	return (string.gsub(bytes, ".", function(c)
		return string.format("%02x", string.byte(c))
	end))
end
local nonce = (os.getenv("BENCH_NONCE") or "bench") .. "-" .. random_hex(8)
local priorities = { "low", "normal", "normal", "normal", "high", "urgent" }
local category = os.getenv("BENCH_CATEGORY")
category = category and (',"category":' .. b.json_string(category)) or ""
local n = 0

function init()
	b.init()
end

function request()
	n = n + 1
	local body = string.format(
		'{"subject":"Bench: printer on floor %d is jammed (%d)","description":"Created by the benchmark. '
			.. 'The printer shows error E%d and nothing prints since this morning.","priority":"%s","customer_id":%d%s}',
		n % 9 + 1, n, n % 997, priorities[n % #priorities + 1], math.random(lo, hi), category)
	local key = nonce .. "-" .. tid .. "-" .. n
	return wrk.format("POST", "/api/v1/tickets", b.headers({
		["Content-Type"] = "application/json",
		["Idempotency-Key"] = key,
	}), body)
end
