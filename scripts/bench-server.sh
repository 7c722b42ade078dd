#!/usr/bin/env bash
# Issue 3's server figures: POST /api/v1/checks at 2,000 requests/s (p99 target < 5 ms), its top rate,
# and a trivial JSON echo route's top rate on the same server in the same run (the framework ceiling).
# Needs wrk (apt-get install wrk). Builds the release binary if it is missing.
#   scripts/bench-server.sh            # SQLite in a temporary data directory
#   DATABASE_URL=postgres://… scripts/bench-server.sh
set -euo pipefail
cd "$(dirname "$0")/.."
PORT=${PORT:-8099}
DURATION=${DURATION:-20s}
RATE=${RATE:-2000}
CONNECTIONS=${CONNECTIONS:-32}
BIN=.build/release/safecomms
[ -x "$BIN" ] || swift build -c release --product safecomms
DATA=$(mktemp -d /tmp/safecomms-bench-XXXXXX)
export SAFECOMMS_DATA=$DATA SAFECOMMS_BENCH_ECHO=1 SAFECOMMS_BCRYPT_COST=4 LOG_LEVEL=warning
"$BIN" users add bench@example.org --name "Bench Worker" --roles practitioner --organisation "Bench Council" >/dev/null
export TOKEN=$("$BIN" users token bench@example.org | tail -1)
"$BIN" serve --hostname 127.0.0.1 --port "$PORT" >"$DATA/server.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; wait $SERVER 2>/dev/null; rm -rf "$DATA"' EXIT
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$PORT/readyz" >/dev/null && break; sleep 0.1; done
URL=http://127.0.0.1:$PORT

# One check by hand: it must be a real decision, not an error.
curl -sf -X POST "$URL/api/v1/checks" -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
  -d "$(sed -n 's/^wrk.body = \[\[\(.*\)\]\]$/\1/p' scripts/wrk/check.lua)" | grep -q '"decision"' || { echo "check failed"; exit 1; }

run() {  # name, then wrk arguments
  local name=$1; shift
  local out; out=$(wrk --latency "$@")
  if grep -q "Non-2xx" <<<"$out"; then echo "$out"; echo "FAIL: $name had error responses"; exit 1; fi
  local rps p50 p99
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p50=$(awk '$1=="50%" {print $2}' <<<"$out")
  p99=$(awk '$1=="99%" {print $2}' <<<"$out")
  printf '%-48s %12s req/s   p50 %9s   p99 %9s\n' "$name" "$rps" "$p50" "$p99"
}

# Warm up, then measure. At the set rate each connection pauses so that together they send ~RATE/s.
wrk -t1 -c"$CONNECTIONS" -d5s -s scripts/wrk/check.lua "$URL/api/v1/checks" >/dev/null
run "echo, top rate (-t1 -c$CONNECTIONS)" -t1 -c"$CONNECTIONS" -d"$DURATION" -s scripts/wrk/echo.lua "$URL/bench/echo"
run "checks, top rate (-t1 -c$CONNECTIONS)" -t1 -c"$CONNECTIONS" -d"$DURATION" -s scripts/wrk/check.lua "$URL/api/v1/checks"
PACED=20
DELAY_MS=$(awk -v c=$PACED -v r="$RATE" 'BEGIN { printf "%d", c * 1000 / r - 0.5 }') \
  run "checks, paced to ~$RATE/s (-t1 -c$PACED)" -t1 -c$PACED -d"$DURATION" -s scripts/wrk/check.lua "$URL/api/v1/checks"

# Every check answered was audited, and the chain is whole.
kill $SERVER; wait $SERVER 2>/dev/null || true
"$BIN" audit verify
