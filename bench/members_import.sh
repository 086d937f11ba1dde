#!/usr/bin/env bash
# Benchmark of the union members import (issue 3). Not a test: it prints figures for
# bench/RESULTS.md.
#
#   bench/members_import.sh            # 1,000,000 rows
#   ROWS=100000 bench/members_import.sh
#
# 1. Generates a members .xlsx (valid, unique resident IDs and mobiles) plus the
#    enterprises and unions it refers to (crates/groundwork/examples/members_bench.rs).
# 2. Times `groundwork import members` into a fresh SQLite database (release build), with
#    /usr/bin/time -v for wall time and peak memory: validation, de-duplication, every
#    member logged in full in the hash-chained audit log (ten thousand to a batch entry),
#    one transaction, committed (with SQLite's checkpoint) before the process ends. Then
#    `groundwork audit verify` checks the log and every member against it (timed too).
# 3. Times the same into PostgreSQL (its COPY path) if a server answers at $PG_URL.
# 4. Times what a data clerk would otherwise use on the same file: pandas read_excel +
#    to_sql into SQLite (no validation, no de-duplication, no audit), installing pandas
#    and openpyxl with pip if they are missing.
# 5. Times member search by resident ID and by mobile in the million-member database,
#    through the store function the pages and the API use.
set -euo pipefail
cd "$(dirname "$0")/.."

ROWS=${ROWS:-1000000}
PG_URL=${PG_URL:-postgres://postgres@127.0.0.1:5432/postgres}
WORK=${WORK:-$(mktemp -d /tmp/gw-members-bench.XXXXXX)}
SEARCHES=${SEARCHES:-1000}
echo "work directory: $WORK"

echo "==> building (release)"
cargo build --release -q -p groundwork --bin groundwork --example members_bench
G=target/release/groundwork
B=target/release/examples/members_bench

echo "==> generating $ROWS members"
$B generate "$ROWS" "$WORK"
ls -l "$WORK/members.xlsx"

# Seconds from /usr/bin/time's "Elapsed (wall clock) time (h:mm:ss or m:ss): 1:02.34".
elapsed() { grep 'Elapsed (wall clock)' "$1" | awk -F': ' '{print $2}' | awk -F: '{ if (NF==3) print $1*3600+$2*60+$3; else print $1*60+$2 }'; }
peak_mb() { grep 'Maximum resident set size' "$1" | awk -F': ' '{printf "%.0f", $2/1024}'; }
rate() { awk -v n="$1" -v s="$2" 'BEGIN { printf "%.0f", n/s }'; }
cpu() { awk -F': ' '/User time/ {u=$2} /System time/ {s=$2} END {printf "%.1f", u+s}' "$1"; }

run_groundwork() { # DB_URL LABEL
  local db=$1 label=$2
  $G --db "$db" migrate >/dev/null
  $G --db "$db" import enterprises "$WORK/enterprises.csv" >/dev/null
  $G --db "$db" import unions "$WORK/unions.csv" >/dev/null
  echo "==> groundwork import members → $label"
  /usr/bin/time -v $G --db "$db" import members "$WORK/members.xlsx" --format json \
    >"$WORK/$label.json" 2>"$WORK/$label.time"
  cat "$WORK/$label.json" | head -c 200; echo
}

run_groundwork "sqlite://$WORK/bench.db" sqlite
GW_S=$(elapsed "$WORK/sqlite.time"); GW_MB=$(peak_mb "$WORK/sqlite.time"); GW_CPU=$(cpu "$WORK/sqlite.time")
echo "==> groundwork audit verify (SQLite)"
/usr/bin/time -v $G --db "sqlite://$WORK/bench.db" audit verify 2>"$WORK/verify.time" | tail -1
VERIFY_S=$(elapsed "$WORK/verify.time")

PG_LINE="PostgreSQL: not measured (no server at $PG_URL)"
if command -v psql >/dev/null && psql "$PG_URL" -qc 'SELECT 1' >/dev/null 2>&1; then
  psql "$PG_URL" -qc 'DROP DATABASE IF EXISTS gw_members_bench' -c 'CREATE DATABASE gw_members_bench' >/dev/null 2>&1
  PG_DB="${PG_URL%/*}/gw_members_bench"
  run_groundwork "$PG_DB" postgres
  PG_S=$(elapsed "$WORK/postgres.time")
  PG_LINE="PostgreSQL (COPY): $(rate "$ROWS" "$PG_S") rows/s, ${PG_S} s, client peak $(peak_mb "$WORK/postgres.time") MB"
fi

echo "==> pandas read_excel + to_sql (SQLite)"
python3 -c 'import pandas, openpyxl' 2>/dev/null || pip install -q pandas openpyxl
cat >"$WORK/clerk.py" <<'EOF'
import sqlite3, sys, time, json
import pandas as pd
path, db = sys.argv[1], sys.argv[2]
t0 = time.time()
df = pd.read_excel(path, dtype=str, engine="openpyxl")
t1 = time.time()
con = sqlite3.connect(db)
df.to_sql("members", con, index=False, if_exists="replace", chunksize=10000)
con.commit()
con.close()
t2 = time.time()
print(json.dumps({"rows": len(df), "read_excel_s": round(t1 - t0, 2), "to_sql_s": round(t2 - t1, 2)}))
EOF
/usr/bin/time -v python3 "$WORK/clerk.py" "$WORK/members.xlsx" "$WORK/pandas.db" >"$WORK/pandas.json" 2>"$WORK/pandas.time"
cat "$WORK/pandas.json"
PD_S=$(elapsed "$WORK/pandas.time"); PD_MB=$(peak_mb "$WORK/pandas.time")

echo "==> member search in the $ROWS-member SQLite database"
$B search "sqlite://$WORK/bench.db" "$SEARCHES" | tee "$WORK/search.txt"

echo
echo "================ members import, $ROWS rows ================"
echo "groundwork (SQLite): $(rate "$ROWS" "$GW_S") rows/s, ${GW_S} s wall, ${GW_CPU} s CPU, peak ${GW_MB} MB"
echo "audit verify afterwards: ${VERIFY_S} s"
echo "$PG_LINE"
echo "pandas read_excel + to_sql: $(rate "$ROWS" "$PD_S") rows/s, ${PD_S} s wall, peak ${PD_MB} MB"
echo "ratio (pandas time / groundwork time): $(awk -v a="$PD_S" -v b="$GW_S" 'BEGIN { printf "%.1f", a/b }')x"
cat "$WORK/search.txt"
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
