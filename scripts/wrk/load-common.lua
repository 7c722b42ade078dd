-- Shared by the load-*.lua scripts of scripts/load.sh, one wrk process per route. Loaded with dofile, so
-- wrk must run from the repository's root (load.sh does). LOAD_DATA names the Lua data file load.sh
-- writes: the signed-in staff's session cookies, their forms' CSRF tokens, their bearer tokens and the
-- cases each may read or record on. A route script calls load.route(name, expect, build): build(data)
-- returns the route's requests as wrk.format strings, and the connections take them in turn, so the
-- load rotates over the staff and cases. expect(status, headers) says whether an answer is the one the
-- route should give (a page 200, a recorded contact 303 back to its case); done() prints one line:
--   LOAD route=… requests=… seconds=… rps=… p50_ms=… p99_ms=… max_ms=… status_errors=… connect=…
--        read=… write=… timeout=… wrong=… statuses=500:3,303:1 sample=<the first unexpected answer>
-- status_errors is wrk's own count of answers 400 and over; wrong counts answers under 400 that are
-- still not what the route should give (a 303 to /login: the session was lost).
local load = {}

local path = os.getenv("LOAD_DATA")
if not path or path == "" then error("LOAD_DATA is not set: run scripts/load.sh") end
load.data = dofile(path)

function load.urlencode(s)
  return (tostring(s):gsub("[^%w%-%._~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end

-- A header's value whatever the case of its name.
function load.header(headers, name)
  name = name:lower()
  for k, v in pairs(headers) do
    if k:lower() == name then return v end
  end
  return nil
end

-- Globals of each thread's Lua state, collected by done() from the main state with thread:get.
unexpected, wrong, statuses, sample = 0, 0, {}, ""

function load.route(name, expect, build)
  local threads = {}
  local list, n = nil, 0

  function setup(thread)
    table.insert(threads, thread)
  end

  function init(args)
    list = build(load.data)
    if #list == 0 then error(name .. ": load.sh gave this route nothing to request") end
    -- Each thread starts at its own place in the list.
    n = math.random(#list) - 1
  end

  function request()
    n = n + 1
    return list[(n - 1) % #list + 1]
  end

  function response(status, headers, body)
    if not expect(status, headers) then
      unexpected = unexpected + 1
      if status < 400 then wrong = wrong + 1 end
      statuses[status] = (statuses[status] or 0) + 1
      if sample == "" then
        local where = load.header(headers, "Location")
        -- Pages answer HTML: their words without the tags say what went wrong.
        local text = (body or ""):gsub("<[^>]*>", " "):gsub("%s+", " "):sub(1, 240)
        sample = tostring(status) .. (where and (" -> " .. where) or "") .. " " .. text
      end
    end
  end

  function done(summary, latency, requests)
    local total_wrong, merged, first = 0, {}, ""
    for _, t in ipairs(threads) do
      total_wrong = total_wrong + (t:get("wrong") or 0)
      for status, count in pairs(t:get("statuses") or {}) do
        merged[status] = (merged[status] or 0) + count
      end
      local s = t:get("sample") or ""
      if first == "" then first = s end
    end
    local parts = {}
    for status, count in pairs(merged) do table.insert(parts, tostring(status) .. ":" .. tostring(count)) end
    table.sort(parts)
    local e = summary.errors
    local seconds = summary.duration / 1e6
    io.write(string.format(
      "LOAD route=%s requests=%d seconds=%.2f rps=%.1f p50_ms=%.2f p99_ms=%.2f max_ms=%.2f status_errors=%d connect=%d read=%d write=%d timeout=%d wrong=%d statuses=%s sample=%s\n",
      name, summary.requests, seconds, summary.requests / seconds, latency:percentile(50) / 1000, latency:percentile(99) / 1000,
      latency.max / 1000, e.status, e.connect, e.read, e.write, e.timeout, total_wrong,
      #parts > 0 and table.concat(parts, ",") or "-", (first:gsub("\n", " "))))
  end
end

return load
