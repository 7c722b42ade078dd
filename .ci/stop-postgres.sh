#!/usr/bin/env bash
# Stops the PostgreSQL that start-postgres.sh started (by its own data directory, never by name).
set -euo pipefail
PGD=${PGDIR:-/tmp/safecomms-pg}
runuser -u postgres -- /usr/lib/postgresql/15/bin/pg_ctl -D "$PGD/data" -m fast -w stop >/dev/null 2>&1 || true
