-- Shared by the benchmark's wrk scripts: settings from the environment, the tenant's Host
-- header, per-thread numbering and a machine-readable summary line at the end of the run.
--
--   BENCH_HOST     Host header: <tenant slug>.localhost:<port> (every request carries it)
--   BENCH_TOKENS   Bearer tokens separated by commas (requests rotate through them)
--   BENCH_TICKETS  ticket numbers 1..N to pick from
--   BENCH_THREADS  the -t given to wrk, so threads can split work between them
--   BENCH_OUT      file the summary line is appended to
--   BENCH_PROBE    stop after this many responses (the one-at-a-time SQL probe)
local M = {}

M.host = os.getenv("BENCH_HOST") or "localhost"
M.tickets = tonumber(os.getenv("BENCH_TICKETS") or "1")
M.threads = tonumber(os.getenv("BENCH_THREADS") or "1")
M.tokens = {}
for t in string.gmatch(os.getenv("BENCH_TOKENS") or "", "[^,]+") do
	M.tokens[#M.tokens + 1] = t
end

wrk.headers["Host"] = M.host
wrk.headers["Accept"] = "application/json"
if #M.tokens > 0 then
	wrk.headers["Authorization"] = "Bearer " .. M.tokens[1]
end

-- Threads get ids 1..n in the main state; each thread seeds its own random numbers.
local next_id = 1
function setup(thread)
	thread:set("tid", next_id)
	next_id = next_id + 1
end

M.count = 0
function M.init()
	math.randomseed(os.time() * 1000 + (tid or 0) * 7919)
end

-- Headers for the next request: the Host, and the next token in turn.
function M.headers(extra)
	local h = { ["Host"] = M.host, ["Accept"] = "application/json" }
	M.count = M.count + 1
	if #M.tokens > 0 then
		h["Authorization"] = "Bearer " .. M.tokens[(M.count + (tid or 0)) % #M.tokens + 1]
	end
	if extra then
		for k, v in pairs(extra) do
			h[k] = v
		end
	end
	return h
end

function M.random_ticket()
	return math.random(1, M.tickets)
end

function M.json_string(s)
	return '"' .. string.gsub(s, '[%c"\\]', function(c)
		return string.format("\\u%04x", string.byte(c))
	end) .. '"'
end

-- The probe stops the thread after BENCH_PROBE responses. A script with its own response()
-- calls M.probe_response() from it.
local probe = tonumber(os.getenv("BENCH_PROBE") or "")
if probe then
	local seen = 0
	function M.probe_response()
		seen = seen + 1
		if seen >= probe then
			wrk.thread:stop()
		end
	end
	function response()
		M.probe_response()
	end
end

function done(summary, latency, requests)
	local e = summary.errors
	local line = string.format(
		"requests=%d duration_us=%d bytes=%d p50_us=%d p90_us=%d p99_us=%d max_us=%d mean_us=%.1f "
			.. "non2xx=%d connect=%d read=%d write=%d timeout=%d\n",
		summary.requests, summary.duration, summary.bytes, latency:percentile(50), latency:percentile(90),
		latency:percentile(99), latency.max, latency.mean, e.status, e.connect, e.read, e.write, e.timeout)
	local out = os.getenv("BENCH_OUT")
	if out then
		local f = assert(io.open(out, "a"))
		f:write(line)
		f:close()
	else
		io.write(line)
	end
end

return M
