#!/usr/bin/env bash
# The whole server under load (issue 13): the 2019 demo in SQLite, `groundwork serve` in
# release, 200 concurrent clients (wrk) on loopback for two minutes over the main pages
# and the JSON API, logged in as the administrator (the largest scope). Prints requests/s,
# p50/p99, errors (any non-2xx/3xx answer or socket error) and the server's peak memory.
#
#   bench/load.sh                 # CONNECTIONS=200 DURATION=120s
#   PATHS="/union/" CONNECTIONS=64 DURATION=20s bench/load.sh    # one page alone
#
# Needs wrk (Debian: apt-get install wrk).
set -euo pipefail
cd "$(dirname "$0")/.."

CONNECTIONS=${CONNECTIONS:-200}
THREADS=${THREADS:-2}
DURATION=${DURATION:-120s}
PORT=${PORT:-18098}
WORK=$(mktemp -d)
DB="sqlite://$WORK/demo.db"

command -v wrk >/dev/null || { echo "需要 wrk：apt-get install wrk" >&2; exit 1; }
echo "==> building (release)"
cargo build --release -q -p groundwork
BIN="${CARGO_TARGET_DIR:-target}/release/groundwork"

SERVER=""
stop() { [ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null && wait "$SERVER" 2>/dev/null || true; SERVER=""; }
trap 'stop; rm -rf "$WORK"' EXIT

echo "==> the 2019 demo"
"$BIN" --db "$DB" demo --no-serve >"$WORK/demo.log" 2>&1
GROUNDWORK_MAX_CONNECTIONS=1024 "$BIN" --db "$DB" serve --bind "127.0.0.1:$PORT" >"$WORK/serve.log" 2>&1 &
SERVER=$!
for _ in $(seq 1 100); do
  curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break
  sleep 0.1
done

echo "==> logging in"
JAR="$WORK/cookies"
FORM=$(curl -fs -c "$JAR" "http://127.0.0.1:$PORT/login")
CSRF=$(printf '%s' "$FORM" | sed -n 's/.*name="_csrf" value="\([^"]*\)".*/\1/p' | head -n1)
curl -fs -b "$JAR" -c "$JAR" -o /dev/null \
  --data-urlencode "username=admin" --data-urlencode "password=demo-2019" \
  --data-urlencode "next=/" --data-urlencode "_csrf=$CSRF" "http://127.0.0.1:$PORT/login"
SESSION=$(awk '$6=="gw_session"{print $7}' "$JAR")
[ -n "$SESSION" ] || { echo "login failed" >&2; exit 1; }

if [ -n "${PATHS:-}" ]; then
  { printf 'local paths = {\n'; for p in $PATHS; do printf '  "%s",\n' "$p"; done; printf '}\n'; } >"$WORK/paths.lua"
else
cat >"$WORK/paths.lua" <<'LUA'
local paths = {
  "/", "/union/", "/union/members", "/union/unions", "/union/ranking",
  "/relocation/", "/relocation/projects/YCQ2019-01",
  "/relocation/projects/YCQ2019-01/households", "/relocation/projects/YCQ2019-01/wall",
  "/relocation/projects/YCQ2020-B1/choosing", "/relocation/projects/YCQ2019-A1/flats",
  "/api/v1/me", "/api/v1/relocation/projects/YCQ2019-01/wall",
  "/api/v1/relocation/projects/YCQ2020-B1/flats?state=vacant",
  "/public/relocation/YCQ2019-A1/choosing-order.json", "/public/relocation/YCQ2019-01/compensation",
}
LUA
fi
cat >>"$WORK/paths.lua" <<'LUA'
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i % #paths) + 1])
end
LUA

echo "==> $CONNECTIONS clients for $DURATION"
wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -s "$WORK/paths.lua" \
  -H "Cookie: gw_session=$SESSION" "http://127.0.0.1:$PORT" >"$WORK/wrk.txt"
cat "$WORK/wrk.txt"
PEAK=$(awk '/VmHWM/{print $2 $3}' "/proc/$SERVER/status")
P50=$(awk '$1=="50%"{print $2}' "$WORK/wrk.txt")
P99=$(awk '$1=="99%"{print $2}' "$WORK/wrk.txt")
RPS=$(awk '/Requests\/sec/{print $2}' "$WORK/wrk.txt")
ERRORS=$(awk '/Non-2xx or 3xx responses/{print $5} /Socket errors/{print $0}' "$WORK/wrk.txt")
echo
echo "summary: $CONNECTIONS clients, $DURATION: $RPS req/s, p50 $P50, p99 $P99, server peak memory $PEAK, errors: ${ERRORS:-none}"
