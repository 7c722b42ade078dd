#!/usr/bin/env bash
# SafeComms' load profile: the server under a mix of what a working day puts on it, all at once.
#
# It starts a server on a fresh store seeded with `serve --demo`, signs staff of several roles in through
# the real sign-in form, and then, for DURATION, runs one wrk process per route, side by side:
#   GET  /cases                               case-list page (session cookie)
#   GET  /cases/{id}                          chronology page; every other request reads a case of 200+ records
#   POST /cases/{id}/record                   record-a-contact form (cookie + CSRF token); a success is a 303
#   POST /api/v1/checks                       the pre-send check (bearer token; scripts/wrk/check.lua's request)
#   GET  /api/v1/cases/{id}/communications    the chronology through the API (bearer token)
# while a background loop imports a 1,000-message WhatsApp export into a case every IMPORT_EVERY seconds.
# Each route's requests rotate over the signed-in staff and the cases each may read (or record on).
# Just before the mix, POST /bench/echo (a JSON echo: the framework's own ceiling) runs alone.
# It prints requests/s, p50 and p99 per route, errors, the imports' times, the echo's rate, stops the
# server(s) and runs `safecomms audit verify`. Exit status 1 if any answer was an error (4xx/5xx, or not
# the answer the route should give, such as a redirect to the sign-in page), any socket error or
# timeout, any import failed, or the audit chain does not verify.
#
# Needs bash, curl, python3 (standard library) and wrk (apt-get install wrk). Runs from any directory.
#   scripts/load.sh                                            # SQLite in a temporary data directory
#   DURATION=60s CONNECTIONS=64 STAFF=11 scripts/load.sh
#   DATABASE_URL=postgres://user:pw@host:5432/db scripts/load.sh     # the database must be EMPTY
#   DATABASE_URL=postgres://… PORTS="8101 8102" scripts/load.sh      # two server processes, one database
#   BIN=/path/to/safecomms scripts/load.sh                     # another binary (its resources beside it)
#
# Settings (environment):
#   BIN           the server binary (default .build/release/safecomms, built if missing)
#   DURATION      how long the mixed run lasts (default 20s; s, m or h)
#   CONNECTIONS   connections over all routes together (default 32), shared by MIX
#   MIX           each route's share of the connections (default
#                 "cases=1 chronology=2 record=1 checks=2 communications=2"); a route left out is not
#                 run, so MIX=chronology=1 measures the chronology page alone
#   BIG_ONLY      1: the chronology page reads only the case of 200 records (default: every other request)
#   STAFF         how many demo staff sign in (default 8, at most 11): practitioners first, then managers,
#                 the DSL, the auditor, the administrator and business support (see ROLE_ORDER below)
#   IMPORT_EVERY  seconds between the starts of two imports (default 3; 0: no imports). One import runs
#                 at a time: one that takes longer than this is followed at once by the next
#   ECHO_DURATION how long the echo runs alone before the mix (default 5s)
#   PORTS         the servers' ports (default 8098). More than one needs DATABASE_URL: one server per
#                 port on the same database, the first seeds it; each wrk process targets one port, in turn
#   TIMEOUT       wrk's answer timeout; a slower answer counts as a socket error (default 10s)
#   PIN_WRK       1 (default): wrk runs on CPU 1 only (taskset), as in scripts/bench-server.sh
#   KEEP          1: keep the temporary directory (server logs, data, audit key, wrk output) afterwards
#
# DATABASE_URL: the database given must be empty (`serve --demo` refuses a store holding a real
# organisation, and a store left by an earlier run holds that run's records). The audit key is then
# SAFECOMMS_AUDIT_KEY if set, otherwise a new one in the temporary directory, removed afterwards unless
# KEEP=1: without it that database's audit chain cannot be verified later.
set -euo pipefail
CALLER_DIR=$PWD
cd "$(dirname "$0")/.."
ROOT=$PWD

