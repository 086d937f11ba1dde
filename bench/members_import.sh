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
# 3b. Beside each real import, in the same run and on the same file, the floor
#    (crates/groundwork/examples/import_floor.rs): the same sheet reader (the guard, then
#    calamine) and bare bulk inserts into the same table with no check and no audit, into
#    a fresh database of the same unions; prints both, their peak memory and the ratio
#    (issue 14 aims for at most 1.5x the floor).
# 4. Times what a data clerk would otherwise use on the same file: pandas read_excel +
#    to_sql into SQLite (no validation, no de-duplication, no audit), installing pandas
#    and openpyxl with pip if they are missing.
# 5. Times member search by resident ID and by mobile in the million-member database,
#    through the store function the pages and the API use.
set -euo pipefail
cd "$(dirname "$0")/.."

ROWS=${ROWS:-1000000}
# NO_PANDAS=1 skips the pandas comparison (95 s); KEEP_PG=1 keeps gw_members_bench.
PG_URL=${PG_URL:-postgres://postgres@127.0.0.1:5432/postgres}
WORK=${WORK:-$(mktemp -d /tmp/gw-members-bench.XXXXXX)}
SEARCHES=${SEARCHES:-1000}
echo "work directory: $WORK"

echo "==> building (release)"
cargo build --release -q -p groundwork --bin groundwork --example members_bench --example import_floor
T=${CARGO_TARGET_DIR:-target}
G=$T/release/groundwork
B=$T/release/examples/members_bench
F=$T/release/examples/import_floor

echo "==> generating $ROWS members"
$B generate "$ROWS" "$WORK"
ls -l "$WORK/members.xlsx"

# Seconds from /usr/bin/time's "Elapsed (wall clock) time (h:mm:ss or m:ss): 1:02.34".
elapsed() { grep 'Elapsed (wall clock)' "$1" | awk -F': ' '{print $2}' | awk -F: '{ if (NF==3) print $1*3600+$2*60+$3; else print $1*60+$2 }'; }
peak_mb() { grep 'Maximum resident set size' "$1" | awk -F': ' '{printf "%.0f", $2/1024}'; }
rate() { awk -v n="$1" -v s="$2" 'BEGIN { printf "%.0f", n/s }'; }
cpu() { awk -F': ' '/User time/ {u=$2} /System time/ {s=$2} END {printf "%.1f", u+s}' "$1"; }

prepare_db() { # DB_URL: migrated, with the file's enterprises and unions
  $G --db "$1" migrate >/dev/null
  $G --db "$1" import enterprises "$WORK/enterprises.csv" >/dev/null
  $G --db "$1" import unions "$WORK/unions.csv" >/dev/null
}

run_floor() { # DB_URL LABEL
  local db=$1 label=$2
  prepare_db "$db"
  echo "==> floor: read + bare inserts → $label"
  /usr/bin/time -v $F "$db" "$WORK/members.xlsx" >"$WORK/$label.json" 2>"$WORK/$label.time"
  cat "$WORK/$label.json"
}

run_groundwork() { # DB_URL LABEL
  local db=$1 label=$2
  prepare_db "$db"
  echo "==> groundwork import members → $label"
  /usr/bin/time -v $G --db "$db" import members "$WORK/members.xlsx" --format json \
    >"$WORK/$label.json" 2>"$WORK/$label.time"
  cat "$WORK/$label.json" | head -c 200; echo
}

# "label: N rows/s, S s wall, C s CPU, peak M MB" from a /usr/bin/time -v file.
line() { # LABEL TIMEFILE
  local s; s=$(elapsed "$2")
  echo "$1: $(rate "$ROWS" "$s") rows/s, ${s} s wall, $(cpu "$2") s CPU, peak $(peak_mb "$2") MB"
}
ratio() { awk -v a="$(elapsed "$1")" -v b="$(elapsed "$2")" 'BEGIN { printf "%.2f", a/b }'; }

run_floor "sqlite://$WORK/floor.db" sqlite-floor
run_groundwork "sqlite://$WORK/bench.db" sqlite
GW_S=$(elapsed "$WORK/sqlite.time")
SQLITE_LINES="$(line 'floor (SQLite)' "$WORK/sqlite-floor.time")
$(line 'groundwork (SQLite)' "$WORK/sqlite.time")
ratio import/floor (SQLite): $(ratio "$WORK/sqlite.time" "$WORK/sqlite-floor.time")x"
echo "==> groundwork audit verify (SQLite)"
/usr/bin/time -v $G --db "sqlite://$WORK/bench.db" audit verify 2>"$WORK/verify.time" | tail -1
VERIFY_S=$(elapsed "$WORK/verify.time")

PG_LINE="PostgreSQL: not measured (no server at $PG_URL)"
if command -v psql >/dev/null && psql "$PG_URL" -qc 'SELECT 1' >/dev/null 2>&1; then
  for d in gw_members_floor gw_members_bench; do
    psql "$PG_URL" -qc "DROP DATABASE IF EXISTS $d" -c "CREATE DATABASE $d" >/dev/null 2>&1
  done
  run_floor "${PG_URL%/*}/gw_members_floor" postgres-floor
  run_groundwork "${PG_URL%/*}/gw_members_bench" postgres
  PG_LINE="$(line 'floor (PostgreSQL, client)' "$WORK/postgres-floor.time")
$(line 'groundwork (PostgreSQL COPY, client)' "$WORK/postgres.time")
ratio import/floor (PostgreSQL): $(ratio "$WORK/postgres.time" "$WORK/postgres-floor.time")x"
  [ -n "${KEEP_PG:-}" ] || psql "$PG_URL" -qc 'DROP DATABASE gw_members_floor' >/dev/null
fi

if [ -n "${NO_PANDAS:-}" ]; then PD_S=0; PD_MB=0; else
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
fi

echo "==> member search in the $ROWS-member SQLite database"
$B search "sqlite://$WORK/bench.db" "$SEARCHES" | tee "$WORK/search.txt"

echo
echo "================ members import, $ROWS rows ================"
echo "$SQLITE_LINES"
echo "audit verify afterwards: ${VERIFY_S} s"
echo "$PG_LINE"
if [ "$PD_S" != 0 ]; then
  echo "pandas read_excel + to_sql: $(rate "$ROWS" "$PD_S") rows/s, ${PD_S} s wall, peak ${PD_MB} MB"
  echo "ratio (pandas time / groundwork time): $(awk -v a="$PD_S" -v b="$GW_S" 'BEGIN { printf "%.1f", a/b }')x"
fi
cat "$WORK/search.txt"
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
