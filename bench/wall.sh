#!/usr/bin/env bash
# The live wall's JSON under load: 100,000 households and a work log of 100,000, then
# 1,000,000 entries, in SQLite; 64 concurrent clients (wrk) on loopback against
# GET /api/v1/relocation/projects/{code}/wall; prints p50/p99 for both log sizes, so the
# cost can be seen to stay flat as the log grows (the wall reads counters, not the log).
# Also prints one uncached read of the wall from the counters (what each refresh of the
# server's one-second snapshot costs), at both log sizes.
#
#   bench/wall.sh                 # DURATION=20s CONNECTIONS=64 HOUSEHOLDS=100000 …
#
# Needs wrk (Debian: apt-get install wrk). The database is throwaway (see
# crates/store/examples/wall_fill.rs: bulk rows are not audited).
set -euo pipefail
cd "$(dirname "$0")/.."

HOUSEHOLDS=${HOUSEHOLDS:-100000}
SMALL_LOG=${SMALL_LOG:-100000}
LARGE_LOG=${LARGE_LOG:-1000000}
CONNECTIONS=${CONNECTIONS:-64}
THREADS=${THREADS:-2}
DURATION=${DURATION:-20s}
PORT=${PORT:-18097}
WORK=$(mktemp -d)
DB="sqlite://$WORK/wall.db"

command -v wrk >/dev/null || { echo "需要 wrk：apt-get install wrk" >&2; exit 1; }
echo "==> building (release)"
cargo build --release -q -p groundwork
cargo build --release -q -p store --example wall_fill
BIN="${CARGO_TARGET_DIR:-target}/release/groundwork"
FILL=target/release/examples/wall_fill

SERVER=""
stop() { [ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null && wait "$SERVER" 2>/dev/null || true; SERVER=""; }
trap 'stop; rm -rf "$WORK"' EXIT
serve() {
  "$BIN" --db "$DB" serve --bind "127.0.0.1:$PORT" >"$WORK/serve.log" 2>&1 &
  SERVER=$!
  for _ in $(seq 1 100); do
    curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  cat "$WORK/serve.log"; exit 1
}

URL="http://127.0.0.1:$PORT/api/v1/relocation/projects/BENCH-2026/wall"
measure() { # label
  wrk -t"$THREADS" -c"$CONNECTIONS" -d3s -H "Authorization: Bearer $TOKEN" "$URL" >/dev/null
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -H "Authorization: Bearer $TOKEN" "$URL" >"$WORK/$1.txt"
  local p50 p99 rps errors
  p50=$(awk '$1=="50%"{print $2}' "$WORK/$1.txt")
  p99=$(awk '$1=="99%"{print $2}' "$WORK/$1.txt")
  rps=$(awk '/Requests\/sec/{print $2}' "$WORK/$1.txt")
  errors=$(grep -c "Non-2xx\|Socket errors" "$WORK/$1.txt" || true)
  printf '%-20s p50 %-9s p99 %-9s %s req/s%s\n' "$1" "$p50" "$p99" "$rps" "$([ "$errors" != 0 ] && echo "  (errors: see $1.txt)")"
  local uncached
  uncached=$("$FILL" "$DB" time)
  echo "            uncached wall read from the counters: $uncached"
  echo "$1 p50=$p50 p99=$p99 req/s=$rps uncached-read=$uncached" >>"$WORK/summary"
}

echo "==> filling: $HOUSEHOLDS households, $SMALL_LOG work-log entries"
"$FILL" "$DB" new "$HOUSEHOLDS" "$SMALL_LOG" >"$WORK/fill.out"
TOKEN=$(sed -n 's/^TOKEN=//p' "$WORK/fill.out")
serve
bytes=$(curl -fs -H "Authorization: Bearer $TOKEN" "$URL" | wc -c)
echo "    wall JSON: $bytes bytes"
echo "==> $CONNECTIONS connections, $THREADS wrk threads, $DURATION"
measure "log-$SMALL_LOG"
stop

echo "==> growing the work log to $LARGE_LOG entries"
"$FILL" "$DB" add-visits "$((LARGE_LOG - SMALL_LOG))"
serve
measure "log-$LARGE_LOG"

# The same while staff keep working: a visit is logged every 0.1 s through the web
# (each one changes the wall, drops its snapshot and is pushed to the screens).
writer() {
  local i=0
  while :; do
    curl -fs -o /dev/null -H "Authorization: Bearer $TOKEN" \
      --data-urlencode "visited_on=$(date -u +%F)" --data-urlencode "visitors=基准测试" \
      -d mode=phone -d attitude=hesitant \
      "http://127.0.0.1:$PORT/relocation/households/$((1 + i % 1000))/visits" || true
    i=$((i + 1))
    sleep 0.1
  done
}
writer & WRITER=$!
measure "log-$LARGE_LOG+writes"
kill "$WRITER" 2>/dev/null || true
wait "$WRITER" 2>/dev/null || true
echo "    visits logged during the run: $(( $("$FILL" "$DB" count-visits) - LARGE_LOG ))"
stop

echo
echo "machine: $(nproc) cores, $(uname -m), $(date -u +%Y-%m-%d)"
cat "$WORK/summary"
