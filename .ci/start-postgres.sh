#!/usr/bin/env bash
# Starts a private PostgreSQL on 127.0.0.1:${PGPORT:-54329} and prints the DATABASE_URL for it.
# Uses the newest server installed from apt (Debian 12 ships 15). Used by .ci/run and by developers;
# stop it with .ci/stop-postgres.sh.
set -euo pipefail
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
PORT=${PGPORT:-54329}
PGD=${PGDIR:-/tmp/safecomms-pg}
if [ -z "$PGBIN" ] || [ ! -x "$PGBIN/initdb" ]; then
  echo "no PostgreSQL server is installed (apt-get install -y --no-install-recommends postgresql)" >&2
  exit 1
fi
mkdir -p "$PGD"
chown postgres: "$PGD"
if [ ! -f "$PGD/data/PG_VERSION" ]; then
  runuser -u postgres -- "$PGBIN/initdb" -D "$PGD/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
fi
if ! runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PGD/data" status >/dev/null 2>&1; then
  runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PGD/data" -l "$PGD/log" -o "-h 127.0.0.1 -p $PORT -k $PGD -c max_connections=500 -c fsync=off" -w start >/dev/null
fi
psql -h 127.0.0.1 -p "$PORT" -U postgres -tAc "SELECT 1 FROM pg_roles WHERE rolname='ci'" | grep -q 1 ||
  psql -h 127.0.0.1 -p "$PORT" -U postgres -qc "CREATE ROLE ci LOGIN PASSWORD 'ci'"
psql -h 127.0.0.1 -p "$PORT" -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname='safecomms_test'" | grep -q 1 ||
  psql -h 127.0.0.1 -p "$PORT" -U postgres -qc "CREATE DATABASE safecomms_test OWNER ci"
echo "postgres://ci:ci@127.0.0.1:$PORT/safecomms_test"
