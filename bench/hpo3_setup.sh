# Shared by bench/rank_vs_hpo3.sh and bench/diagnosis/hpo3.sh (sourced, with
# ROOT and TAG set): makes the hpo3 virtual environment ($RAREKG_HPO3_VENV,
# default /tmp/rarekg-hpo3-venv) with hpo3==1.5.1 from PyPI unless it is
# there, and unpacks the vendored HPO 2025-01-16 files into $DATA
# ($RAREKG_HPO3_DATA, kept, or a temp dir removed on exit).
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
  echo "[$TAG] creating venv $VENV" >&2
  "$PY" -m venv "$VENV"
fi
if ! have_hpo3; then
  echo "[$TAG] installing hpo3==$HPO3_VERSION into $VENV" >&2
  "$VENV/bin/python" -m pip install -q "hpo3==$HPO3_VERSION" >&2
  have_hpo3 || { echo "[$TAG] hpo3==$HPO3_VERSION did not install" >&2; exit 1; }
fi

SRC_OBO="$ROOT/ontologies/hpo/hp.obo.gz"
SRC_HPOA="$ROOT/data/hpo/phenotype.hpoa.gz"
SRC_G2P="$ROOT/data/hpo/genes_to_phenotype.txt.gz"
for f in "$SRC_OBO" "$SRC_HPOA" "$SRC_G2P"; do
  [ -f "$f" ] || { echo "[$TAG] missing vendored file $f" >&2; exit 1; }
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
echo "[$TAG] HPO folder: $DATA" >&2
