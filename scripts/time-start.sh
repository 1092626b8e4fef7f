#!/usr/bin/env bash
# Times `npm start` to the first 200 from /_local/health, N times after one warm-up start (which fills the
# bundle, policy and validation caches and the data dir). Usage: scripts/time-start.sh [N] (default 5).
# PORT (default 3917) and VIGIL_DATA_DIR (default a temp dir) can be set; VIGIL_LOCAL_STARTUP_TIMING=1 adds
# the per-step times of the last start.
set -euo pipefail
cd "$(dirname "$0")/.."
export PORT=${PORT:-3917}
export VIGIL_DATA_DIR=${VIGIL_DATA_DIR:-$(mktemp -d)}
logs=$(mktemp -d)
for i in $(seq 0 "${1:-5}"); do
  start=$(date +%s%N)
  setsid npm start >"$logs/out" 2>"$logs/err" &
  pid=$!
  until [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/_local/health")" = 200 ]; do sleep 0.05; done
  ms=$((($(date +%s%N) - start) / 1000000))
  if [ "$i" -eq 0 ]; then echo "warm-up: $ms ms"; else echo "start $i: $ms ms"; fi
  kill -TERM -- "-$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  while [ -n "$(ss -ltn "sport = :$PORT" | tail -n +2)" ]; do sleep 0.1; done
done
grep '^startup:' "$logs/err" || true
