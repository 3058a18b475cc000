#!/usr/bin/env bash
# Differential-diagnosis benchmark, reference (hpo3) side: rank the diagnosis
# of every published phenopacket case among all OMIM diseases hpo3 knows.
#
# Run (from anywhere; all arguments go to bench/diagnosis/hpo3_rank.py):
#   bench/diagnosis/hpo3.sh                                   # whole development half, JSONL on stdout
#   bench/diagnosis/hpo3.sh --per-disease 3 --out /tmp/hpo3_pd3.jsonl
#   bench/diagnosis/hpo3.sh --cases other.jsonl.gz --method lin --combine BMA --limit 100
#   bench/diagnosis/hpo3.sh --help
#
# What it does:
#   1. makes a venv at $RAREKG_HPO3_VENV (default /tmp/rarekg-hpo3-venv) with
#      $PYTHON (default python3) unless it exists, and pip installs hpo3==1.5.1
#      unless that exact version is already there (needs PyPI);
#   2. gunzips the vendored HPO 2025-01-16 files (ontologies/hpo/hp.obo.gz,
#      data/hpo/phenotype.hpoa.gz, data/hpo/genes_to_phenotype.txt.gz) into
#      $RAREKG_HPO3_DATA if set (kept; unpacked only if missing), else into a
#      temp dir removed on exit;
#   3. runs bench/diagnosis/hpo3_rank.py --data DIR [--cases DEFAULT] "$@",
#      where DEFAULT is data/phenopackets/dev.jsonl.gz of this repository,
#      added only when no --cases is given.
#
# Output: one JSON line per case on stdout (or --out), setup lines and the
# summary table (cases, top-1/3/10 %, median and mean rank) on stderr.
#
# Env: RAREKG_HPO3_VENV, RAREKG_HPO3_DATA, PYTHON, RAYON_NUM_THREADS (or --threads).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
DEFAULT_CASES="$ROOT/data/phenopackets/dev.jsonl.gz"
TAG=hpo3.sh
# shellcheck source=../hpo3_setup.sh
source "$ROOT/bench/hpo3_setup.sh"

cases_args=()
have_cases=0
for arg in "$@"; do
  case "$arg" in
    --cases|--cases=*) have_cases=1 ;;
    -h|--help) have_cases=1 ;;
  esac
done
if [ "$have_cases" -eq 0 ]; then
  [ -f "$DEFAULT_CASES" ] || { echo "[hpo3.sh] missing cases file $DEFAULT_CASES (or pass --cases PATH)" >&2; exit 1; }
  cases_args=(--cases "$DEFAULT_CASES")
fi

"$VENV/bin/python" "$HERE/hpo3_rank.py" --data "$DATA" ${cases_args[@]+"${cases_args[@]}"} "$@"
