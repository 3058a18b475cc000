#!/usr/bin/env bash
# HTTP workloads under load, on loopback.
#
#   bench/http_load.sh [disease_page|sparql_lookup] [duration_seconds] [connections]
#
# Builds the release binary, starts the server on a loopback port, waits for
# the data (and, for SPARQL, the RDF store) to load, runs wrk (installed from
# Debian if missing) with every response checked (bench/check.lua), prints
# throughput and latency, and stops the server.
# Targets: disease page >= 10,000 req/s on 2 cores; SPARQL lookup <= 5 ms.
set -euo pipefail
cd "$(dirname "$0")/.."
WORKLOAD=${1:-disease_page}
DURATION=${2:-15}
CONNECTIONS=${3:-32}
PORT=${PORT:-18180}

if ! command -v wrk >/dev/null; then
  apt-get update -qq && apt-get install -y -qq wrk >/dev/null
fi
cargo build --release --quiet

# A load from one address is far over the anonymous budget: no rate limit.
target/release/rarekg serve --anonymous-per-minute 0 --bind "127.0.0.1:$PORT" >/tmp/rarekg-http-load.log 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true' EXIT

json() { python3 -c 'import json,sys; print(json.dumps(sys.stdin.read()))'; }
case "$WORKLOAD" in
  disease_page)
    export METHOD=POST EXPECT='"Polymyositis"'
    export BODY="{\"query\": $(json < bench/disease_page.graphql), \"variables\": {\"id\": \"ORPHA:732\"}}"
    URL="http://127.0.0.1:$PORT/graphql"
    ;;
  sparql_lookup)
    export METHOD=GET EXPECT='Proximal muscle weakness' BODY=''
    Q='SELECT ?label WHERE { <http://purl.obolibrary.org/obo/HP_0003701> <http://www.w3.org/2000/01/rdf-schema#label> ?label }'
    URL="http://127.0.0.1:$PORT/sparql?$(python3 -c 'import sys,urllib.parse; print(urllib.parse.urlencode({"query": sys.argv[1]}))' "$Q")"
    ;;
  *) echo "unknown workload $WORKLOAD" >&2; exit 2 ;;
esac

# Ready once the RDF store has loaded too (it loads in the background).
READY="http://127.0.0.1:$PORT/sparql?query=ASK%7B%7D"
for _ in $(seq 1 300); do
  curl -sf "$READY" >/dev/null && break
  sleep 0.2
done
grep -o 'loaded in.*' /tmp/rarekg-http-load.log || true

echo "wrk: $WORKLOAD, 1 thread, $CONNECTIONS connections, ${DURATION}s"
wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" --latency -s bench/check.lua "$URL"
echo "server RSS: $(grep VmRSS /proc/$SERVER/status | awk '{print $2/1024 " MiB"}')"
