-- POST /bench/echo: decode and re-encode a small JSON body, the framework's own ceiling. RATE: as for
-- check.lua (scripts/wrk/pace.lua).
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = [[{"id":"bench","text":"Hello Mrs Price, thank you for your call this morning. I have spoken with the designated teacher and the plan is agreed."}]]
dofile("scripts/wrk/pace.lua")
