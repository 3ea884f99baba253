-- One fixed GET (wrk's own fast path: no request() here), with the Host and the first token.
-- Used for the static file, healthz, the queue page, the customer's list and the board.
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(dir .. "common.lua")
