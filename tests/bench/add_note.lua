-- POST /api/v1/tickets/{n}/notes: an internal worknote on a random ticket.
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
local b = dofile(dir .. "common.lua")
local n = 0

function init()
	b.init()
end

function request()
	n = n + 1
	local body = string.format('{"body":"Checked the logs on the print server, entry %d shows a paper jam '
		.. 'at tray 2. Asked the customer to confirm.","visibility":"internal"}', n)
	return wrk.format("POST", "/api/v1/tickets/" .. b.random_ticket() .. "/notes",
		b.headers({ ["Content-Type"] = "application/json" }), body)
end
