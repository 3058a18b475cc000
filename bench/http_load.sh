#!/usr/bin/env bash
# The disease page over HTTP under load, on loopback.
#
#   bench/http_load.sh [duration_seconds] [connections]
#
# Builds the release binary, starts the server on a free loopback port, runs
# wrk (installed from Debian if missing) with every response body checked for
# GraphQL errors, prints throughput and latency, and stops the server.
# Target: >= 10,000 req/s on 2 cores with wrk on the same machine.
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${1:-15}
CONNECTIONS=${2:-32}
PORT=${PORT:-18180}

if ! command -v wrk >/dev/null; then
  apt-get update -qq && apt-get install -y -qq wrk >/dev/null
fi
cargo build --release --quiet

target/release/rarekg serve --bind "127.0.0.1:$PORT" >/tmp/rarekg-http-load.log 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
  curl -sf "http://127.0.0.1:$PORT/health" >/dev/null && break
  sleep 0.2
done
grep -o 'loaded in.*' /tmp/rarekg-http-load.log || true

QUERY=$(python3 -c 'import json,sys; print(json.dumps(open("bench/disease_page.graphql").read()))')
export BODY="{\"query\": $QUERY, \"variables\": {\"id\": \"ORPHA:732\"}}"

echo "wrk: 1 thread, $CONNECTIONS connections, ${DURATION}s, POST /graphql disease page"
wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" --latency -s bench/disease_page.lua "http://127.0.0.1:$PORT/graphql"
echo "server RSS: $(grep VmRSS /proc/$SERVER/status | awk '{print $2/1024 " MiB"}')"
