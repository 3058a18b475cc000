#!/usr/bin/env bash
# Rank every disease hpo3 knows for an HPO profile and time it (reference
# side of the rarekg "rank all diseases for a phenotype profile" benchmark).
#
# Run (from anywhere; all arguments go to bench/rank_vs_hpo3.py):
#   bench/rank_vs_hpo3.sh                                  # default 5-term polymyositis-like profile
#   bench/rank_vs_hpo3.sh --json /tmp/hpo3_rank.json       # also write top 20 + timings as JSON
#   bench/rank_vs_hpo3.sh --terms HP:0001250,HP:0001263 --method resnik --combine BMA --reps 50
#   bench/rank_vs_hpo3.sh --help
#
# What it does:
#   1. makes a venv at $RAREKG_HPO3_VENV (default /tmp/rarekg-hpo3-venv) with
#      $PYTHON (default python3) unless it exists, and pip installs hpo3==1.5.1
#      unless that exact version is already there (needs PyPI; prints how long
#      the install took, to stderr);
#   2. gunzips the vendored HPO 2025-01-16 files (ontologies/hpo/hp.obo.gz,
#      data/hpo/phenotype.hpoa.gz, data/hpo/genes_to_phenotype.txt.gz) into
#      $RAREKG_HPO3_DATA if set (kept; unpacked only if missing), else into a
#      temp dir removed on exit. phenotype_to_genes.txt is not needed: hpo3
#      1.5.1 loads the release without it;
#   3. runs bench/rank_vs_hpo3.py --data DIR "$@".
#
# What it prints: setup lines on stderr; then the .py's output on stdout:
# '#' lines (versions, load time, profile ICs, OMIM/ORPHA/DECIPHER counts
# ranked, API, correctness check, thread count, p50/p99/mean ms of ranking all
# diseases) followed by the top 20 as TSV: rank, disease_id, name, score.
#
# Env: RAREKG_HPO3_VENV, RAREKG_HPO3_DATA, PYTHON, RAYON_NUM_THREADS (or --threads).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
VENV="${RAREKG_HPO3_VENV:-/tmp/rarekg-hpo3-venv}"
PY="${PYTHON:-python3}"
HPO3_VERSION=1.5.1

have_hpo3() {
  "$VENV/bin/python" - "$HPO3_VERSION" <<'EOF' 2>/dev/null
import sys, importlib.metadata as m
sys.exit(0 if m.version("hpo3") == sys.argv[1] else 1)
EOF
}

if [ ! -x "$VENV/bin/python" ]; then
  echo "[rank_vs_hpo3] creating venv $VENV" >&2
  "$PY" -m venv "$VENV"
fi
if ! have_hpo3; then
  echo "[rank_vs_hpo3] installing hpo3==$HPO3_VERSION into $VENV" >&2
  t0=$(date +%s%N)
  "$VENV/bin/python" -m pip install -q "hpo3==$HPO3_VERSION" >&2
  t1=$(date +%s%N)
  echo "[rank_vs_hpo3] hpo3 install took $(( (t1 - t0) / 1000000 )) ms" >&2
  have_hpo3 || { echo "[rank_vs_hpo3] hpo3==$HPO3_VERSION did not install" >&2; exit 1; }
fi

SRC_OBO="$ROOT/ontologies/hpo/hp.obo.gz"
SRC_HPOA="$ROOT/data/hpo/phenotype.hpoa.gz"
SRC_G2P="$ROOT/data/hpo/genes_to_phenotype.txt.gz"
for f in "$SRC_OBO" "$SRC_HPOA" "$SRC_G2P"; do
  [ -f "$f" ] || { echo "[rank_vs_hpo3] missing vendored file $f" >&2; exit 1; }
done

if [ -n "${RAREKG_HPO3_DATA:-}" ]; then
  DATA="$RAREKG_HPO3_DATA"
  mkdir -p "$DATA"
else
  DATA="$(mktemp -d -t rarekg-hpo3-data.XXXXXX)"
  trap 'rm -rf "$DATA"' EXIT
fi
unpack() { # src.gz -> $DATA/name, only if missing
  local dst="$DATA/$(basename "$1" .gz)"
  if [ ! -s "$dst" ]; then gunzip -c "$1" > "$dst.tmp" && mv "$dst.tmp" "$dst"; fi
}
unpack "$SRC_OBO"; unpack "$SRC_HPOA"; unpack "$SRC_G2P"
echo "[rank_vs_hpo3] HPO folder: $DATA" >&2

"$VENV/bin/python" "$HERE/rank_vs_hpo3.py" --data "$DATA" "$@"
