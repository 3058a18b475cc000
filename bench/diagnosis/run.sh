#!/usr/bin/env bash
# The differential-diagnosis benchmark: published cases (the development
# half of phenopacket-store, data/phenopackets/) ranked by every method of
# rarekg, with and without the cases' excluded terms, beside hpo3 1.5.1
# (PyPI, its own virtual environment) on the same cases in the same run;
# then simulated patients (clean, noise, imprecision, both), each method with
# and without frequency weighting.
#
#   bench/diagnosis/run.sh                 # up to 3 cases per disease (1,115 cases), ~15 min on 2 cores
#   bench/diagnosis/run.sh --per-disease 0 # every case (6,146), ~60 min
#
# Needs cargo and PyPI (for hpo3). Prints markdown tables on stdout; hpo3's
# per-case ranks go to $OUT (default a temp dir).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
PER=3
SIM=1000
while [ $# -gt 0 ]; do
  case "$1" in
    --per-disease) PER="$2"; shift 2 ;;
    --simulate) SIM="$2"; shift 2 ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done
OUT="${OUT:-$(mktemp -d -t rarekg-diagnosis.XXXXXX)}"
CASES="$ROOT/data/phenopackets/dev_phenopackets.tar.gz"
(cd "$ROOT" && cargo build --release --quiet)
echo "## rarekg $(git -C "$ROOT" rev-parse --short HEAD), cases: $CASES, up to $PER per disease (0: all)"
echo
"$ROOT/target/release/rarekg" --root "$ROOT" diagnose "$CASES" --per-disease "$PER" --table --simulate "$SIM" 2>/dev/null
echo
echo "## hpo3 1.5.1, Resnik funSimAvg over its OMIM diseases, observed terms (it has no excluded terms), same cases"
echo
HPO3_ARGS=(--out "$OUT/hpo3.jsonl")
[ "$PER" != 0 ] && HPO3_ARGS+=(--per-disease "$PER")
"$HERE/hpo3.sh" "${HPO3_ARGS[@]}" 2> "$OUT/hpo3.err"
grep -E "^(subset|all cases|diagnosis known)" "$OUT/hpo3.err" || tail -5 "$OUT/hpo3.err"
