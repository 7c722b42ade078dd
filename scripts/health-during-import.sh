#!/bin/bash
# /healthz latency, and the server's resident memory, while a 150 MB WhatsApp chat is uploaded and
# imported (a dry run) on the release build: long work must not hold the event loops, and an upload
# goes to a file, not to memory. Makes the chat, starts a demo server, uploads the chat and asks
# /healthz every 20 ms on a new connection until the import answers.
set -e
cd "$(dirname "$0")/.."
[ -x .build/release/safecomms ] || swift build -c release --product safecomms
CHAT=$(mktemp --suffix=.txt)
python3 - "$CHAT" <<'PY'
import sys
with open(sys.argv[1], 'w') as f:
    i = size = 0
    while size < 150 * (1 << 20):
        line = f"12/03/2024, {(i // 60) % 24:02d}:{i % 60:02d} - {'Jo Bloggs' if i % 2 == 0 else 'Sam Parent'}: message number {i} about the review on Thursday and the plan for the weekend visit\n"
        f.write(line); size += len(line); i += 1
PY
D=$(mktemp -d); export SAFECOMMS_DATA=$D SAFECOMMS_BCRYPT_COST=4 LOG_LEVEL=warning
BIN=.build/release/safecomms
$BIN serve --demo --port 8095 > $D/log 2>&1 &
SPID=$!
for i in $(seq 300); do curl -sf localhost:8095/readyz >/dev/null && break; sleep 0.2; done
TOKEN=$($BIN users token priya.shah@northbridge.example.gov.uk | tail -1)
CASE=$(curl -s -H "Authorization: Bearer $TOKEN" localhost:8095/api/v1/cases | python3 -c "import json,sys; print(json.load(sys.stdin)[0]['id'])")
( /usr/bin/time -f "import took %e s" curl -s -o $D/import.json -w "import status %{http_code}\n" -H "Authorization: Bearer $TOKEN" -F format=whatsapp -F dry_run=true -F "file=@$CHAT" localhost:8095/api/v1/cases/$CASE/imports; touch $D/done ) &
BEFORE=$(awk '/VmRSS/ {print $2}' /proc/$SPID/status)
sleep 0.5
: > $D/lat; : > $D/rss
while [ ! -f $D/done ]; do
  curl -s -o /dev/null -H "Connection: close" -w "%{time_total}\n" localhost:8095/healthz >> $D/lat
  awk '/VmRSS/ {print $2}' /proc/$SPID/status >> $D/rss
  sleep 0.02
done
echo "server resident memory: $((BEFORE / 1024)) MB before, at most $(( $(sort -n $D/rss | tail -1) / 1024 )) MB during the upload and import"
wait %2 2>/dev/null || true
python3 - "$D/lat" <<'PY'
import sys
v=sorted(float(x)*1000 for x in open(sys.argv[1]) if x.strip())
n=len(v)
print(f"healthz during import: {n} checks, p50 {v[n//2]:.1f} ms, p99 {v[min(n-1,int(n*0.99))]:.1f} ms, max {v[-1]:.1f} ms")
PY
head -c 300 $D/import.json; echo
kill -INT $SPID; wait $SPID 2>/dev/null || true; rm -rf $D $CHAT
