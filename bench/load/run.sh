#!/usr/bin/env bash
# Load and fault scenarios against a release build, on loopback.
#
#   bench/load/run.sh [seconds]        # seconds of scenarios a and b (default 60)
#
# Environment: FLOOD_SECONDS (scenario c, default 30), READY_TIMEOUT (seconds
# to wait for /ready, default 120), KEEP_WORK=1 to keep the temporary folder
# (config, logs, wrk output, data_dir) even when everything passed.
#
# Rebuilds target/release/rarekg only when it is missing or older than a file
# in src/ (or Cargo.toml / Cargo.lock), then starts one server on a free
# loopback port with a temporary data_dir, an API key with a huge budget and
# a maintainer token (every other limit at its default: two requests per core
# at once, queueing up to 5 s, 15 s request timeout), and runs:
#   a. mixed reads (bench/load/mixed.lua), 64 connections, 2 threads;
#   b. the same with an HPO reload started every 5 s (ontologies/hpo/hp.obo.gz,
#      the same file each time); a reload refused as busy (CONFLICT) is
#      counted apart, not as a failure; rarekg_release_id must grow by the
#      number of applied reloads;
#   c. a flood of over-limit requests (bench/load/overlimit.lua): 48
#      connections of a 101-deep query, 10,000 aliases and first: 100000
#      (400 each), plus 16 connections of 2 MiB bodies (413), from a second
#      wrk process because the server closes the connection after each 413
#      without reading the body, which wrk may log as a socket error; more
#      socket errors than 413s, or any connect error or timeout, fail.
#      The server's RSS is sampled every second from a settled baseline
#      (12 s after b, then stable over 3 s); max - before must stay under
#      512 MiB; a disease page must still answer 200 afterwards;
#   d. kill -9 in the middle of a reload, restart on the same data_dir: the
#      release served must be the one before the reload or the new one, a
#      disease page and /metrics must answer, and a second reload must apply.
# Prints a markdown table and the machine it ran on; exits non-zero if any
# scenario failed.
#
# wrk runs with --timeout 20s (its default, 2 s, would count slow answers as
# socket errors): the server's own limits (5 s queue, 15 s request) decide,
# and a request they cut off is a 503/504, counted as a failure.
set -euo pipefail
cd "$(dirname "$0")/../.."

DURATION=${1:-60}
FLOOD_SECONDS=${FLOOD_SECONDS:-30}
READY_TIMEOUT=${READY_TIMEOUT:-120}
CONNECTIONS=64
RELOAD_EVERY=5
RSS_BUDGET_KIB=$((512 * 1024))
API_KEY=load-test-key-0123
TOKEN=ops-secret-token
HPO_FILE=ontologies/hpo/hp.obo.gz
BIN=target/release/rarekg
WRK_TIMEOUT=20s

log() { echo "[$(date -u +%H:%M:%S)] $*" >&2; }

case "$DURATION" in '' | *[!0-9]*) echo "usage: $0 [seconds]" >&2; exit 2 ;; esac
[ -f "$HPO_FILE" ] || { echo "missing $HPO_FILE" >&2; exit 1; }

bench/load/install.sh >/dev/null

# Rebuild only when the binary is missing or older than the newest source.
if [ ! -x "$BIN" ] || [ -n "$(find src Cargo.toml Cargo.lock -type f -newer "$BIN" -print -quit)" ]; then
  log "building the release binary"
  timeout 1800 cargo build --release
fi

WORK=$(mktemp -d /tmp/rarekg-load.XXXXXX)
PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
BASE="http://127.0.0.1:$PORT"
cat >"$WORK/rarekg.toml" <<EOF
[server]
bind = "127.0.0.1:$PORT"
data_dir = "$WORK/var"

[[api_keys]]
name = "load"
key = "$API_KEY"
per_minute = 100000000

[tokens]
maintainers = ["ops:$TOKEN"]
EOF

