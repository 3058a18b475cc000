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
TAG=rank_vs_hpo3
# shellcheck source=hpo3_setup.sh
source "$ROOT/bench/hpo3_setup.sh"

"$VENV/bin/python" "$HERE/rank_vs_hpo3.py" --data "$DATA" "$@"
