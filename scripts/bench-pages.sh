#!/usr/bin/env bash
# The pages at a council's scale: `serve --demo --size large` (5,000 cases, 200 staff, 1,000,000
# records), then wrk against the pages people open most, signed in through the real sign-in form:
#   case search         GET /cases?q=…                 the DSL (every one of the 5,000 cases is searched)
#   case page           GET /cases/{id}                the DSL, a case of about 200 records
#   filtered chronology GET /cases/{id}?channel=sms&from=…&to=…
#   manager's dashboard GET /                          a team manager (one connection: one person's wait)
#   DSL's dashboard     GET /                          the DSL, the whole organisation
# It prints requests/s, p50 and p99 for each. Exit status 1 on any non-2xx answer or socket error.
#
#   scripts/bench-pages.sh                               # SQLite in a temporary data directory
#   DATA=/tmp/large scripts/bench-pages.sh               # keep (or reuse) the large demo's data directory
#   DATABASE_URL=postgres://… scripts/bench-pages.sh     # PostgreSQL (the database must be empty, or hold
#                                                        # this demo from an earlier run with the same key)
# Settings: BIN (default .build/release/safecomms), CONNECTIONS (default 8), DURATION (default 10s),
# PORT (default 8097).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-.build/release/safecomms}
CONNECTIONS=${CONNECTIONS:-8}
DURATION=${DURATION:-10s}
PORT=${PORT:-8097}
URL=http://127.0.0.1:$PORT
[ -x "$BIN" ] || { echo "bench-pages.sh: build first: swift build -c release --product safecomms" >&2; exit 1; }
command -v wrk >/dev/null || { echo "bench-pages.sh: needs wrk (apt-get install wrk)" >&2; exit 1; }

WORK=$(mktemp -d)
DATA=${DATA:-$WORK/data}
mkdir -p "$DATA"
export SAFECOMMS_DATA=$DATA
# These pages are measured signed in; a kept DATA signs the same people in again, so the second factor
# (measured in the load profile, scripts/load.sh) is offered here, not required.
export SAFECOMMS_SECOND_FACTOR=offered
# With PostgreSQL the audit key lives in the data directory too, so a kept DATA reuses the same demo.
cleanup() { [ -n "${SERVER:-}" ] && kill "$SERVER" 2>/dev/null; wait 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT

echo "Starting the large demo (the first time on an empty store takes a few minutes)…" >&2
"$BIN" serve --demo --size large --port "$PORT" >"$WORK/out" 2>"$WORK/err" &
SERVER=$!
for _ in $(seq 1 3600); do
  if curl -fs "$URL/readyz" >/dev/null 2>&1; then break; fi
  kill -0 "$SERVER" 2>/dev/null || { cat "$WORK/err" >&2; exit 1; }
  sleep 1
done
curl -fs "$URL/readyz" >/dev/null || { echo "bench-pages.sh: the server did not start" >&2; exit 1; }

signin() {  # role → a Cookie header value
  local row email password jar=$WORK/jar-$1
  row=$(grep -E "^$1 " "$WORK/out" | head -1)
  email=$(awk '{for (i = 1; i <= NF; i++) if ($i ~ /@/) print $i}' <<<"$row")
  password=$(awk '{for (i = 1; i <= NF; i++) if ($i ~ /@/) print $(i + 1)}' <<<"$row")
  local csrf
  csrf=$(curl -fs -c "$jar" "$URL/login" | sed -n 's/.*name="csrf" value="\([0-9a-f]*\)".*/\1/p' | head -1)
  curl -fs -b "$jar" -c "$jar" -o /dev/null --data-urlencode "email=$email" --data-urlencode "password=$password" \
    --data-urlencode "csrf=$csrf" "$URL/login"
  awk '$6 == "safecomms_session" {print "safecomms_session=" $7}' "$jar"
}
DSL=$(signin dsl)
MANAGER=$(signin manager)

# A case of the large demo with about 200 records, and its first month of texts.
CASE=$(curl -fs -H "Cookie: $DSL" "$URL/cases?q=NB-200123" | sed -n 's/.*href="\/cases\/\([0-9A-F-]*\)".*/\1/p' | head -1)
[ -n "$CASE" ] || { echo "bench-pages.sh: the large demo's cases are missing" >&2; exit 1; }
FROM=$(date -d '-180 days' +%F); TO=$(date -d '-30 days' +%F)

FAILED=0
run() {  # label cookie path connections
  local out status
  out=$(wrk -t"$(( $4 < 2 ? $4 : 2 ))" -c"$4" -d"$DURATION" --latency -H "Cookie: $2" -s scripts/wrk/statuses.lua "$URL$3" 2>&1)
  status=$(sed -n 's/^non-2xx: //p' <<<"$out")
  printf '%-22s %8s req/s   p50 %8s   p99 %8s   %s\n' "$1" \
    "$(awk '/Requests\/sec/ {print $2}' <<<"$out")" \
    "$(awk '$1 == "50%" {print $2}' <<<"$out")" \
    "$(awk '$1 == "99%" {print $2}' <<<"$out")" \
    "${status:+non-2xx $status}"
  if [ -n "$status" ] && [ "$status" != 0 ] || grep -q "Socket errors" <<<"$out"; then FAILED=1; echo "$out" >&2; fi
}
echo "$(nproc) cores, $CONNECTIONS connections, $DURATION each, ${DATABASE_URL:+PostgreSQL}${DATABASE_URL:-SQLite}"
run "case search" "$DSL" "/cases?q=NB-2001" "$CONNECTIONS"
run "case page" "$DSL" "/cases/$CASE" "$CONNECTIONS"
run "filtered chronology" "$DSL" "/cases/$CASE?channel=sms&from=$FROM&to=$TO" "$CONNECTIONS"
run "manager's dashboard" "$MANAGER" "/" 1
run "DSL's dashboard" "$DSL" "/" 1
exit $FAILED