SERVER=""
BG_PIDS=()
STATUS=1
cleanup() {
  set +e
  for p in "${BG_PIDS[@]}"; do kill "$p" 2>/dev/null; done
  if [ -n "$SERVER" ] && kill -0 "$SERVER" 2>/dev/null; then
    kill "$SERVER"
    for _ in $(seq 1 50); do kill -0 "$SERVER" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$SERVER" 2>/dev/null
  fi
  if [ "$STATUS" = 0 ] && [ "${KEEP_WORK:-}" != 1 ]; then
    rm -rf "$WORK"
  else
    rm -rf "$WORK/var"
    echo "logs and wrk output kept in $WORK" >&2
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

start_server() {
  "$BIN" serve --config "$WORK/rarekg.toml" >>"$WORK/server.log" 2>&1 &
  SERVER=$!
  local deadline=$((SECONDS + READY_TIMEOUT))
  while [ $SECONDS -lt $deadline ]; do
    if ! kill -0 "$SERVER" 2>/dev/null; then
      log "the server exited while starting:"; tail -20 "$WORK/server.log" >&2; return 1
    fi
    [ "$(curl -s -o /dev/null -m 2 -w '%{http_code}' "$BASE/ready")" = 200 ] && return 0
    sleep 0.5
  done
  log "the server was not ready after ${READY_TIMEOUT}s:"; tail -20 "$WORK/server.log" >&2
  return 1
}

metric() { curl -s -m 10 "$BASE/metrics" | awk -v n="$1" '$1 == n { print $2 }' || true; }
rss_kib() { awk '/^VmRSS:/ { print $2 }' "/proc/$SERVER/status" 2>/dev/null || echo 0; }
threads() { awk '/^Threads:/ { print $2 }' "/proc/$SERVER/status" 2>/dev/null || echo 0; }
# The server's RSS (KiB) and thread count, every second, into $WORK/NAME.rss
# and $WORK/NAME.threads until stop_sampler.
start_sampler() {
  : >"$WORK/$1.rss"
  : >"$WORK/$1.threads"
  (while kill -0 "$SERVER" 2>/dev/null; do
    rss_kib >>"$WORK/$1.rss"
    threads >>"$WORK/$1.threads"
    sleep 1
  done) &
  SAMPLER=$!
  BG_PIDS+=("$SAMPLER")
}
stop_sampler() { kill "$SAMPLER" 2>/dev/null || true; wait "$SAMPLER" 2>/dev/null || true; }
max_of() { local m; m=$(sort -n "$WORK/$1" | tail -1); echo "${m:-0}"; }
# Notes on memory for a row: RSS at the start, its max, the most threads.
memory_note() {
  echo "; server RSS $(mib "$(head -1 "$WORK/$1.rss")") MiB at start, max $(mib "$(max_of "$1.rss")") MiB; server threads max $(max_of "$1.threads")"
}
mib() { echo $((${1:-0} / 1024)); }

jq -nc --arg q 'query DiseasePage($id: ID!) { disease(id: $id) { id name phenotypes(first: 20) { totalCount edges { node { id name } } } } }' \
  '{query: $q, variables: {id: "ORPHA:732"}}' >"$WORK/disease.json"
# A disease page answers 200 with Polymyositis and no errors.
disease_ok() {
  local code
  code=$(curl -s -m 15 -o "$WORK/disease-answer.json" -w '%{http_code}' -H 'Content-Type: application/json' \
    -H "X-API-Key: $API_KEY" --data-binary @"$WORK/disease.json" "$BASE/graphql") || code=000
  [ "$code" = 200 ] && ! grep -q '"errors"' "$WORK/disease-answer.json" &&
    grep -q '"name":"Polymyositis"' "$WORK/disease-answer.json"
}

# One reload; writes applied, busy (refused: another reload is running) or
# failed to $WORK/reload-$1.status.
reload_once() {
  local out="$WORK/reload-$1.log" result=failed
  if RUST_BACKTRACE=0 timeout 180 "$BIN" reload --source hpo --server "$BASE" --token "$TOKEN" "$HPO_FILE" >"$out" 2>&1; then
    grep -q '"applied": *true' "$out" && result=applied
  elif grep -q '"CONFLICT"' "$out"; then
    result=busy
  fi
  echo "$result" >"$WORK/reload-$1.status"
}
count_reloads() { cat "$WORK"/reload-"$1"-*.status 2>/dev/null | grep -c "^$2\$" || true; }

# wrk NAME SECONDS CONNECTIONS THREADS SCRIPT [VAR=value...]: output in $WORK/NAME.out
run_wrk() {
  local name=$1 secs=$2 conns=$3 threads=$4 script=$5
  shift 5
  env "$@" timeout $((secs + 60)) wrk -t"$threads" -c"$conns" -d"${secs}s" --timeout "$WRK_TIMEOUT" --latency \
    -s "bench/load/$script" "$BASE" >"$WORK/$name.out" 2>"$WORK/$name.err" || {
    echo "wrk failed (exit $?)" >>"$WORK/$name.err"
  }
}
# The value of KEY in the RESULT line of $WORK/NAME.out (0 when absent).
result() {
  local v
  v=$(grep '^RESULT ' "$WORK/$1.out" 2>/dev/null | tr ' ' '\n' | awk -F= -v k="$2" '$1 == k { print $2 }' || true)
  echo "${v:-0}"
}
show_wrk() { sed 's/^/    /' "$WORK/$1.out" >&2; grep -v '^$' "$WORK/$1.err" | head -5 | sed 's/^/    stderr: /' >&2 || true; }
wrk_ran() { grep -q '^RESULT ' "$WORK/$1.out"; }

ROWS=()
TOTAL_FAILURES=0
row() { ROWS+=("| $1 | $2 | $3 | $4 | $5 | $6 | $7 | $8 | $9 |"); TOTAL_FAILURES=$((TOTAL_FAILURES + $8)); }
mixed_row() { # NAME LABEL EXTRA_FAILURES NOTES
  local n=$1 f
  if ! wrk_ran "$n"; then
    row "$2" "-" "$CONNECTIONS" 0 0 "-" "-" 1 "wrk did not finish: $(tail -1 "$WORK/$n.err")"
    return
  fi
  f=$(($(result "$n" non200) + $(result "$n" errbody) + $(result "$n" unattributed) + $(result "$n" socket) + $3))
  row "$2" "$(result "$n" seconds) s" "$CONNECTIONS" "$(result "$n" requests)" "$(result "$n" rps)" \
    "$(result "$n" p50_ms) ms" "$(result "$n" p99_ms) ms" "$f" \
    "non-200 $(result "$n" non200), error bodies $(result "$n" errbody), socket errors $(result "$n" socket)$4"
}

log "starting the server on $BASE (work folder $WORK)"
start_server
log "ready: $(curl -s -m 5 "$BASE/ready")"

# a. Mixed reads.
log "a. mixed workload, $CONNECTIONS connections, ${DURATION}s"
start_sampler mixed
run_wrk mixed "$DURATION" "$CONNECTIONS" 2 mixed.lua API_KEY="$API_KEY"
stop_sampler
show_wrk mixed
mixed_row mixed "a. mixed reads" 0 "$(memory_note mixed)"

# b. Mixed reads with a reload started every RELOAD_EVERY seconds.
log "b. mixed workload with a reload every ${RELOAD_EVERY}s, ${DURATION}s"
release_before=$(metric rarekg_release_id)
release_before=${release_before:-0}
applied_before=$(metric 'rarekg_reloads_total{outcome="applied"}')
applied_before=${applied_before:-0}
start_sampler mixed-reload
run_wrk mixed-reload "$DURATION" "$CONNECTIONS" 2 mixed.lua API_KEY="$API_KEY" &
WRK_PID=$!
BG_PIDS+=("$WRK_PID")
RELOAD_PIDS=()
n=0
log_lines=$(wc -l <"$WORK/server.log")
stop_at=$((SECONDS + DURATION - 2))
sleep 1
while [ $SECONDS -lt $stop_at ] && kill -0 "$WRK_PID" 2>/dev/null; do
  n=$((n + 1))
  reload_once "b-$n" &
  RELOAD_PIDS+=($!)
  BG_PIDS+=($!)
  sleep "$RELOAD_EVERY"
done
wait "$WRK_PID" || true
for p in "${RELOAD_PIDS[@]}"; do wait "$p" || true; done
stop_sampler
release_after=$(metric rarekg_release_id)
release_after=${release_after:-0}
applied_after=$(metric 'rarekg_reloads_total{outcome="applied"}')
applied_after=${applied_after:-0}
show_wrk mixed-reload
r_applied=$(count_reloads b applied)
r_busy=$(count_reloads b busy)
r_failed=$(count_reloads b failed)
reload_secs=$(tail -n +$((log_lines + 1)) "$WORK/server.log" | grep 'reload done' |
  sed -n 's/.*total: \([0-9.]*\)s.*/\1/p' | awk '{ printf "%s%.1f", (NR > 1 ? ", " : ""), $1 }' || true)
grown=$((release_after - release_before))
extra=$r_failed
note="; reloads started $n: applied $r_applied, refused as busy $r_busy, failed $r_failed; release id $release_before -> $release_after; applied reloads took ${reload_secs:-?} s"
if [ "$grown" -le 0 ] || [ "$grown" != "$r_applied" ] || [ "$((applied_after - applied_before))" != "$r_applied" ]; then
  extra=$((extra + 1))
  note="$note (MISMATCH: release id grew by $grown, reloads_total{applied} by $((applied_after - applied_before)))"
fi
for f in "$WORK"/reload-b-*.status; do
  [ "$(cat "$f")" = failed ] && { log "failed reload: $(grep -v '^ ' "${f%.status}.log" | head -3)"; }
done
log "reloads: started $n, applied $r_applied, busy $r_busy, failed $r_failed; release id $release_before -> $release_after"
mixed_row mixed-reload "b. mixed reads + reload every ${RELOAD_EVERY}s" "$extra" "$note$(memory_note mixed-reload)"

# c. Over-limit flood, RSS sampled every second.
log "c. over-limit flood, 48 + 16 connections, ${FLOOD_SECONDS}s"
# The baseline is taken once RSS has settled: the threads that ran requests
# in b keep their allocator caches (over 1 GiB under the mixed load) until
# they exit, 10 s after their last task; a finished reload's memory is
# returned over a few seconds too.
settle_start=$SECONDS
sleep 12
prev=$(rss_kib)
while [ $((SECONDS - settle_start)) -lt 72 ]; do
  sleep 3
  rss_before=$(rss_kib)
  diff=$((rss_before - prev))
  [ "${diff#-}" -lt $((16 * 1024)) ] && break
  prev=$rss_before
done
log "RSS settled at $(mib "$rss_before") MiB after $((SECONDS - settle_start)) s"
threads_before=$(threads)
start_sampler flood
run_wrk flood "$FLOOD_SECONDS" 48 1 overlimit.lua API_KEY="$API_KEY" OVERLIMIT_KINDS=depth,alias,page &
FLOOD_PID=$!
BG_PIDS+=("$FLOOD_PID")
run_wrk flood-big "$FLOOD_SECONDS" 16 1 overlimit.lua API_KEY="$API_KEY" OVERLIMIT_KINDS=big
wait "$FLOOD_PID" || true
stop_sampler
rss_max=$(max_of flood.rss)
threads_max=$(max_of flood.threads)
rss_after=$(rss_kib)
sleep 3
rss_after3=$(rss_kib)
show_wrk flood
show_wrk flood-big
after_ok=0
disease_ok && after_ok=1
rss_fail=0
[ "$rss_max" -gt $((rss_before + RSS_BUDGET_KIB)) ] && rss_fail=1
log "RSS before $(mib "$rss_before") MiB (threads $threads_before), max during $(mib "$rss_max") MiB, after $(mib "$rss_after") MiB (3 s later $(mib "$rss_after3") MiB); disease page after: $after_ok"
if wrk_ran flood; then
  f=$(($(result flood unexpected) + $(result flood unattributed) + $(result flood socket) + rss_fail + 1 - after_ok))
  row "c. over-limit flood: depth, aliases, page size (400)" "$(result flood seconds) s" 48 \
    "$(result flood requests)" "$(result flood rps)" "$(result flood p50_ms) ms" "$(result flood p99_ms) ms" "$f" \
    "expected refusals $(result flood refused), unexpected $(result flood unexpected), socket errors $(result flood socket); RSS before $(mib "$rss_before") MiB, max $(mib "$rss_max") MiB, after $(mib "$rss_after") MiB (budget +512 MiB$([ $rss_fail = 1 ] && echo ': EXCEEDED')), server threads $threads_before -> max ${threads_max:-?}; disease page after: $([ $after_ok = 1 ] && echo 200 || echo FAILED)"
else
  row "c. over-limit flood: depth, aliases, page size (400)" "-" 48 0 0 "-" "-" 1 "wrk did not finish: $(tail -1 "$WORK/flood.err")"
fi
if wrk_ran flood-big; then
  refused_big=$(result flood-big refused)
  sock_big=$(result flood-big socket)
  excess=$((sock_big > refused_big ? sock_big - refused_big : 0))
  f=$(($(result flood-big unexpected) + $(result flood-big unattributed) + $(result flood-big connect) + $(result flood-big timeout) + excess))
  [ "$refused_big" -gt 0 ] || f=$((f + 1))
  row "c. over-limit flood: 2 MiB body (413)" "$(result flood-big seconds) s" 16 \
    "$(result flood-big requests)" "$(result flood-big rps)" "$(result flood-big p50_ms) ms" "$(result flood-big p99_ms) ms" "$f" \
    "expected refusals $refused_big, unexpected $(result flood-big unexpected); connection closed by the server after each 413: $sock_big socket errors (read $(result flood-big read), write $(result flood-big write)), beyond one per 413: $excess"
else
  row "c. over-limit flood: 2 MiB body (413)" "-" 16 0 0 "-" "-" 1 "wrk did not finish: $(tail -1 "$WORK/flood-big.err")"
fi

# d. kill -9 in the middle of a reload, restart on the same data_dir.
log "d. kill -9 during a reload, restart"
d_start=$SECONDS
d_fail=0
d_notes=()
release_before=$(metric rarekg_release_id)
release_before=${release_before:-0}
reload_once d-1 &
RELOAD_PID=$!
BG_PIDS+=("$RELOAD_PID")
sleep 1.5
if kill -0 "$RELOAD_PID" 2>/dev/null; then
  d_notes+=("killed 1.5 s into the reload")
else
  d_notes+=("the reload had ended before the kill ($(cat "$WORK/reload-d-1.status"))")
  d_fail=$((d_fail + 1))
fi
kill -9 "$SERVER" 2>/dev/null || true
wait "$SERVER" 2>/dev/null || true
wait "$RELOAD_PID" || true
log "killed the server; reload client: $(cat "$WORK/reload-d-1.status")"
echo "---- restart after kill -9 ----" >>"$WORK/server.log"
restart_start=$SECONDS
checks=0
if start_server; then
  d_notes+=("ready $((SECONDS - restart_start)) s after restart")
  release_restart=$(metric rarekg_release_id)
  checks=$((checks + 1))
  if [ "$release_restart" = "$release_before" ]; then
    d_notes+=("release $release_restart served: the one before the reload")
  elif [ "$release_restart" = "$((release_before + 1))" ]; then
    d_notes+=("release $release_restart served: the new one")
  else
    d_notes+=("release ${release_restart:-none} served: NEITHER $release_before NOR $((release_before + 1))")
    d_fail=$((d_fail + 1))
  fi
  checks=$((checks + 1))
  if disease_ok; then d_notes+=("disease page 200"); else d_notes+=("disease page FAILED"); d_fail=$((d_fail + 1)); fi
  checks=$((checks + 1))
  code=$(curl -s -o /dev/null -m 10 -w '%{http_code}' "$BASE/metrics") || code=000
  if [ "$code" = 200 ]; then d_notes+=("/metrics 200"); else d_notes+=("/metrics $code"); d_fail=$((d_fail + 1)); fi
  checks=$((checks + 1))
  reload_once d-2
  release_second=$(metric rarekg_release_id)
  if [ "$(cat "$WORK/reload-d-2.status")" = applied ] && [ "${release_second:-0}" -gt "${release_restart:-0}" ]; then
    d_notes+=("second reload applied (release $release_second)")
  else
    d_notes+=("second reload $(cat "$WORK/reload-d-2.status"), release ${release_second:-none}")
    d_fail=$((d_fail + 1))
  fi
else
  d_notes+=("the server did not come back (see server.log)")
  d_fail=$((d_fail + 1))
fi
d_note=$(IFS=';'; echo "${d_notes[*]}" | sed 's/;/; /g')
log "d: $d_note"
row "d. kill -9 mid-reload, restart" "$((SECONDS - d_start)) s" 1 "$checks checks" "-" "-" "-" "$d_fail" \
  "$([ "$d_fail" = 0 ] && echo pass || echo FAIL): $d_note"

# The report.
echo
echo "## rarekg load and fault run"
echo
echo "- date: $(date -u)"
echo "- commit: $(git rev-parse --short HEAD 2>/dev/null || echo unknown)$([ -n "$(git status --porcelain -- src Cargo.toml Cargo.lock 2>/dev/null)" ] && echo ' (with uncommitted changes in src/)')"
echo "- nproc: $(nproc)"
echo "- CPU: $(lscpu | grep 'Model name' | sed 's/Model name: *//')"
echo "- RAM: $(free -h | awk '/^Mem:/ { print $2 }')"
echo "- load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "- binary: $BIN ($(date -u -r "$BIN" '+%Y-%m-%d %H:%M UTC')), wrk $(wrk -v 2>&1 | head -1 | awk '{print $2}'), --timeout $WRK_TIMEOUT"
echo
echo "| scenario | duration | connections | requests | req/s | p50 | p99 | failures | notes |"
echo "|---|---|---|---|---|---|---|---|---|"
printf '%s\n' "${ROWS[@]}"
echo
if [ "$TOTAL_FAILURES" = 0 ]; then
  echo "All scenarios passed."
  STATUS=0
else
  echo "FAILED: $TOTAL_FAILURES failure(s); logs in $WORK"
  exit 1
fi
