-- GET /api/v1/tickets/{n} for a random n of the tenant's tickets.
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
local b = dofile(dir .. "common.lua")
local suffix = os.getenv("BENCH_SUFFIX") or "" -- "/notes?limit=50", "/timeline"

function init()
	b.init()
end

function request()
	return wrk.format("GET", "/api/v1/tickets/" .. b.random_ticket() .. suffix, b.headers())
end
