-- GET /cases/{id}, a case's chronology page (its newest 50 records), session cookie. Every other
-- request reads the case load.sh filled to 200+ records (data.big: each signed-in reader of that
-- case); the rest go round every case each signed-in member of staff may read (data.chronology).
-- Expects 200. Run by scripts/load.sh.
local load = dofile("scripts/wrk/load-common.lua")
load.route("chronology", function(status) return status == 200 end, function(data)
  local function get(pair) return wrk.format("GET", "/cases/" .. pair.case, { Cookie = pair.cookie }) end
  local list, big, other = {}, data.big, data.chronology
  if os.getenv("BIG_ONLY") == "1" then other = {} end
  for i = 1, math.max(#big, #other) do
    if #big > 0 then table.insert(list, get(big[(i - 1) % #big + 1])) end
    if #other > 0 then table.insert(list, get(other[(i - 1) % #other + 1])) end
  end
  return list
end)
