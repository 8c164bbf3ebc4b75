-- GET the URL given on wrk's command line, unchanged, on every request.
local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(here .. "common.lua")
