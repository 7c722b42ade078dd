-- Paces wrk to RATE requests per second across all connections (unset: as fast as the server answers).
-- Each request claims the next slot of a schedule RATE per second long and waits for it, so the rate
-- holds whatever the latency (a fixed pause per connection would not). Loaded by check.lua and echo.lua
-- with dofile, so wrk must run from the repository's root (scripts/bench-server.sh does).
local rate = tonumber(os.getenv("RATE") or "0")
if rate > 0 then
  local ffi = require("ffi")
  ffi.cdef [[
    typedef struct { long tv_sec; long tv_usec; } safecomms_timeval;
    int gettimeofday(safecomms_timeval *tv, void *tz);
  ]]
  local tv = ffi.new("safecomms_timeval")
  local function now_ms()
    ffi.C.gettimeofday(tv, nil)
    return tonumber(tv.tv_sec) * 1000 + tonumber(tv.tv_usec) / 1000
  end
  local interval = 1000 / rate
  local slot = nil
  function delay()
    local t = now_ms()
    -- A server that fell more than a second behind is not owed the backlog in one burst.
    if slot == nil or slot < t - 1000 then slot = t end
    local wait = slot - t
    slot = slot + interval
    if wait < 1 then return 0 end
    return math.floor(wait)
  end
end
