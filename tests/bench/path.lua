-- GET BENCH_PATH (the queue page, the customer's list, the board), rotating through the tokens.
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
local b = dofile(dir .. "common.lua")
local path = os.getenv("BENCH_PATH") or "/"

function init()
	b.init()
end

function request()
	return wrk.format("GET", path, b.headers())
end
