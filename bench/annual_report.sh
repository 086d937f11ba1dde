#!/usr/bin/env bash
# Benchmark of the annual report (issue 11): "over 1,000,000 members, 100,000 households
# and a year of activity records in under 1 s on SQLite and on PostgreSQL". Not a test:
# it prints figures for bench/RESULTS.md.
#
#   bench/annual_report.sh                          # the issue's sizes
#   MEMBERS=100000 HOUSEHOLDS=10000 bench/annual_report.sh
#
# Sizes (environment): MEMBERS (1,000,000), HOUSEHOLDS (100,000), ENTERPRISES (10,000),
# PROJECTS (200), ACTIVITIES (3,000), PARTICIPATIONS (500,000); RUNS (5), YEAR (2019).
# REUSE=1 WORK=/tmp/gw-annual-bench.XXXX times the databases of an earlier run again
# (after applying any new migration and ANALYZE) instead of filling new ones.
#
# 1. Builds the release binary and crates/groundwork/examples/annual_bench.rs.
# 2. Migrates a fresh SQLite database and a fresh PostgreSQL database (gw_annual_bench,
#    dropped first) with `groundwork migrate`, fills both with the example's bulk SQL
#    (unaudited rows: a database for measuring, not for keeping), then ANALYZE.
# 3. Times `groundwork report annual --year $YEAR --format json` RUNS times on each
#    (wall time of the whole process, start-up and connection included): median and max.
#    Prints the JSON once so the figures can be checked, and the time of each area's
#    year figures measured in-process (annual_bench time).
set -euo pipefail
cd "$(dirname "$0")/.."

export MEMBERS=${MEMBERS:-1000000}
export HOUSEHOLDS=${HOUSEHOLDS:-100000}
export ENTERPRISES=${ENTERPRISES:-10000}
export PROJECTS=${PROJECTS:-200}
export ACTIVITIES=${ACTIVITIES:-3000}
export PARTICIPATIONS=${PARTICIPATIONS:-500000}
RUNS=${RUNS:-5}
REUSE=${REUSE:-}
YEAR=${YEAR:-2019}
PG_URL=${PG_URL:-postgres://postgres@127.0.0.1:5432/postgres}
PG_DB_NAME=${PG_DB_NAME:-gw_annual_bench}
WORK=${WORK:-$(mktemp -d /tmp/gw-annual-bench.XXXXXX)}
mkdir -p "$WORK"
echo "work directory: $WORK"

echo "==> building (release)"
cargo build --release -q -p groundwork --bin groundwork --example annual_bench
G=target/release/groundwork
B=target/release/examples/annual_bench

# Milliseconds of wall time of one report, process start included.
one_run() { # DB_URL
  local t0 t1
  t0=$(date +%s%N)
  "$G" --db "$1" report annual --year "$YEAR" --format json >/dev/null
  t1=$(date +%s%N)
  echo $(( (t1 - t0) / 1000000 ))
}

SUMMARY="$WORK/summary"
: >"$SUMMARY"
bench_backend() { # DB_URL LABEL
  local db=$1 label=$2
  if [ -z "$REUSE" ]; then
    echo "==> $label: migrate"
    "$G" --db "$db" migrate >/dev/null
    echo "==> $label: fill (MEMBERS=$MEMBERS HOUSEHOLDS=$HOUSEHOLDS ENTERPRISES=$ENTERPRISES ACTIVITIES=$ACTIVITIES PARTICIPATIONS=$PARTICIPATIONS)"
    "$B" fill "$db"
  else
    echo "==> $label: reusing the filled database (migrations not yet applied run now)"
    "$G" --db "$db" migrate >/dev/null
  fi
  "$B" analyze "$db"
  echo "==> $label: the report once (JSON)"
  "$G" --db "$db" report annual --year "$YEAR" --format json | tee "$WORK/$label.json"
  echo
  echo "==> $label: $RUNS timed runs of report annual --year $YEAR --format json"
  local times=()
  for _ in $(seq 1 "$RUNS"); do
    times+=("$(one_run "$db")")
  done
  local sorted median max
  sorted=$(printf '%s\n' "${times[@]}" | sort -n)
  median=$(echo "$sorted" | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  max=$(echo "$sorted" | tail -1)
  echo "    runs (ms): ${times[*]}"
  printf '%-11s median %5d ms   max %5d ms   (%s runs, process start included)\n' \
    "$label" "$median" "$max" "$RUNS" | tee -a "$SUMMARY"
  echo "==> $label: each area's year figures, in-process"
  "$B" time "$db" "$YEAR" "$RUNS" | tee "$WORK/$label.parts"
}

[ -z "$REUSE" ] && rm -f "$WORK/annual.db" "$WORK/annual.db-wal" "$WORK/annual.db-shm"
bench_backend "sqlite://$WORK/annual.db" sqlite

if command -v psql >/dev/null && psql "$PG_URL" -qc 'SELECT 1' >/dev/null 2>&1; then
  [ -z "$REUSE" ] && psql "$PG_URL" -qc "DROP DATABASE IF EXISTS $PG_DB_NAME" -c "CREATE DATABASE $PG_DB_NAME" >/dev/null
  bench_backend "${PG_URL%/*}/$PG_DB_NAME" postgres
else
  echo "postgres    not measured (no server at $PG_URL)" | tee -a "$SUMMARY"
fi

echo
echo "================ annual report, year $YEAR ================"
echo "members $MEMBERS, households $HOUSEHOLDS, enterprises $ENTERPRISES, projects $PROJECTS,"
echo "activities $ACTIVITIES, participations $PARTICIPATIONS"
cat "$SUMMARY"
echo "machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name:[[:space:]]*//p'), $(date -u +%Y-%m-%d)"
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