BIN=${BIN:-.build/release/safecomms}
case $BIN in /*) ;; *) if [ -e "$CALLER_DIR/$BIN" ] && [ "$CALLER_DIR" != "$ROOT" ]; then BIN=$CALLER_DIR/$BIN; else BIN=$ROOT/$BIN; fi ;; esac
DURATION=${DURATION:-20s}
CONNECTIONS=${CONNECTIONS:-32}
MIX=${MIX:-"cases=1 chronology=2 record=1 checks=2 communications=2"}
STAFF=${STAFF:-8}
IMPORT_EVERY=${IMPORT_EVERY:-3}
ECHO_DURATION=${ECHO_DURATION:-5s}
read -r -a PORT_LIST <<<"${PORTS:-8098}"
TIMEOUT=${TIMEOUT:-10s}
PIN_WRK=${PIN_WRK:-1}
KEEP=${KEEP:-0}
CHRONOLOGY_RECORDS=200   # the chronology page's big case has at least this many records
ROLE_ORDER="practitioner manager dsl practitioner auditor practitioner manager practitioner admin business_support practitioner"

die() { echo "load.sh: $*" >&2; exit 1; }
seconds() {  # 20s, 2m, 1h or 20 → seconds
  local v=$1
  case $v in
    *h) echo $(( ${v%h} * 3600 )) ;; *m) echo $(( ${v%m} * 60 )) ;; *s) echo "${v%s}" ;; *) echo "$v" ;;
  esac
}
DUR_S=$(seconds "$DURATION"); ECHO_S=$(seconds "$ECHO_DURATION")
[[ $DUR_S =~ ^[0-9]+$ && $DUR_S -gt 0 ]] || die "DURATION '$DURATION' is not a duration such as 20s or 2m"
[[ $ECHO_S =~ ^[0-9]+$ ]] || die "ECHO_DURATION '$ECHO_DURATION' is not a duration such as 5s"
[[ $CONNECTIONS =~ ^[0-9]+$ && $CONNECTIONS -ge 1 ]] || die "CONNECTIONS must be a number, at least 1"
[[ $IMPORT_EVERY =~ ^[0-9]+$ ]] || die "IMPORT_EVERY must be a whole number of seconds"
[[ $STAFF =~ ^[0-9]+$ && $STAFF -ge 1 ]] || die "STAFF must be a number, at least 1"
for tool in curl wrk python3; do command -v "$tool" >/dev/null || die "needs $tool (wrk: apt-get install wrk)"; done
if [ ${#PORT_LIST[@]} -gt 1 ] && [ -z "${DATABASE_URL:-}" ]; then
  die "PORTS with more than one port needs DATABASE_URL: several servers share one PostgreSQL database, never one SQLite file"
fi
[ -x "$BIN" ] || { [ "$BIN" = "$ROOT/.build/release/safecomms" ] && swift build -c release --product safecomms; }
[ -x "$BIN" ] || die "no server binary at $BIN"
WRK="wrk"
if [ "$PIN_WRK" = 1 ]; then
  if [ "$(nproc)" -gt 1 ]; then WRK="taskset -c 1 wrk"; else echo "load.sh: one CPU only; wrk is not pinned" >&2; fi
fi

# --- a fresh data directory; processes to stop on the way out ---------------------------------------
WORK=$(mktemp -d /tmp/safecomms-load-XXXXXX)
DATA=$WORK/data
mkdir -p "$DATA"
export SAFECOMMS_DATA=$DATA SAFECOMMS_BENCH_ECHO=1 SAFECOMMS_BCRYPT_COST=4 LOG_LEVEL=warning
unset RATE   # check.lua and echo.lua pace themselves to RATE when it is set; this profile runs flat out
SERVERS=() BACKGROUND=() LOGS_SHOWN=0

show_logs() {
  if [ "$LOGS_SHOWN" = 1 ]; then return 0; fi
  LOGS_SHOWN=1
  local port
  for port in "${PORT_LIST[@]}"; do
    [ -f "$DATA/server-$port.log" ] || continue
    echo "--- last lines of the server log on port $port ($DATA/server-$port.log) ---" >&2
    tail -n 25 "$DATA/server-$port.log" >&2
  done
}
stop_servers() {
  local pid
  for pid in "${SERVERS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${SERVERS[@]}"; do wait "$pid" 2>/dev/null || true; done
  SERVERS=()
}
cleanup() {
  local rc=$? pid
  set +e   # whatever happens here, stop everything and remove the directory
  for pid in "${BACKGROUND[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${BACKGROUND[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [ "$rc" != 0 ]; then show_logs; fi
  stop_servers
  if [ "$KEEP" = 1 ]; then echo "kept: $WORK" >&2; else rm -rf "$WORK"; fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "SafeComms load profile: $BIN"
if [ -n "${DATABASE_URL:-}" ]; then
  echo "store: PostgreSQL from DATABASE_URL (it must be an empty database); servers on ports ${PORT_LIST[*]}"
else
  echo "store: SQLite in $DATA; server on port ${PORT_LIST[0]}"
fi

start_server() {  # port, then serve's extra arguments; returns when /readyz answers
  local port=$1; shift
  if curl -s -o /dev/null "http://127.0.0.1:$port/"; then die "something already answers on port $port (set PORTS)"; fi
  "$BIN" serve "$@" --hostname 127.0.0.1 --port "$port" >"$DATA/server-$port.log" 2>&1 &
  local pid=$!
  SERVERS+=("$pid")
  local _
  for _ in $(seq 1200); do
    curl -sf "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && return 0
    kill -0 "$pid" 2>/dev/null || die "the server on port $port stopped while starting"
    sleep 0.1
  done
  die "the server on port $port did not answer /readyz within 120 s"
}
start_server "${PORT_LIST[0]}" --demo
if [ -n "${DATABASE_URL:-}" ]; then
  # A database that was not empty holds an audit trail sealed with another key (or a real organisation,
  # which --demo refuses): its chain does not verify with this run's key.
  "$BIN" audit verify >"$WORK/audit-before.txt" 2>&1 ||
    die "the audit chain does not verify before the run: DATABASE_URL must name an empty database (or set SAFECOMMS_AUDIT_KEY to its key): $(cat "$WORK/audit-before.txt")"
fi
for port in "${PORT_LIST[@]:1}"; do start_server "$port"; done
URL=http://127.0.0.1:${PORT_LIST[0]}
echo "servers ready (pids ${SERVERS[*]})"

# --- the demo sign-ins: role, e-mail and password from serve --demo's table ---------------------------
# Rows of the table are "role  name  e-mail  password  sees", columns two spaces apart.
declare -a ALL_ROLE ALL_NAME ALL_EMAIL ALL_PASS
while IFS=$'\t' read -r role name email pass; do
  ALL_ROLE+=("$role") ALL_NAME+=("$name") ALL_EMAIL+=("$email") ALL_PASS+=("$pass")
done < <(awk '/^-+  -+/ {table=1; next} table && NF == 0 {exit}
  table { split($0, c, /  +/); print c[1] "\t" c[2] "\t" c[3] "\t" c[4] }' "$DATA/server-${PORT_LIST[0]}.log")
[ ${#ALL_EMAIL[@]} -gt 0 ] || die "serve --demo printed no sign-ins"
# Staff in ROLE_ORDER (practitioners most), then anyone left, up to STAFF.
declare -a PICK=() USED=()
for role in $ROLE_ORDER; do
  for i in "${!ALL_ROLE[@]}"; do
    if [ "${ALL_ROLE[$i]}" = "$role" ] && [ -z "${USED[$i]:-}" ]; then PICK+=("$i"); USED[$i]=1; break; fi
  done
done
for i in "${!ALL_ROLE[@]}"; do [ -z "${USED[$i]:-}" ] && PICK+=("$i"); done
PICK=("${PICK[@]:0:$STAFF}")

json() { python3 -c "import json, sys; d = json.load(sys.stdin); $1"; }
csrf_of() { sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' | head -n 1; }
# An authenticator app's code now for a base-32 key (RFC 6238: HMAC-SHA-1, 30 s, 6 digits).
totp_now() {
  python3 -c 'import base64, hmac, struct, sys, time
k = base64.b32decode(sys.argv[1] + "=" * (-len(sys.argv[1]) % 8))
d = hmac.new(k, struct.pack(">Q", int(time.time()) // 30), "sha1").digest()
o = d[-1] & 15
print("%06d" % ((struct.unpack(">I", d[o:o + 4])[0] & 0x7FFFFFFF) % 1000000))' "$1"
}

# --- sign each one in through the form, take a bearer token, find their cases ------------------------
declare -a S_ROLE S_NAME S_EMAIL S_COOKIE S_TOKEN S_CSRF S_READ S_WRITE
n=0
for i in "${PICK[@]}"; do
  jar=$WORK/cookies-$n
  csrf=$(curl -sf -c "$jar" -b "$jar" "$URL/login" | csrf_of)
  [ -n "$csrf" ] || die "GET /login gave no csrf field"
  status=$(curl -s -o /dev/null -w '%{http_code} %{redirect_url}' -c "$jar" -b "$jar" \
    --data-urlencode "email=${ALL_EMAIL[$i]}" --data-urlencode "password=${ALL_PASS[$i]}" --data-urlencode "csrf=$csrf" "$URL/login")
  if [[ $status == "303 $URL/login/authenticator" ]]; then
    # Whoever reads case history sets up an authenticator at first sign-in: as its app would, from the key shown.
    page=$(curl -sf -c "$jar" -b "$jar" "$URL/login/authenticator")
    key=$(sed -n 's/.*<code id="secret">\([A-Z2-7 ]*\)<\/code>.*/\1/p' <<<"$page" | tr -d ' ')
    [ -n "$key" ] || die "the set-up page for ${ALL_EMAIL[$i]} showed no key"
    status=$(curl -s -o /dev/null -w '%{http_code}' -c "$jar" -b "$jar" --data-urlencode "code=$(totp_now "$key")" \
      --data-urlencode "csrf=$(csrf_of <<<"$page")" "$URL/login/authenticator")
    [ "$status" = 200 ] || die "setting up ${ALL_EMAIL[$i]}'s authenticator answered $status"
  else
    [[ $status == "303 $URL/" ]] || die "signing in ${ALL_EMAIL[$i]} answered '$status', not a redirect to their home"
  fi
  cookie=$(awk '$6 == "safecomms_session" {v = $7} END {print v}' "$jar")
  [ -n "$cookie" ] || die "no safecomms_session cookie for ${ALL_EMAIL[$i]}"
  token=$("$BIN" users token "${ALL_EMAIL[$i]}" --label load | tail -n 1)
  cases=$(curl -sf -H "Authorization: Bearer $token" "$URL/api/v1/cases" | json 'print(" ".join(c["id"] for c in d))') \
    || die "GET /api/v1/cases failed for ${ALL_EMAIL[$i]}"
  # May they record? The form answers 200 on a case they may record on (up to three found).
  write="" form_csrf=""
  for c in $cases; do
    page=$(curl -s -H "Cookie: safecomms_session=$cookie" -w '\n%{http_code}' "$URL/cases/$c/record")
    if [ "${page##*$'\n'}" = 200 ]; then
      write+="$c " form_csrf=$(csrf_of <<<"$page")
      if [ "$(wc -w <<<"$write")" -ge 3 ]; then break; fi
    else
      break   # one refusal: this role does not record (an auditor)
    fi
  done
  [ -z "$write" ] || [ -n "$form_csrf" ] || die "the record form for ${ALL_EMAIL[$i]} has no csrf field"
  S_ROLE[$n]=${ALL_ROLE[$i]} S_NAME[$n]=${ALL_NAME[$i]} S_EMAIL[$n]=${ALL_EMAIL[$i]} S_COOKIE[$n]="safecomms_session=$cookie"
  S_TOKEN[$n]=$token S_CSRF[$n]=$form_csrf S_READ[$n]=$cases S_WRITE[$n]=$write
  printf '  signed in %-16s %-40s %2d cases, records on %d\n' "${S_ROLE[$n]}" "${S_EMAIL[$n]}" "$(wc -w <<<"$cases")" "$(wc -w <<<"$write")"
  n=$((n + 1))
