-- POST /api/v1/tickets/{n}/transitions, moving tickets back and forth between in_progress and
-- awaiting_update (both moves are allowed). BENCH_POOL is a file of "number status" lines; each
-- thread takes every BENCH_THREADS-th line and cycles through its tickets, so a ticket is moved
-- again only after all the others of its thread (far more than the connections in flight).
-- A ticket's status is taken from the answers (the ticket, or the problem's detail, whose
-- instance is the X-Request-Id sent), not assumed: wrk calls request() once without sending it.
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
local b = dofile(dir .. "common.lua")
local pool, state, i, n = {}, {}, 0, 0

function init()
	b.init()
	local k = 0
	for line in io.lines(os.getenv("BENCH_POOL")) do
		local num, st = string.match(line, "^(%d+)%s+(%S+)")
		if num then
			if k % b.threads == tid - 1 then
				pool[#pool + 1] = num
				state[num] = st
			end
			k = k + 1
		end
	end
end

function request()
	i = i % #pool + 1
	n = n + 1
	local num = pool[i]
	local to = state[num] == "in_progress" and "awaiting_update" or "in_progress"
	return wrk.format("POST", "/api/v1/tickets/" .. num .. "/transitions", b.headers({
		["Content-Type"] = "application/json",
		["X-Request-Id"] = "move-" .. num .. "-" .. tid .. "-" .. n,
	}), '{"to":"' .. to .. '"}')
end

function response(status, headers, body)
	local num, key
	if status == 200 then
		num = string.match(body, '"number":(%d+)')
		key = string.match(body, '"status":{"key":"([%w_]+)"')
	else
		num = string.match(body, '"instance":"move%-(%d+)%-')
		key = string.match(body, "cannot move from ([%w_]+)")
	end
	if num and key and state[num] then
		state[num] = key
	end
	if b.probe_response then
		b.probe_response()
	end
end
