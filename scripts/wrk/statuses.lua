-- Counts answers other than 200 (a 303 to /login would mean the session was lost) and prints
-- "non-2xx: N" when wrk is done. Used by scripts/bench-pages.sh.
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) bad = 0 end
function response(status, headers, body) if status ~= 200 then bad = bad + 1 end end
function done(summary, latency, requests)
  local total = 0
  for _, t in ipairs(threads) do total = total + (t:get("bad") or 0) end
  io.write(string.format("non-2xx: %d\n", total))
end
