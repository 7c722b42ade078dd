#!/usr/bin/env bash
# A bounded Schemathesis pass over every operation of /openapi.yaml, as two roles (a practitioner, who
# holds cases, and an administrator, who runs the directory), against `safecomms serve --demo` on a
# fresh SQLite store. Fails on any answer of 500 or more, and on any status code, content type or body
# the document does not describe.
#
#   .ci/schemathesis.sh [SAFECOMMS_BINARY]      (default .build/debug/safecomms)
#
# Needs schemathesis from PyPI on PATH (or SCHEMATHESIS=path/to/schemathesis). MAX_EXAMPLES bounds the
# cases generated per operation and phase (default 30).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${1:-.build/debug/safecomms}
ST=${SCHEMATHESIS:-schemathesis}
case "$ST" in */*) ST=$(realpath "$ST") ;; esac
MAX_EXAMPLES=${MAX_EXAMPLES:-30}
DATA=$(mktemp -d /tmp/safecomms-schemathesis-XXXXXX)
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
export SAFECOMMS_DATA=$DATA/data SAFECOMMS_BCRYPT_COST=4 LOG_LEVEL=warning
unset DATABASE_URL
"$BIN" serve --demo --hostname 127.0.0.1 --port "$PORT" > "$DATA/serve.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true; wait $SERVER 2>/dev/null || true; rm -rf "$DATA"' EXIT
for _ in $(seq 1 300); do
  curl -fs "http://127.0.0.1:$PORT/readyz" > /dev/null 2>&1 && break
  kill -0 $SERVER 2> /dev/null || { cat "$DATA/serve.log"; exit 1; }
  sleep 0.2
done

# The ids each role's requests use for path parameters: real ones from the demo, so the generated
# bodies reach the handlers instead of stopping at 404.
ids() {
  python3 - "$1" "$2" "http://127.0.0.1:$PORT" <<'PY'
import json, sys, urllib.request
role, token, base = sys.argv[1:]
def get(path):
    req = urllib.request.Request(base + path, headers={"Authorization": "Bearer " + token})
    return json.load(urllib.request.urlopen(req))
me = get("/api/v1/me")
params = {"staffID": me["staff"]["id"]}
if role == "practitioner":
    cases = get("/api/v1/cases")
    case = next(c for c in cases if get(f"/api/v1/cases/{c['id']}/communications")["items"])
    params["caseID"] = case["id"]
    params["recordID"] = get(f"/api/v1/cases/{case['id']}/communications")["items"][0]["id"]
else:
    params["staffID"] = next(s["id"] for s in get("/api/v1/staff") if "practitioner" in s["roles"])
    params["deviceID"] = get("/api/v1/devices")[0]["id"]
print("[parameters]")
for k, v in params.items():
    print(f'"path.{k}" = "{v}"')
PY
}

status=0
for who in practitioner:priya.shah admin:alex.morgan; do
  role=${who%%:*} email=${who#*:}@northbridge.example.gov.uk
  token=$("$BIN" users token "$email" | tail -n 1)
  ids "$role" "$token" > "$DATA/$role.toml"
  echo "--- as $email ($role): $(tr '\n' ' ' < "$DATA/$role.toml")"
  # Run from the scratch folder: Schemathesis keeps a cache in the current directory. One worker:
  # with two, CPython's compiler once failed inside Schemathesis itself ("AST constructor recursion
  # depth mismatch", a thread-safety fault), which is no finding about this API.
  (cd "$DATA" && "$ST" --config-file "$DATA/$role.toml" run "http://127.0.0.1:$PORT/openapi.yaml" \
    --header "Authorization: Bearer $token" \
    --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance \
    --phases examples,coverage,fuzzing --max-examples "$MAX_EXAMPLES" --workers 1 --request-timeout 20 \
    --suppress-health-check all --seed 1) || status=1
done
if grep -qiE "fatal|panic" "$DATA/serve.log"; then
  echo "the server logged a crash:"; grep -iE "fatal|panic" "$DATA/serve.log" | head; status=1
fi
exit $status
