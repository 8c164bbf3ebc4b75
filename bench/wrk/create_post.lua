-- POST /api/posts with a JSON body, the author cycling through the seeded users 1 .. BENCH_USERS.
local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(here .. "common.lua")

local users = tonumber(os.getenv("BENCH_USERS") or "50")
local sent = 0
local headers = { ["Content-Type"] = "application/json" }

function request()
  sent = sent + 1
  local body = string.format(
    '{"title":"Load test post %d","content":"Written by wrk to measure POST /api/posts.","user_id":%d}',
    sent, sent % users + 1
  )
  return wrk.format("POST", "/api/posts", headers, body)
end
