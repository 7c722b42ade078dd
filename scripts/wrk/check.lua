-- POST /api/v1/checks with a 300-character message, the case's people inline and every pack.
-- TOKEN: a bearer token. RATE: requests per second to hold (scripts/wrk/pace.lua).
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. (os.getenv("TOKEN") or "")
wrk.body = [[{"id":"bench","channel":"whatsapp","device":{"kind":"work_mobile","whatsapp_enabled":true},"recipient":{"role":"parent_carer"},"case":{"status":"child_protection","people":[{"name":"Jayden Price","aliases":["JJ"],"date_of_birth":"2012-05-04","address":"14 Oak Street, Poole","postcode":"BH15 2AB"},{"name":"Kerry Price","date_of_birth":"1988-11-30"}]},"consents":["parent_permission"],"text":"Hello Mrs Price, thank you for your call this morning. I have spoken with the designated teacher and the plan for next week is agreed: he will start at 9:15 on Monday, with a check in at lunchtime. I will send the minutes of the core group once they are agreed. Kind regards, Alex."}]]

dofile("scripts/wrk/pace.lua")
