-- The agent's ticket view: the ticket, its notes (first page of 50) and its timeline, one random
-- ticket after the other; three requests make one view.
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
local b = dofile(dir .. "common.lua")
local parts = { "", "/notes?limit=50", "/timeline" }
local step, n = 0, 1

function init()
	b.init()
end

function request()
	if step == 0 then
		n = b.random_ticket()
	end
	local path = "/api/v1/tickets/" .. n .. parts[step + 1]
	step = (step + 1) % 3
	return wrk.format("GET", path, b.headers())
end
