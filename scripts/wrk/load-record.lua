-- POST /cases/{id}/record, the record-a-contact form (form-encoded, session cookie and the session's
-- CSRF token), for each member of staff and case where GET /cases/{id}/record answered 200. A phone
-- call made, at data.occurred_at (local time, in the past). Expects 303 back to the case's page with
-- ?recorded=1; a 303 elsewhere (to /login) or the form again (422) is an error. Run by scripts/load.sh.
local load = dofile("scripts/wrk/load-common.lua")
load.route("record", function(status, headers)
  if status ~= 303 then return false end
  local where = load.header(headers, "Location") or ""
  return where:find("recorded=1", 1, true) ~= nil
end, function(data)
  local list = {}
  for i, r in ipairs(data.record) do
    local body = table.concat({
      "csrf=" .. load.urlencode(r.csrf),
      "channel=phone_call",
      "direction=outgoing",
      "occurred_at=" .. load.urlencode(data.occurred_at),
      "duration_minutes=" .. tostring(5 + i % 20),
      "transcript=" .. load.urlencode("Rang to confirm Thursday's visit at 4pm; agreed to meet at the family centre."),
    }, "&")
    table.insert(list, wrk.format("POST", "/cases/" .. r.case .. "/record",
      { Cookie = r.cookie, ["Content-Type"] = "application/x-www-form-urlencoded" }, body))
  end
  return list
end)
