#!/usr/bin/env bash
# Benchmark of the participation lists (issue 10): how long the demo's services part and
# a participations import take. Not a test: it prints figures for bench/RESULTS.md.
#
#   bench/participations_import.sh
#
# 1. Builds the demo database (release build, SQLite): its 2019 services records hold
#    44,000+ participations, bulk-inserted with batch audit entries.
# 2. Exports every participation (`groundwork export participations`), the file a clerk
#    would fill for an online project, and imports it again (every row matched to the
#    member registry by resident ID, checked on its own thread, written a thousand to a
#    statement, logged as batch entries), timed with /usr/bin/time -v.
# 3. Verifies the audit log afterwards (timed too).
set -euo pipefail
cd "$(dirname "$0")/.."

WORK=${WORK:-$(mktemp -d /tmp/gw-participations-bench.XXXXXX)}
DB="sqlite://$WORK/demo.db"
echo "work directory: $WORK"

if [ -z "${G:-}" ]; then # G=target/debug/groundwork to try the script without a release build
  echo "==> building (release)"
  cargo build --release -q -p groundwork --bin groundwork
  G=target/release/groundwork
fi

elapsed() { grep 'Elapsed (wall clock)' "$1" | awk -F': ' '{print $2}' | awk -F: '{ if (NF==3) print $1*3600+$2*60+$3; else print $1*60+$2 }'; }
peak_mb() { grep 'Maximum resident set size' "$1" | awk -F': ' '{printf "%.0f", $2/1024}'; }

echo "==> demo (whole scenario)"
/usr/bin/time -v $G --db "$DB" demo --no-serve >/dev/null 2>"$WORK/demo.time"
echo "==> export participations"
ROWS=$($G --db "$DB" export participations --out "$WORK/p.xlsx" | grep -o '[0-9]\+' | head -1)
echo "==> import participations ($ROWS rows)"
/usr/bin/time -v $G --db "$DB" import participations "$WORK/p.xlsx" --format json \
  >"$WORK/import.json" 2>"$WORK/import.time"
head -c 200 "$WORK/import.json"; echo
echo "==> audit verify"
/usr/bin/time -v $G --db "$DB" audit verify 2>"$WORK/verify.time" | tail -1

S=$(elapsed "$WORK/import.time")
echo
echo "demo (all parts): $(elapsed "$WORK/demo.time") s"
echo "participations import: $ROWS rows in $S s ($(awk -v n="$ROWS" -v s="$S" 'BEGIN { printf "%.0f", n/s }') rows/s), peak $(peak_mb "$WORK/import.time") MB"
echo "audit verify: $(elapsed "$WORK/verify.time") s"
