#!/usr/bin/env bash
# The union dashboard under 64 clients (issue 14: ≥ 1,000 requests/s on the demo): the
# 2019 demo in SQLite, `groundwork serve` in release, wrk on loopback for 20 s on each of
# the city overview `/union/`, a township's page and the ranking, one page at a time,
# logged in as the administrator. Prints each run's requests/s, p50/p99 and errors.
#
#   bench/dashboard.sh            # CONNECTIONS=64 DURATION=20s
set -euo pipefail
cd "$(dirname "$0")/.."
export CONNECTIONS=${CONNECTIONS:-64} DURATION=${DURATION:-20s}
for path in /union/ /union/townships/330182001 /union/ranking; do
  echo "==> $path"
  PATHS="$path" bench/load.sh | grep '^summary:' | sed "s|^summary:|$path:|"
done
