-- GET /cases, the case-list page, as each signed-in member of staff in turn (session cookie).
-- Expects 200; a 303 to /login would mean the session was lost. Run by scripts/load.sh.
local load = dofile("scripts/wrk/load-common.lua")
load.route("cases", function(status) return status == 200 end, function(data)
  local list = {}
  for _, cookie in ipairs(data.cookies) do
    table.insert(list, wrk.format("GET", "/cases", { Cookie = cookie }))
  end
  return list
end)
