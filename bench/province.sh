#!/usr/bin/env bash
# The province (issue 14): a PostgreSQL database of 20,000,000 members over 20,000 unions,
# served by the release binary, and the reads people wait for timed through HTTP. Not a
# test: it prints figures for bench/RESULTS.md.
#
#   bench/province.sh                     # generate, audit, serve, time, drop
#   GENERATE_ONLY=1 bench/province.sh     # generate and write the audit log, keep it
#   REUSE=1 KEEP=1 bench/province.sh      # time again on the database kept last time
#   NO_BUILD=1 …                          # use the release binaries already built
#   TOWNSHIPS=90 …                        # the unions over 90 townships (a generated list)
#   MEMBERS=2000000 ENTERPRISES=2800 bench/province.sh   # a smaller province
#
# 1. `annual_bench fill` (crates/groundwork/examples/annual_bench.rs) generates the data
#    inside PostgreSQL with INSERT … SELECT generate_series: MEMBERS members (valid
#    resident IDs with their check character, unique mobiles, join dates 2015–2020, 5 %
#    left) over ENTERPRISES enterprises, five in seven with a union of their own (28,000
#    → 20,000 enterprise unions, plus 280 joint unions), a federation per township
#    (Jiande's 16, or TOWNSHIPS generated ones the server is told of through
#    GROUNDWORK_TOWNSHIPS), and the rest of the annual report's records at annual_bench's
#    default sizes. Then ANALYZE.
# 2. `groundwork serve` (release) on the database; an administrator logs in; each read is
#    timed RUNS times with curl (time to the last byte): member search by resident ID and
#    by mobile (the page `/union/members?q=` and the API `/api/v1/union/members?q=`), the
#    member list's first page and a page from a cursor in the middle of the list in each
#    order, the dashboard `/union/`, a township page, `/union/ranking` (each as served
#    from the kept figures, then COLD times each right after a change, computed afresh);
#    then `groundwork report annual --year 2019 --format json` (process start included).
# 3. Unless AUDIT=0, `province_bench audit` writes (right after generating) the audit
#    log the application would have written (members in batch entries of ten thousand,
#    everything else one entry per record), and at the end
#    `groundwork audit verify --full` is timed over it.
# 4. The database is dropped at the end unless KEEP=1.
set -euo pipefail
cd "$(dirname "$0")/.."

PG_URL=${PG_URL:-postgres://postgres@127.0.0.1:5432/postgres}
NAME=${NAME:-gw_province}
DB="${PG_URL%/*}/$NAME"
RUNS=${RUNS:-50}
PORT=${PORT:-18614}
export MEMBERS=${MEMBERS:-20000000} ENTERPRISES=${ENTERPRISES:-28000}
WORK=${WORK:-$(mktemp -d /tmp/gw-province.XXXXXX)}
# TOWNSHIPS=90: the province's townships, listed in a file the generator, the server and
# the report all read (GROUNDWORK_TOWNSHIPS); Jiande's 16 otherwise.
TOWNSHIPS=${TOWNSHIPS:-16}
if [ "$TOWNSHIPS" != 16 ]; then
  export GROUNDWORK_TOWNSHIPS="$WORK/townships.csv"
  for i in $(seq 1 "$TOWNSHIPS"); do printf '3301%05d,第%02d镇\n' "$i" "$i"; done >"$GROUNDWORK_TOWNSHIPS"
fi
T=${CARGO_TARGET_DIR:-target}
echo "work directory: $WORK"

if [ -z "${NO_BUILD:-}" ]; then
  echo "==> building (release)"
  cargo build --release -q -p groundwork --bin groundwork --example annual_bench --example province_bench
fi
G=$T/release/groundwork
A=$T/release/examples/annual_bench
P=$T/release/examples/province_bench

secs() { /usr/bin/time -f %e -o "$WORK/t" "$@" >/dev/null && cat "$WORK/t"; }

if [ -z "${REUSE:-}" ]; then
  psql "$PG_URL" -qc "DROP DATABASE IF EXISTS $NAME" -c "CREATE DATABASE $NAME" >/dev/null
  $G --db "$DB" migrate >/dev/null
  echo "==> generating $MEMBERS members over $ENTERPRISES enterprises"
  echo "generate: $(secs $A fill "$DB") s"
  echo "analyze: $(secs $A analyze "$DB") s"
  $G --db "$DB" user add bench-admin --role admin --password bench-12345 >/dev/null
  if [ "${AUDIT:-1}" != 0 ]; then
    echo "==> writing the audit log"
    echo "audit log: $(secs $P audit "$DB") s"
  fi
fi
if [ -n "${GENERATE_ONLY:-}" ]; then
  echo "generated $NAME; time it with REUSE=1 (KEEP=1 to keep it after)"
  exit 0
fi
psql "$DB" -Atc "SELECT 'database: ' || pg_size_pretty(pg_database_size('$NAME')) || ', members ' || (SELECT COUNT(*) FROM members) || ', unions ' || (SELECT COUNT(*) FROM unions) || ', audit entries ' || (SELECT COUNT(*) FROM audit_log)"

SERVER=""
stop() { [ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null && wait "$SERVER" 2>/dev/null || true; SERVER=""; }
trap stop EXIT
$G --db "$DB" serve --bind "127.0.0.1:$PORT" >"$WORK/serve.log" 2>&1 &
SERVER=$!
for _ in $(seq 1 300); do
  curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break
  sleep 0.2
done
BASE="http://127.0.0.1:$PORT"
JAR="$WORK/cookies"
FORM=$(curl -fs -c "$JAR" "$BASE/login")
CSRF=$(printf '%s' "$FORM" | sed -n 's/.*name="_csrf" value="\([^"]*\)".*/\1/p' | head -n1)
curl -fs -b "$JAR" -c "$JAR" -o /dev/null \
  --data-urlencode "username=bench-admin" --data-urlencode "password=bench-12345" \
  --data-urlencode "next=/" --data-urlencode "_csrf=$CSRF" "$BASE/login"
grep -q gw_session "$JAR" || { echo "login failed" >&2; exit 1; }

# p50 and p99 (ms) of the times in file $1 (seconds, one a line).
pct() { sort -n "$1" | awk '{a[NR]=$1} END { i=int(NR*0.99); if (i<1) i=1; printf "p50 %.1f ms, p99 %.1f ms, max %.1f ms", a[int((NR+1)/2)]*1000, a[i]*1000, a[NR]*1000 }'; }

# time_urls LABEL URL…: each URL in turn, RUNS requests in all; fails on a non-200.
time_urls() {
  local label=$1; shift
  local urls=("$@") out="$WORK/times" i code
  : >"$out"
  curl -s -b "$JAR" -o /dev/null "$BASE${urls[0]}" # one untimed request first
  for ((i = 0; i < RUNS; i++)); do
    read -r code t < <(curl -s -b "$JAR" -o /dev/null -w '%{http_code} %{time_total}\n' "$BASE${urls[i % ${#urls[@]}]}")
    [ "$code" = 200 ] || { echo "$label: HTTP $code for ${urls[i % ${#urls[@]}]}" >&2; exit 1; }
    echo "$t" >>"$out"
  done
  printf '%-44s %s\n' "$label" "$(pct "$out")"
}

enc() { python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1]))' "$1"; }
N=$(psql "$DB" -Atc "SELECT MAX(id) FROM members")
# Members spread over the table (a multiplicative walk), for the searches.
mapfile -t IDS < <(psql "$DB" -Atc "SELECT resident_id FROM members WHERE id IN (SELECT 1 + (g * 7919) % $N FROM generate_series(1, 50) g)")
mapfile -t MOBILES < <(psql "$DB" -Atc "SELECT mobile FROM members WHERE id IN (SELECT 1 + (g * 7927) % $N FROM generate_series(1, 50) g)")
# The member in the middle of the table, whose keys make the deep cursors.
read -r MID NAME_MID JOINED_MID UNION_MID < <(psql "$DB" -AtF ' ' -c "SELECT id, name, joined_on, union_id FROM members WHERE id = $N / 2")
TOWNSHIP=$(psql "$DB" -Atc "SELECT township FROM unions WHERE township IS NOT NULL ORDER BY township LIMIT 1")