done

# --- the big case (chronology page) and the import case: cases someone signed in may record on -------
# The big case: the first case the first writer may record on. The import case: another one, imported by
# another practitioner when there is one (else another writer, else the same one).
BIG="" BIG_BY="" IMP="" IMP_BY=""
for s in "${!S_EMAIL[@]}"; do
  for c in ${S_WRITE[$s]}; do
    if [ -z "$BIG" ]; then BIG=$c BIG_BY=$s; fi
    if [ -z "$IMP" ] && [ "$c" != "$BIG" ] && [ "$s" != "$BIG_BY" ] && [ "${S_ROLE[$s]}" = practitioner ]; then IMP=$c IMP_BY=$s; fi
  done
done
for s in "${!S_EMAIL[@]}"; do
  for c in ${S_WRITE[$s]}; do
    if [ -z "$IMP" ] && [ "$c" != "$BIG" ] && [ "$s" != "$BIG_BY" ]; then IMP=$c IMP_BY=$s; fi
  done
done
[ -n "$BIG" ] || die "no signed-in member of staff may record on a case (sign in a practitioner: STAFF ≥ 1)"
if [ -z "$IMP" ]; then for c in ${S_WRITE[$BIG_BY]}; do if [ "$c" != "$BIG" ]; then IMP=$c IMP_BY=$BIG_BY; break; fi; done; fi

