#!/usr/bin/env bash
# A throwaway PostgreSQL cluster (Debian's postgresql, 15 or newer) for the tests: its own data
# directory, port and socket folder; fsync off (tests only); stopped by its data directory, never
# by a broad kill. As root the server runs as the `postgres` user (initdb refuses root).
#
#   source scripts/pg-test-cluster.sh     start one for this shell; exports RECEPTDISK_TEST_PG
#                                         (libpq-style "host=… port=… user=… password=…") and
#                                         RECEPTDISK_TEST_PG_CLUSTER (this script); stops it on exit
#   scripts/pg-test-cluster.sh run CMD…   the same around one command (cargo test -p review)
#   scripts/pg-test-cluster.sh init DIR PORT PASSWORD   a new cluster in DIR (empty), started
#   scripts/pg-test-cluster.sh start DIR | stop DIR [fast|immediate]   (tests stop one mid-batch)

_pg_bin() {
  local bin
  bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
  if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
    echo "pg-test-cluster: PostgreSQL server not installed (run scripts/setup.sh: apt package postgresql)" >&2
    return 1
  fi
  echo "$bin"
}

_pg_as() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

_pg_init() {  # DIR PORT PASSWORD
  local dir=$1 port=$2 pw=$3 bin
  bin=$(_pg_bin) || return 1
  mkdir -p "$dir"
  [ "$(id -u)" = 0 ] && chown postgres "$dir"
  printf '%s\n' "$pw" >"$dir/pw"
  [ "$(id -u)" = 0 ] && chown postgres "$dir/pw"
  _pg_as "$bin/initdb" -D "$dir/data" -A scram-sha-256 -U admin --pwfile="$dir/pw" >"$dir/initdb.log" 2>&1 \
    || { cat "$dir/initdb.log" >&2; return 1; }
  rm -f "$dir/pw"
  cat >>"$dir/data/postgresql.conf" <<CONF
port = $port
listen_addresses = '127.0.0.1'
unix_socket_directories = '$dir'
fsync = ${PG_TEST_FSYNC:-off}
full_page_writes = off
max_connections = 200
CONF
  _pg_start "$dir"
}

_pg_start() { local bin; bin=$(_pg_bin) || return 1; _pg_as "$bin/pg_ctl" -D "$1/data" -l "$1/log" -w -t 30 start >/dev/null; }
_pg_stop() { local bin; bin=$(_pg_bin) || return 1; _pg_as "$bin/pg_ctl" -D "$1/data" -m "${2:-fast}" -w stop >/dev/null; }

_pg_free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

_pg_shared_start() {
  RECEPTDISK_PG_DIR=$(mktemp -d /tmp/receptdisk-pg.XXXXXX)
  local port pw
  port=$(_pg_free_port)
  pw=$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')
  _pg_init "$RECEPTDISK_PG_DIR" "$port" "$pw" || return 1
  export RECEPTDISK_TEST_PG="host=127.0.0.1 port=$port user=admin password=$pw"
  export RECEPTDISK_TEST_PG_CLUSTER="$_PG_SCRIPT"
  echo "pg-test-cluster: PostgreSQL $(_pg_as "$(_pg_bin)/postgres" --version | awk '{print $3}') on 127.0.0.1:$port ($RECEPTDISK_PG_DIR)"
}

_pg_shared_stop() {
  if [ -n "${RECEPTDISK_PG_DIR:-}" ] && [ -d "$RECEPTDISK_PG_DIR/data" ]; then
    _pg_stop "$RECEPTDISK_PG_DIR" immediate 2>/dev/null || true
    rm -rf "$RECEPTDISK_PG_DIR"
  fi
}

_PG_SCRIPT=$(readlink -f "${BASH_SOURCE[0]}")

if [ "${BASH_SOURCE[0]}" != "$0" ]; then
  # Sourced: one cluster for this shell, stopped on exit after whatever EXIT trap was set before.
  _pg_shared_start || exit 1
  eval "set -- $(trap -p EXIT)"
  _PG_PREV_TRAP=${3:-}
  trap '_pg_shared_stop; eval "$_PG_PREV_TRAP"' EXIT
else
  set -euo pipefail
  case "${1:-}" in
    init) _pg_init "$2" "$3" "$4" ;;
    start) _pg_start "$2" ;;
    stop) _pg_stop "$2" "${3:-fast}" ;;
    run) shift; _pg_shared_start; trap _pg_shared_stop EXIT; "$@" ;;
    *) echo "usage: $0 init DIR PORT PASSWORD | start DIR | stop DIR [fast|immediate] | run CMD…" >&2; exit 2 ;;
  esac
fi
