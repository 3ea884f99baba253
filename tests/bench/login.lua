-- POST /api/v1/auth/login as the tenant's agents in turn (argon2id on every request by design).
--   BENCH_EMAILS    e-mail addresses separated by commas
--   BENCH_PASSWORD  their password
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
local b = dofile(dir .. "common.lua")
local emails = {}
for e in string.gmatch(os.getenv("BENCH_EMAILS") or "", "[^,]+") do
	emails[#emails + 1] = e
end
local password = os.getenv("BENCH_PASSWORD") or ""
local n = 0
wrk.headers["Authorization"] = nil

function init()
	b.init()
end

function request()
	n = n + 1
	local body = '{"email":' .. b.json_string(emails[(n + tid) % #emails + 1]) .. ',"password":'
		.. b.json_string(password) .. '}'
	return wrk.format("POST", "/api/v1/auth/login",
		{ ["Host"] = b.host, ["Accept"] = "application/json", ["Content-Type"] = "application/json" }, body)
end