count_records() {  # case id, bearer token → how many records, up to 201 (200 and more)
  curl -sf -H "Authorization: Bearer $2" "$URL/api/v1/cases/$1/communications?per=200" |
    json 'print(len(d["items"]) + (1 if d["has_more"] else 0))'
}
have=$(count_records "$BIG" "${S_TOKEN[$BIG_BY]}") || die "GET /api/v1/cases/$BIG/communications failed"
if [ "$have" -lt "$CHRONOLOGY_RECORDS" ]; then
  # One curl, one connection: a config file of POSTs, each its own record (an hour apart, SMS, outgoing).
  now=$(date +%s)
  for k in $(seq $((CHRONOLOGY_RECORDS - have))); do
    at=$(date -u -d "@$((now - 86400 - k * 3600))" +%Y-%m-%dT%H:%M:%SZ)
    printf 'url = "%s/api/v1/cases/%s/communications"\nheader = "Authorization: Bearer %s"\nheader = "Content-Type: application/json"\n' \
      "$URL" "$BIG" "${S_TOKEN[$BIG_BY]}"
    printf 'data = "{\\"channel\\":\\"sms\\",\\"direction\\":\\"outgoing\\",\\"occurred_at\\":\\"%s\\",\\"transcript\\":\\"Load test %d: see you Thursday at 4pm\\"}"\n' "$at" "$k"
    printf 'output = "/dev/null"\nwrite-out = "%%{http_code}\\n"\n'
    if [ "$k" -lt $((CHRONOLOGY_RECORDS - have)) ]; then echo next; fi
  done >"$WORK/pad.curl"
  bad=$(curl -s -K "$WORK/pad.curl" | grep -cv '^201$' || true)
  [ "$bad" = 0 ] || die "$bad of the POSTs filling the chronology case were not answered 201"
  have=$(count_records "$BIG" "${S_TOKEN[$BIG_BY]}") || die "GET /api/v1/cases/$BIG/communications failed"
