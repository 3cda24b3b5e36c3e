#!/usr/bin/env bash
# Start a throw-away PostgreSQL cluster on loopback for the test suite, installing Debian's
# postgresql package first if the server binaries are missing.
#   scripts/postgres.sh start   -> prints the database URL on stdout
#   scripts/postgres.sh stop
set -euo pipefail
PGPORT="${EXPORTPILOT_PG_PORT:-55432}"
PGDATA="${EXPORTPILOT_PG_DATA:-/tmp/exportpilot-pg-$PGPORT}"

find_bindir() {
  local d
  for d in /usr/lib/postgresql/*/bin; do
    if [ -x "$d/initdb" ]; then echo "$d"; return 0; fi
  done
  return 1
}

as_pg() {
  if [ "$(id -u)" = "0" ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "${1:-start}" in
  start)
    if ! BIN="$(find_bindir)"; then
      echo "installing PostgreSQL from Debian's packages..." >&2
      export DEBIAN_FRONTEND=noninteractive
      apt-get update -qq >&2
      apt-get install -y -qq postgresql >&2
      BIN="$(find_bindir)"
    fi
    if [ ! -f "$PGDATA/PG_VERSION" ]; then
      mkdir -p "$PGDATA"
      [ "$(id -u)" = "0" ] && chown postgres:postgres "$PGDATA"
      as_pg "$BIN/initdb" -D "$PGDATA" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >&2
    fi
    if ! as_pg "$BIN/pg_ctl" -D "$PGDATA" status >/dev/null 2>&1; then
      as_pg "$BIN/pg_ctl" -D "$PGDATA" -w -t 60 -l "$PGDATA/server.log" \
        -o "-h 127.0.0.1 -p $PGPORT -k /tmp -c fsync=off -c full_page_writes=off" start >&2
    fi
    echo "postgresql+psycopg://postgres@127.0.0.1:$PGPORT/postgres"
    ;;
  stop)
    BIN="$(find_bindir)"
    as_pg "$BIN/pg_ctl" -D "$PGDATA" -m fast stop >&2 || true
    ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
