#!/usr/bin/env bash
# Side by side: rarekg and hpo3 (PyPI, Rust core) rank every disease for the
# same HPO profile on this machine. Prints both timing lines, the speed-up of
# the p50s, and whether the two top-20 lists (disease ids, in order) agree.
#
#   bench/rank_compare.sh                      # 5-term polymyositis-like profile, graphic + funSimAvg
#   bench/rank_compare.sh --terms HP:0001250,HP:0001263 --method resnik --combine BMA
#
# Needs a release build (`cargo build --release`) and PyPI for hpo3 (installed
# by bench/rank_vs_hpo3.sh into a venv). Arguments: --terms, --method,
# --combine, --reps (both sides take the same ones).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
TERMS=HP:0003326,HP:0001324,HP:0003236,HP:0003701,HP:0012378
METHOD=graphic
COMBINE=funSimAvg
REPS=30
while [ $# -gt 0 ]; do
  case "$1" in
    --terms) TERMS="$2"; shift 2 ;;
    --method) METHOD="$2"; shift 2 ;;
    --combine) COMBINE="$2"; shift 2 ;;
    --reps) REPS="$2"; shift 2 ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done
OURS="$(mktemp)"; THEIRS="$(mktemp)"
trap 'rm -f "$OURS" "$THEIRS"' EXIT
"$ROOT/target/release/rarekg" --root "$ROOT" rank --terms "$TERMS" --method "$METHOD" \
  --combine "$COMBINE" --reps "$REPS" --sources omim,orpha 2>/dev/null > "$OURS"
"$HERE/rank_vs_hpo3.sh" --terms "$TERMS" --method "$METHOD" --combine "$COMBINE" \
  --reps "$REPS" 2>/dev/null > "$THEIRS"
p50() { grep -m1 -o 'p50[ =:]*[0-9.]*' "$1" | grep -o '[0-9.]*$'; }
echo "rarekg: $(grep -m1 '^# p50' "$OURS")"
echo "hpo3:   $(grep -m1 -i 'p50' "$THEIRS" | sed 's/^# *//')"
awk -v a="$(p50 "$OURS")" -v b="$(p50 "$THEIRS")" 'BEGIN { printf "speed-up of the p50: %.1fx\n", b / a }'
top() { grep -v '^#' "$1" | awk -F'\t' 'NR > 1 { print $2 }' | head -20; }
if diff <(top "$OURS") <(top "$THEIRS") > /dev/null; then
  echo "top 20: identical (same ids, same order)"
else
  echo "top 20: DIFFERENT"; diff <(top "$OURS") <(top "$THEIRS") || true
fi