fi
[ "$have" -ge "$CHRONOLOGY_RECORDS" ] || die "the chronology case has $have records, not $CHRONOLOGY_RECORDS"
echo "chronology case $BIG: $([ "$have" -gt 200 ] && echo "over 200" || echo "$have") records (recorded on by ${S_EMAIL[$BIG_BY]})"

# --- the Lua data file the wrk scripts read (LOAD_DATA) ----------------------------------------------
OCCURRED=$(TZ=Europe/London date -d '-1 hour' +%Y-%m-%dT%H:%M)   # the organisation's zone, an hour ago
{
  echo "-- Written by scripts/load.sh for this run's wrk scripts: staff signed in, their tokens and cases."
  echo "return {"
  echo "  occurred_at = \"$OCCURRED\","
  echo "  cookies = {"; for s in "${!S_EMAIL[@]}"; do echo "    \"${S_COOKIE[$s]}\","; done; echo "  },"
  echo "  tokens = {"; for s in "${!S_EMAIL[@]}"; do echo "    \"${S_TOKEN[$s]}\","; done; echo "  },"
  echo "  big = {"
  for s in "${!S_EMAIL[@]}"; do
    [[ " ${S_READ[$s]} " == *" $BIG "* ]] && echo "    { cookie = \"${S_COOKIE[$s]}\", case = \"$BIG\" },"
  done
  echo "  },"
  echo "  chronology = {"
  for s in "${!S_EMAIL[@]}"; do for c in ${S_READ[$s]}; do
    [ "$c" != "$BIG" ] && echo "    { cookie = \"${S_COOKIE[$s]}\", case = \"$c\" },"
  done; done
  echo "  },"
  echo "  record = {"
  for s in "${!S_EMAIL[@]}"; do for c in ${S_WRITE[$s]}; do
    echo "    { cookie = \"${S_COOKIE[$s]}\", csrf = \"${S_CSRF[$s]}\", case = \"$c\" },"
  done; done
  echo "  },"
  echo "  communications = {"
  for s in "${!S_EMAIL[@]}"; do for c in ${S_READ[$s]}; do
    echo "    { token = \"${S_TOKEN[$s]}\", case = \"$c\" },"
  done; done
  echo "  },"
  echo "}"
} >"$WORK/load-data.lua"
export LOAD_DATA=$WORK/load-data.lua

