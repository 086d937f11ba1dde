#!/usr/bin/env bash
# Benchmark of `groundwork audit verify` (issue 14): wall time and peak memory of a full
# run and of a plain (incremental) run over a database of a million members. Not a test:
# it prints figures for bench/RESULTS.md.
#
#   bench/audit_verify.sh                      # 1,000,000 members, SQLite
#   ROWS=100000 bench/audit_verify.sh
#   DB_URL=postgres://postgres@127.0.0.1:5432/gw_verify_bench bench/audit_verify.sh
#
# 1. Generates the members (crates/groundwork/examples/members_bench.rs, as
#    bench/members_import.sh does) and imports them with `groundwork import members`:
#    every member logged in the hash-chained audit log, ten thousand to a batch entry.
# 2. `audit verify --full`: the whole chain, every member against its line of the log.
# 3. A plain `audit verify` right after: the verified entry is still there, nothing since.
# 4. One more change (a user added), then a plain `audit verify`: one entry, one record.
# Each run under /usr/bin/time -v: wall time and peak resident memory.
set -euo pipefail
cd "$(dirname "$0")/.."

ROWS=${ROWS:-1000000}
WORK=${WORK:-$(mktemp -d /tmp/gw-verify-bench.XXXXXX)}
DB_URL=${DB_URL:-sqlite://$WORK/bench.db}
T=${CARGO_TARGET_DIR:-target}
echo "work directory: $WORK"

echo "==> building (release)"
cargo build --release -q -p groundwork --bin groundwork --example members_bench
G=$T/release/groundwork
B=$T/release/examples/members_bench

if [[ $DB_URL == postgres* ]]; then
  psql "${DB_URL%/*}/postgres" -qc "DROP DATABASE IF EXISTS ${DB_URL##*/}" \
    -c "CREATE DATABASE ${DB_URL##*/}" >/dev/null
fi

echo "==> generating and importing $ROWS members"
$B generate "$ROWS" "$WORK"
$G --db "$DB_URL" migrate >/dev/null
$G --db "$DB_URL" import enterprises "$WORK/enterprises.csv" >/dev/null
$G --db "$DB_URL" import unions "$WORK/unions.csv" >/dev/null
$G --db "$DB_URL" import members "$WORK/members.xlsx" --format json | head -c 200; echo

# Seconds from /usr/bin/time's "Elapsed (wall clock) time (h:mm:ss or m:ss): 1:02.34".
elapsed() { grep 'Elapsed (wall clock)' "$1" | awk -F': ' '{print $2}' | awk -F: '{ if (NF==3) print $1*3600+$2*60+$3; else print $1*60+$2 }'; }
peak_mb() { grep 'Maximum resident set size' "$1" | awk -F': ' '{printf "%.0f", $2/1024}'; }

RESULTS=()
timed() { # LABEL ARGS…
  local label=$1; shift
  echo "==> audit verify $* ($label)"
  /usr/bin/time -v "$G" --db "$DB_URL" audit verify "$@" >"$WORK/$label.out" 2>"$WORK/$label.time" || true
  cat "$WORK/$label.out"
  RESULTS+=("$label: $(elapsed "$WORK/$label.time") s wall, peak $(peak_mb "$WORK/$label.time") MB — $(tail -1 "$WORK/$label.out")")
}

timed full --full
timed plain-nothing-new
$G --db "$DB_URL" user add bench-inspector --role inspector --password secret-12345 >/dev/null
timed plain-one-change

echo
echo "================ audit verify, $ROWS members ($DB_URL) ================"
printf '%s\n' "${RESULTS[@]}"
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(. /etc/os-release && echo "$PRETTY_NAME")"
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
