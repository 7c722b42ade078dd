-- GET /api/v1/cases/{id}/communications, a case's chronology through the API (first page, 50
-- records), with the bearer token of each signed-in member of staff and every case they may read in
-- turn (data.communications). Expects 200. Run by scripts/load.sh.
local load = dofile("scripts/wrk/load-common.lua")
load.route("communications", function(status) return status == 200 end, function(data)
  local list = {}
  for _, pair in ipairs(data.communications) do
    table.insert(list, wrk.format("GET", "/api/v1/cases/" .. pair.case .. "/communications",
      { Authorization = "Bearer " .. pair.token }))
  end
  return list
end)