# --- the WhatsApp exports: 1,000 messages each, every file on days of its own -------------------------
IMPORTS=0
if [ "$IMPORT_EVERY" -gt 0 ] && [ -n "$IMP" ]; then
  IMPORTS=$((DUR_S / IMPORT_EVERY + 1))
  people=$(curl -sf -H "Authorization: Bearer ${S_TOKEN[$IMP_BY]}" "$URL/api/v1/cases/$IMP/people") || die "GET …/people failed"
  PERSON=$(json 'p = sorted(d, key=lambda p: p["role"] != "parent_carer"); print(p[0]["name"] if p else "")' <<<"$people")
  [ -n "$PERSON" ] || die "the import case $IMP has no people"
  # "Who is who": the worker is the member of staff importing, the other sender the case's parent or carer.
  IMPORT_MAP="${S_NAME[$IMP_BY]}=${S_EMAIL[$IMP_BY]}"$'\n'"$PERSON=$PERSON"
  python3 - "$WORK" "$IMPORTS" "${S_NAME[$IMP_BY]}" "$PERSON" <<'EOF'
import datetime, sys, time
work, files, worker, person = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
run = int(time.time())  # in the text too, so a file is new to the store even if the dates were used before
for k in range(files):
    start = datetime.datetime(2021, 1, 4, 8, 0) + datetime.timedelta(days=2 * k)  # 1,000 minutes: within two days
    with open(f"{work}/whatsapp-{k}.txt", "w", encoding="utf-8") as f:
        for i in range(1000):
            t = start + datetime.timedelta(minutes=i)
            who = worker if i % 2 == 0 else person
            f.write(f"{t:%d/%m/%Y, %H:%M} - {who}: Thanks, see you at the review meeting on Thursday ({run}-{k}-{i})\n")
EOF
  echo "import case $IMP: every ${IMPORT_EVERY}s a 1,000-message export by ${S_EMAIL[$IMP_BY]} with $PERSON"
elif [ "$IMPORT_EVERY" -gt 0 ]; then
  echo "no second case anyone signed in may record on: no imports (sign in more staff)"
fi

