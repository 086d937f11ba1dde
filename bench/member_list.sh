#!/usr/bin/env bash
# Benchmark of the member list's pages (issue 14): the first page and pages deep in the
# list in every order, read by keyset (a cursor: the sort key of the row before), beside
# the same depth read by OFFSET as the list used to. Not a test: it prints figures for
# bench/RESULTS.md.
#
#   bench/member_list.sh               # 1,000,000 members, SQLite and PostgreSQL
#   ROWS=100000 PAGES=50 bench/member_list.sh
#
# The members are generated and imported as bench/members_import.sh does
# (crates/groundwork/examples/members_bench.rs); each figure is over PAGES reads at
# depths spread over the whole list, through the store function the page and the API
# use (a page of 50 with the count of all that match).
set -euo pipefail
cd "$(dirname "$0")/.."

ROWS=${ROWS:-1000000}
PAGES=${PAGES:-20}
PG_URL=${PG_URL:-postgres://postgres@127.0.0.1:5432/postgres}
WORK=${WORK:-$(mktemp -d /tmp/gw-list-bench.XXXXXX)}
T=${CARGO_TARGET_DIR:-target}
echo "work directory: $WORK"

echo "==> building (release)"
cargo build --release -q -p groundwork --bin groundwork --example members_bench
G=$T/release/groundwork
B=$T/release/examples/members_bench

echo "==> generating $ROWS members"
$B generate "$ROWS" "$WORK"

load() { # DB_URL
  $G --db "$1" migrate >/dev/null
  $G --db "$1" import enterprises "$WORK/enterprises.csv" >/dev/null
  $G --db "$1" import unions "$WORK/unions.csv" >/dev/null
  $G --db "$1" import members "$WORK/members.xlsx" --format json >/dev/null
}

echo "==> SQLite"
load "sqlite://$WORK/bench.db"
$B pages "sqlite://$WORK/bench.db" "$PAGES"

if command -v psql >/dev/null && psql "$PG_URL" -qc 'SELECT 1' >/dev/null 2>&1; then
  psql "$PG_URL" -qc 'DROP DATABASE IF EXISTS gw_list_bench' -c 'CREATE DATABASE gw_list_bench' >/dev/null
  PG_DB="${PG_URL%/*}/gw_list_bench"
  echo "==> PostgreSQL"
  load "$PG_DB"
  psql "$PG_DB" -qc 'ANALYZE' >/dev/null
  $B pages "$PG_DB" "$PAGES"
fi
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(date -u +%F)"
