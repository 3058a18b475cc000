#!/usr/bin/env bash
# Fuzzes the ingest parsers and the GraphQL request path, and prints one
# line per target.
#
#   fuzz/run.sh [SECONDS] [TARGET...]
#
# Runs each TARGET (default: every target in fuzz_targets/) for SECONDS
# (default 120). A target starts from its seeds (fuzz/seeds/<target>), copied
# into a scratch corpus (fuzz/corpus/<target>, kept between runs so that a
# later run starts where the last one stopped). The full libFuzzer output of
# a run is in fuzz/artifacts/<target>/run.log, next to any crash, timeout or
# OOM input it wrote; minimise one with
#   RUSTC_BOOTSTRAP=1 cargo fuzz tmin -s none <target> <input>
# and keep it under fuzz/regressions/<target>/, where the unit tests
# (src/ingest/fuzz_regressions.rs) replay it.
#
# Built without a sanitizer (`-s none`): the parsers are safe Rust, and the
# library installs mimalloc as the global allocator, so AddressSanitizer
# would not see their heap anyway. Panics, aborts (stack overflow included),
# hangs (-timeout) and OOMs (-rss_limit_mb) are caught without one.
# One fuzzing process at a time: libFuzzer's default, no -jobs or -fork.
set -euo pipefail

cd "$(dirname "$0")"
secs=${1:-120}
shift || true

if ! cargo fuzz --version >/dev/null 2>&1; then
    cargo install cargo-fuzz --locked
fi
# cargo-fuzz passes nightly-only flags to rustc; this lets stable take them.
export RUSTC_BOOTSTRAP=1

if [ $# -gt 0 ]; then
    targets=("$@")
else
    targets=()
    for f in fuzz_targets/*.rs; do
        targets+=("$(basename "$f" .rs)")
    done
fi

for t in "${targets[@]}"; do
    cargo fuzz build -s none "$t"
done

results=()
for t in "${targets[@]}"; do
    mkdir -p "corpus/$t" "artifacts/$t"
    if [ -d "seeds/$t" ]; then
        cp -n "seeds/$t"/* "corpus/$t/"
    fi
    log="artifacts/$t/run.log"
    start=$(date +%s)
    status=0
    cargo fuzz run -s none "$t" "corpus/$t" -- \
        -max_total_time="$secs" -rss_limit_mb=2048 -timeout=10 \
        -print_final_stats=1 >"$log" 2>&1 || status=$?
    elapsed=$(($(date +%s) - start))
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
    if [ "$status" -eq 0 ]; then
        outcome="ok"
    else
        if grep -q 'ERROR: libFuzzer: timeout' "$log"; then
            kind="timeout"
        elif grep -q 'out-of-memory' "$log"; then
            kind="oom"
        elif grep -q 'panicked at' "$log"; then
            kind="panic"
        else
            kind="crash (exit $status)"
        fi
        unit=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -n 1)
        outcome="$kind ${unit:-see $log}"
    fi
    results+=("$(printf '%-24s %8s %12s  %s' "$t" "$elapsed" "${execs:-?}" "$outcome")")
    echo "${results[-1]}"
done

echo
printf '%-24s %8s %12s  %s\n' target seconds executions outcome
printf '%s\n' "${results[@]}"
