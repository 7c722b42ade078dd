#!/usr/bin/env bash
# Stops the PostgreSQL that start-postgres.sh started (by its own data directory, never by name).
set -euo pipefail
PGD=${PGDIR:-/tmp/safecomms-pg}
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -n "$PGBIN" ] || exit 0
runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PGD/data" -m fast -w stop >/dev/null 2>&1 || true
