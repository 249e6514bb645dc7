# Sourced by .ci/run: a throwaway PostgreSQL cluster for the cross-check of PGlite against a real
# server (scripts/cli/crosscheck.test.ts). It belongs to this run only: its own directory, a free
# port on 127.0.0.1, trust authentication, its socket in its own directory. It is stopped and
# removed when the run ends, however it ends (the trap below).
#
# Settings: wal_level=logical and max_prepared_transactions=10 are what the CDC patterns and
# two-phase commit need; fsync and synchronous_commit are off because nothing here must survive
# a crash, and each commit would otherwise wait on the disk.

lab_pg_bin() {
  # Debian's layout: /usr/lib/postgresql/<major>/bin; the newest installed major wins.
  ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1
}

lab_pg_install() {
  if [ -n "$(lab_pg_bin)" ] && [ -x "$(lab_pg_bin)/initdb" ]; then return; fi
  if [ "$(id -u)" != 0 ]; then
    echo "ci: PostgreSQL is not installed and this is not root: apt-get install postgresql first" >&2
    return 1
  fi
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y postgresql
}

# Runs a server binary as the owner of the cluster: postgres when we are root (initdb refuses root).
lab_pg_as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

lab_pg_free_port() {
  node -e "const s = require('node:net').createServer(); s.listen(0, '127.0.0.1', () => { console.log(s.address().port); s.close(); })"
}

lab_pg_stop() {
  if [ -n "${LAB_PG_DIR:-}" ] && [ -d "$LAB_PG_DIR" ]; then
    if [ -f "$LAB_PG_DIR/data/postmaster.pid" ]; then
      lab_pg_as_owner "$(lab_pg_bin)/pg_ctl" -D "$LAB_PG_DIR/data" -m immediate -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$LAB_PG_DIR"
  fi
}

lab_pg_start() {
  local bin port
  bin="$(lab_pg_bin)"
  port="$(lab_pg_free_port)"
  LAB_PG_DIR="$(mktemp -d /tmp/lab-ci-postgres.XXXXXX)"
  trap lab_pg_stop EXIT
  if [ "$(id -u)" = 0 ]; then chown postgres: "$LAB_PG_DIR"; fi
  lab_pg_as_owner "$bin/initdb" -D "$LAB_PG_DIR/data" -A trust -U lab --no-sync >"$LAB_PG_DIR/initdb.log" 2>&1 \
    || { cat "$LAB_PG_DIR/initdb.log" >&2; return 1; }
  lab_pg_as_owner "$bin/pg_ctl" -D "$LAB_PG_DIR/data" -l "$LAB_PG_DIR/server.log" -w -t 60 start \
    -o "-p $port -k $LAB_PG_DIR -c listen_addresses=127.0.0.1 -c wal_level=logical -c max_prepared_transactions=10 -c fsync=off -c synchronous_commit=off" >/dev/null \
    || { cat "$LAB_PG_DIR/server.log" >&2; return 1; }
  "$bin/createdb" -h 127.0.0.1 -p "$port" -U lab lab
  export LAB_DATABASE_URL="postgres://lab@127.0.0.1:$port/lab"
  echo "ci: PostgreSQL $("$bin/postgres" --version | awk '{print $3}') for the cross-check at $LAB_DATABASE_URL"
}
