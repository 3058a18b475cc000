#!/usr/bin/env bash
# Whole HPO reloads over HTTP against a release build, on loopback.
#
#   bench/reload_http.sh [reloads]
#
# Builds the release binary, starts the server (with its RDF store, a fresh
# data directory and a maintainer token), then sends `reloadHpo` mutations one
# after the other, alternating between the vendored hp.obo and a copy with one
# term relabeled, and prints the wall time of each as curl saw it (parse,
# graph, diff, RDF store, persist, swap) and the server's resident memory.
# Target: each reload <= 5 s.
set -euo pipefail
cd "$(dirname "$0")/.."
RELOADS=${1:-6}
PORT=${PORT:-18181}
WORK=$(mktemp -d)
cargo build --release --quiet

gzip -dc ontologies/hpo/hp.obo.gz >"$WORK/hp-a.obo"
sed '0,/^name: Proximal muscle weakness$/s//name: Proximal muscle weakness (relabeled)/' \
  "$WORK/hp-a.obo" >"$WORK/hp-b.obo"

RAREKG_MAINTAINER_TOKENS=bench:bench-token target/release/rarekg serve \
  --bind "127.0.0.1:$PORT" --data-dir "$WORK/var" >"$WORK/server.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true; rm -rf "$WORK"' EXIT
for _ in $(seq 1 300); do
  curl -sf "http://127.0.0.1:$PORT/sparql?query=ASK%7B%7D" >/dev/null && break
  sleep 0.2
done

for i in $(seq 1 "$RELOADS"); do
  file="$WORK/hp-b.obo"
  [ $((i % 2)) = 0 ] && file="$WORK/hp-a.obo"
  body="{\"query\":\"mutation { reloadHpo(path: \\\"$file\\\") { applied release { id } } }\"}"
  secs=$(curl -s -o "$WORK/answer.json" -w '%{time_total}' \
    -H 'Authorization: Bearer bench-token' -H 'content-type: application/json' \
    -d "$body" "http://127.0.0.1:$PORT/graphql")
  grep -q '"applied":true' "$WORK/answer.json" || { cat "$WORK/answer.json"; exit 1; }
  echo "reload $i: $secs s, server RSS $(awk '/VmRSS/ {print int($2/1024)}' /proc/$SERVER/status) MiB"
  sleep 1
done
grep 'reload done' "$WORK/server.log" | tail -1
