-- GET /api/posts/{id}, walking through the seeded ids 1, 2, ..., BENCH_POSTS, 1, 2, ... in each thread.
local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(here .. "common.lua")

local posts = tonumber(os.getenv("BENCH_POSTS") or "500")
local next_id = 0

function request()
  next_id = next_id % posts + 1
  return wrk.format("GET", "/api/posts/" .. next_id)
end
