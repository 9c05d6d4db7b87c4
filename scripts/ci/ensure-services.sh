#!/usr/bin/env bash
# Starts PostgreSQL on 127.0.0.1:5432 when it is installed here but not running. The
# tests create their own databases and schemas inside it.
set -euo pipefail

if pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null; then
  echo "PostgreSQL is ready on 127.0.0.1:5432"
  exit 0
fi

if command -v pg_ctlcluster >/dev/null 2>&1 && [ -d /etc/postgresql ]; then
  version=$(ls /etc/postgresql | sort -V | tail -n 1)
  echo "Starting PostgreSQL $version"
  pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
fi

for _ in $(seq 1 30); do
  if pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null; then
    echo "PostgreSQL is ready on 127.0.0.1:5432"
    exit 0
  fi
  sleep 1
done

echo "PostgreSQL is not reachable on 127.0.0.1:5432. Start it, or set KEYROUTE_TEST_DATABASE_URL to one that is." >&2
exit 1
