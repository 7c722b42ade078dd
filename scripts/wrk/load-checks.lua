-- POST /api/v1/checks with check.lua's request (a 300-character WhatsApp message, the case's people
-- inline, every pack), each signed-in member of staff's bearer token in turn. Expects 200.
-- Run by scripts/load.sh (with RATE unset, so check.lua's pacing is off).
dofile("scripts/wrk/check.lua")
local body = wrk.body
local load = dofile("scripts/wrk/load-common.lua")
load.route("checks", function(status) return status == 200 end, function(data)
  local list = {}
  for _, token in ipairs(data.tokens) do
    table.insert(list, wrk.format("POST", "/api/v1/checks",
      { Authorization = "Bearer " .. token, ["Content-Type"] = "application/json" }, body))
  end
  return list
end)
