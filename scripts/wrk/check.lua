-- POST /api/v1/checks with a 300-character message, the case's people inline and every pack.
-- TOKEN: a bearer token. RATE: requests per second to hold across all connections (unset: as fast as
-- the server answers). Each request claims the next slot of a schedule RATE per second long and waits
-- for it, so the rate holds whatever the latency (a fixed pause per connection would not).
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. (os.getenv("TOKEN") or "")
wrk.body = [[{"id":"bench","channel":"whatsapp","device":{"kind":"work_mobile","whatsapp_enabled":true},"recipient":{"role":"parent_carer"},"case":{"status":"child_protection","people":[{"name":"Jayden Price","aliases":["JJ"],"date_of_birth":"2012-05-04","address":"14 Oak Street, Poole","postcode":"BH15 2AB"},{"name":"Kerry Price","date_of_birth":"1988-11-30"}]},"consents":["parent_permission"],"text":"Hello Mrs Price, thank you for your call this morning. I have spoken with the designated teacher and the plan for next week is agreed: he will start at 9:15 on Monday, with a check in at lunchtime. I will send the minutes of the core group once they are agreed. Kind regards, Alex."}]]

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
