#!/usr/bin/env bash
# A throwaway PostgreSQL on loopback for the test suite: `postgres.sh start` prints the URL, `postgres.sh stop`.
# Installs Debian's server when missing. The data lives in PGDATA (default under /tmp) and is wiped on start.
set -euo pipefail
PGVER=${PGVER:-15}
PGBIN=/usr/lib/postgresql/$PGVER/bin
PGDATA=${PGDATA:-/tmp/pixstore-test-pg}
PGPORT=${PGPORT:-54329}
as_pg() { (cd /tmp && runuser -u postgres -- "$@"); }

start() {
  if [ ! -x "$PGBIN/initdb" ]; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q >/dev/null
    apt-get install -y -q postgresql >/dev/null
  fi
  if [ -f "$PGDATA/postmaster.pid" ]; then as_pg "$PGBIN/pg_ctl" -D "$PGDATA" -m fast -w stop >/dev/null 2>&1 || true; fi
  rm -rf "$PGDATA" "$PGDATA.log"
  mkdir -p "$(dirname "$PGDATA")"
  as_pg "$PGBIN/initdb" -D "$PGDATA" -U postgres -E UTF8 --locale=C.UTF-8 --auth-local=trust \
    --auth-host=scram-sha-256 --no-sync >/dev/null
  as_pg "$PGBIN/pg_ctl" -D "$PGDATA" -l "$PGDATA.log" -w -t 30 start \
    -o "-p $PGPORT -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" >/dev/null
  as_pg psql -h /tmp -p "$PGPORT" -U postgres -v ON_ERROR_STOP=1 -q \
    -c "CREATE ROLE pixstore LOGIN PASSWORD 'pixstore_test'" -c "CREATE DATABASE pixstore_test OWNER pixstore" >/dev/null
  echo "postgres://pixstore:pixstore_test@127.0.0.1:$PGPORT/pixstore_test"
}

stop() {
  if [ -f "$PGDATA/postmaster.pid" ]; then as_pg "$PGBIN/pg_ctl" -D "$PGDATA" -m fast -w stop >/dev/null 2>&1 || true; fi
  rm -rf "$PGDATA" "$PGDATA.log"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
