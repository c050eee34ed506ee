#!/usr/bin/env bash
# Usage: bench.sh <server-kind> [path] — starts `node servers.js <kind>`, runs autocannon, stops it.
set -euo pipefail
cd "$(dirname "$0")"
kind=$1; path=${2:-/hello/world}; shift 2 || true
node servers.js "$kind" 0 > /tmp/topo-bench-$kind.port &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
for _ in $(seq 50); do [ -s /tmp/topo-bench-$kind.port ] && break; sleep 0.1; done
port=$(head -1 /tmp/topo-bench-$kind.port)
npx autocannon -c 50 -d 5 "$@" "http://127.0.0.1:$port$path" 2>&1 | grep -E "Req/Sec|Latency|requests in|non-2xx" | head -8