echo
echo "================ province: $(psql "$DB" -Atc 'SELECT COUNT(*) FROM members') members, PostgreSQL, $RUNS requests each ================"
time_urls "search by resident ID (page)" "${IDS[@]/#//union/members?q=}"
time_urls "search by mobile (page)" "${MOBILES[@]/#//union/members?q=}"
time_urls "search by resident ID (API)" "${IDS[@]/#//api/v1/union/members?q=}"
time_urls "search by mobile (API)" "${MOBILES[@]/#//api/v1/union/members?q=}"
for sort in newest joined name union; do
  case $sort in
    newest) key="[$MID]" ;;
    joined) key="[\"$JOINED_MID\",$MID]" ;;
    name) key="[\"$NAME_MID\",$MID]" ;;
    union) key="[$UNION_MID,\"$NAME_MID\",$MID]" ;;
  esac
  time_urls "member list, $sort, first page" "/union/members?sort=$sort"
  time_urls "member list, $sort, middle page (cursor)" "/union/members?sort=$sort&after=$(enc "$key")"
done
time_urls "dashboard /union/" "/union/"
time_urls "township page /union/townships/$TOWNSHIP" "/union/townships/$TOWNSHIP"
time_urls "ranking /union/ranking" "/union/ranking"
# The three pages keep their figures until a change commits (web::figures); the runs above
# are mostly served from them. Here each request follows a change (a user added: an
# audited write that moves the log's head), so each computes its figures afresh.
time_cold() { # LABEL URL
  local out="$WORK/cold" i code t
  : >"$out"
  for ((i = 0; i < COLD; i++)); do
    $G --db "$DB" user add "bench-cold-$RANDOM-$i" --role inspector --password bench-12345 >/dev/null
    read -r code t < <(curl -s -b "$JAR" -o /dev/null -w '%{http_code} %{time_total}\n' "$BASE$2")
    [ "$code" = 200 ] || { echo "$1: HTTP $code" >&2; exit 1; }
    echo "$t" >>"$out"
  done
  printf '%-44s %s\n' "$1" "$(pct "$out")"
}
COLD=${COLD:-5}
time_cold "dashboard /union/ after a change" "/union/"
time_cold "township page after a change" "/union/townships/$TOWNSHIP"
time_cold "ranking after a change" "/union/ranking"
stop

: >"$WORK/times"
for _ in 1 2 3 4 5; do secs $G --db "$DB" report annual --year 2019 --format json >>"$WORK/times"; done
printf '%-44s %s\n' "groundwork report annual (5 runs)" "$(pct "$WORK/times")"
if [ "${AUDIT:-1}" != 0 ]; then
  /usr/bin/time -v $G --db "$DB" audit verify --full >"$WORK/verify.out" 2>"$WORK/verify.time" || true
  echo "audit verify --full: $(grep 'Elapsed' "$WORK/verify.time" | awk '{print $NF}') wall, peak $(awk -F': ' '/Maximum resident/ {printf "%.0f MB", $2/1024}' "$WORK/verify.time"); $(tail -1 "$WORK/verify.out")"
fi
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"

if [ -z "${KEEP:-}" ]; then
  psql "$PG_URL" -qc "DROP DATABASE $NAME" && echo "dropped $NAME"
fi