# Imports one after another, each starting IMPORT_EVERY seconds after the one before (or at once if that
# one took longer), until the window closes. One line per import: status, seconds, rows imported.
import_loop() {
  local k=0 end=$((SECONDS + DUR_S)) started port status
  while [ "$SECONDS" -lt "$end" ] && [ "$k" -lt "$IMPORTS" ]; do
    started=$(date +%s%N)
    port=${PORT_LIST[$((k % ${#PORT_LIST[@]}))]}
    status=$(curl -s -o "$WORK/import-$k.json" -w '%{http_code} %{time_total}' --max-time 300 \
      -H "Authorization: Bearer ${S_TOKEN[$IMP_BY]}" -F format=whatsapp -F "file=@$WORK/whatsapp-$k.txt;type=text/plain" \
      --form-string "map=$IMPORT_MAP" "http://127.0.0.1:$port/api/v1/cases/$IMP/imports" || true)
    imported=$(grep -o '"imported":[0-9]*' "$WORK/import-$k.json" 2>/dev/null | cut -d: -f2 || true)
    echo "$k ${status:-000 0} ${imported:-0}" >>"$WORK/imports.txt"
    k=$((k + 1))
    local rest=$(( IMPORT_EVERY * 1000 - ($(date +%s%N) - started) / 1000000 ))
    if [ "$rest" -gt 0 ]; then sleep "$(awk -v ms="$rest" 'BEGIN {printf "%.3f", ms / 1000}')"; fi
  done
}

# --- the echo alone, then the mix -------------------------------------------------------------------
# Connections for a route: its share of CONNECTIONS by MIX, at least one; what rounding leaves goes to
# the routes in order.
declare -A SHARE CONNS
total=0
for kv in $MIX; do SHARE[${kv%%=*}]=${kv#*=}; total=$((total + ${kv#*=})); done
ROUTES=(cases chronology record checks communications)
given=0
ACTIVE=()
for r in "${ROUTES[@]}"; do
  SHARE[$r]=${SHARE[$r]:-0}   # a route MIX leaves out (or gives 0) is not run: one route alone measures it
  [ "${SHARE[$r]}" -gt 0 ] || continue
  ACTIVE+=("$r")
  CONNS[$r]=$(( CONNECTIONS * SHARE[$r] / total )); [ "${CONNS[$r]}" -ge 1 ] || CONNS[$r]=1
  given=$((given + CONNS[$r]))
done
[ ${#ACTIVE[@]} -gt 0 ] || die "MIX gives no route a share"
i=0; while [ "$given" -lt "$CONNECTIONS" ]; do CONNS[${ACTIVE[$i]}]=$((CONNS[${ACTIVE[$i]}] + 1)); given=$((given + 1)); i=$(((i + 1) % ${#ACTIVE[@]})); done
ROUTES=("${ACTIVE[@]}")

ECHO_RPS=0 ECHO_ERR=0
if [ "$ECHO_S" -gt 0 ]; then
  # One wrk per server, the connections split between them; the rates add up.
  np=${#PORT_LIST[@]} pids=()
  for j in "${!PORT_LIST[@]}"; do
    c=$(( CONNECTIONS / np + (j < CONNECTIONS % np ? 1 : 0) ))
    $WRK -t1 -c"$c" -d"${ECHO_S}s" --timeout "$TIMEOUT" --latency -s scripts/wrk/echo.lua \
      "http://127.0.0.1:${PORT_LIST[$j]}/bench/echo" >"$WORK/wrk-echo-$j.out" 2>&1 &
    pids+=($!) BACKGROUND+=($!)
  done
  for p in "${pids[@]}"; do wait "$p" || true; done
  # Per server: "rate p50 p99 errors" (the percentiles as wrk writes them, with their units).
  ECHO_LINES=()
  for j in "${!PORT_LIST[@]}"; do
    ECHO_LINES+=("$(awk '/Requests\/sec/ {r = $2} /Non-2xx/ {e += $NF} /Socket errors/ {for (i = 4; i <= NF; i += 2) e += $i + 0}
      $1 == "50%" {p50 = $2} $1 == "99%" {p99 = $2} END {printf "%.0f %s %s %d\n", r, p50 ? p50 : "-", p99 ? p99 : "-", e}' "$WORK/wrk-echo-$j.out")")
  done
  for l in "${ECHO_LINES[@]}"; do read -r r _ _ e <<<"$l"; ECHO_RPS=$((ECHO_RPS + r)) ECHO_ERR=$((ECHO_ERR + e)); done
fi

echo "mixed run: ${DUR_S}s, $CONNECTIONS connections ($(for r in "${ROUTES[@]}"; do printf '%s %s, ' "$r" "${CONNS[$r]}"; done | sed 's/, $//'))"
declare -A PORT_OF
WRK_PIDS=()
j=0
for r in "${ROUTES[@]}"; do
  port=${PORT_LIST[$((j % ${#PORT_LIST[@]}))]}; PORT_OF[$r]=$port; j=$((j + 1))
  $WRK -t1 -c"${CONNS[$r]}" -d"${DUR_S}s" --timeout "$TIMEOUT" -s "scripts/wrk/load-$r.lua" \
    "http://127.0.0.1:$port/" >"$WORK/wrk-$r.out" 2>&1 &
  WRK_PIDS+=($!) BACKGROUND+=($!)
done
if [ "$IMPORTS" -gt 0 ]; then import_loop & IMPORT_PID=$!; BACKGROUND+=("$IMPORT_PID"); fi
for p in "${WRK_PIDS[@]}"; do wait "$p" || true; done
if [ "$IMPORTS" -gt 0 ]; then wait "$IMPORT_PID" || true; fi

# --- results ----------------------------------------------------------------------------------------
FAILED=0
declare -A LABEL=([cases]="GET  /cases" [chronology]="GET  /cases/{id}" [record]="POST /cases/{id}/record"
  [checks]="POST /api/v1/checks" [communications]="GET  /api/v1/cases/{id}/communications")
echo
printf '%-42s %5s %5s %8s %8s %9s %9s %7s %7s %7s\n' route conns port requests 'req/s' 'p50 ms' 'p99 ms' errors socket wrong
NOTES=()
for r in "${ROUTES[@]}"; do
  line=$(grep -m1 '^LOAD ' "$WORK/wrk-$r.out" || true)
  if [ -z "$line" ]; then
    printf '%-42s %5s %5s  wrk gave no result:\n' "${LABEL[$r]}" "${CONNS[$r]}" "${PORT_OF[$r]}"
    sed 's/^/    /' "$WORK/wrk-$r.out" | tail -n 5
    FAILED=1; continue
  fi
  declare -A F=()
  for kv in ${line%% sample=*}; do [[ $kv == *=* ]] && F[${kv%%=*}]=${kv#*=}; done
  sample=${line#* sample=}
  socket=$((F[connect] + F[read] + F[write] + F[timeout]))
  printf '%-42s %5s %5s %8s %8s %9s %9s %7s %7s %7s\n' "${LABEL[$r]}" "${CONNS[$r]}" "${PORT_OF[$r]}" "${F[requests]}" "${F[rps]}" \
    "${F[p50_ms]}" "${F[p99_ms]}" "${F[status_errors]}" "$socket" "${F[wrong]}"
  if [ "${F[status_errors]}" != 0 ] || [ "$socket" != 0 ] || [ "${F[wrong]}" != 0 ]; then
    FAILED=1
    NOTES+=("${LABEL[$r]}: statuses ${F[statuses]}; socket: connect ${F[connect]}, read ${F[read]}, write ${F[write]}, timeout ${F[timeout]}")
    [ "${F[statuses]}" != "-" ] && NOTES+=("    first: $sample")
  fi
  unset F
done
echo "errors: answers 400 and over (wrk's non-2xx/3xx); socket: connect, read, write errors and timeouts (over $TIMEOUT);"
echo "wrong: answers under 400 that were not the route's (a 303 to /login, a 200 where a 303 was due)"
for note in "${NOTES[@]}"; do echo "  $note"; done

echo
if [ "$IMPORTS" -gt 0 ]; then
  if [ -s "$WORK/imports.txt" ]; then
    read -r n p50 max fails < <(sort -g -k3,3 "$WORK/imports.txt" | awk '{t[NR] = $3; if ($2 != 200 || $4 != 1000) f++}
        END {printf "%d %.2f %.2f %d\n", NR, t[int((NR + 1) / 2)], t[NR], f}')
    echo "imports (POST /api/v1/cases/{id}/imports, 1,000 WhatsApp messages each, every ${IMPORT_EVERY}s at most):"
    echo "  $n imports, p50 ${p50}s, max ${max}s, failures $fails"
    while read -r k code t rows; do
      if [ "$code" != 200 ] || [ "$rows" != 1000 ]; then
        echo "  import $k: status $code after ${t}s, $rows rows imported: $(head -c 300 "$WORK/import-$k.json" 2>/dev/null | tr '\n' ' ')"
      fi
    done <"$WORK/imports.txt"
    [ "$fails" = 0 ] || FAILED=1
  else
    echo "imports: none finished"; FAILED=1
  fi
fi
if [ "$ECHO_S" -gt 0 ]; then
  echo "echo (POST /bench/echo alone, $CONNECTIONS connections, ${ECHO_S}s just before the mix): $ECHO_RPS req/s, errors $ECHO_ERR"
  for j in "${!PORT_LIST[@]}"; do
    read -r r p50 p99 _ <<<"${ECHO_LINES[$j]}"
    echo "  port ${PORT_LIST[$j]}: $r req/s, p50 $p50, p99 $p99"
  done
  [ "$ECHO_ERR" = 0 ] || FAILED=1
fi

# --- stop the servers; the audit chain must verify ---------------------------------------------------
echo
sleep 2   # the answers wrk stopped waiting for at the end of its run are still being made: let them finish
stop_servers
if "$BIN" audit verify; then :; else echo "audit verify FAILED"; FAILED=1; fi
[ "$FAILED" = 0 ] && echo "load profile passed" || { echo "load profile FAILED"; show_logs; }
exit "$FAILED"
