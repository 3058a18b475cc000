#!/usr/bin/env bash
# Installs what the real-client tests (tests/clients/) need, and nothing
# when it is already installed:
#   - the pinned npm packages of tests/clients/package-lock.json, by
#     `npm ci`, into tests/clients/node_modules;
#   - a Python venv at tests/clients/.venv with tests/clients/requirements.txt
#     and pytest.
# Each install is stamped with the hash of what it installed from (and the
# tool's version); a stamp that no longer matches reinstalls. Exits non-zero,
# saying what is missing, when node, npm or python3 is not there.
#
# Run by `cargo test --test api clients`; safe to run by hand, and from
# several processes at once (they take turns).
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
clients="$root/tests/clients"
venv="$clients/.venv"

fail() {
    echo "client-deps: $*" >&2
    exit 1
}

for tool in node npm python3; do
    command -v "$tool" >/dev/null 2>&1 ||
        fail "'$tool' is not installed; the client tests need Node.js >= 20 with npm, and Python >= 3.9 with venv (e.g. apt-get install nodejs npm python3 python3-venv)"
done
node_major="$(node -p 'process.versions.node.split(".")[0]')"
[ "$node_major" -ge 20 ] || fail "Node.js $(node --version) is too old; the client tests need >= 20"
[ -f "$clients/package-lock.json" ] || fail "$clients/package-lock.json is missing"
[ -f "$clients/requirements.txt" ] || fail "$clients/requirements.txt is missing"

# One install at a time.
exec 9>"$clients/.client-deps.lock"
if command -v flock >/dev/null 2>&1; then
    flock 9
fi

# The hash of the files given and of the output of the command after `--`.
hash_of() {
    local files=()
    while [ "$1" != "--" ]; do files+=("$1"); shift; done
    shift
    { cat "${files[@]}"; "$@"; } | sha256sum | cut -d' ' -f1
}

# --- npm ---
want="$(hash_of "$clients/package.json" "$clients/package-lock.json" -- sh -c 'node --version; npm --version')"
stamp="$clients/node_modules/.client-deps-stamp"
# A missing stamp, or node_modules older than the lock (a lock pulled over
# an install), or a lock whose hash changed: install again.
if [ ! -f "$stamp" ] || [ "$clients/package-lock.json" -nt "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    echo "client-deps: npm ci in tests/clients" >&2
    (cd "$clients" && npm ci --no-audit --no-fund --loglevel=error) >&2 ||
        fail "npm ci failed in $clients"
    echo "$want" >"$stamp"
else
    echo "client-deps: node_modules up to date" >&2
fi

# --- Python ---
# pytest, when requirements.txt does not pin its own.
pytest_pin="pytest==9.0.3"
want="$(hash_of "$clients/requirements.txt" -- sh -c "python3 --version; echo $pytest_pin")"
stamp="$venv/.client-deps-stamp"
if [ ! -x "$venv/bin/python" ] || [ ! -f "$stamp" ] || [ "$clients/requirements.txt" -nt "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    if [ ! -x "$venv/bin/python" ]; then
        echo "client-deps: creating the venv tests/clients/.venv" >&2
        rm -rf "$venv"
        python3 -m venv "$venv" >&2 ||
            fail "python3 -m venv failed (on Debian: apt-get install python3-venv)"
    fi
    echo "client-deps: pip install -r tests/clients/requirements.txt (and pytest)" >&2
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check \
        -r "$clients/requirements.txt" >&2 ||
        fail "pip install -r $clients/requirements.txt failed"
    if ! "$venv/bin/python" -c 'import pytest' 2>/dev/null; then
        "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "$pytest_pin" >&2 ||
            fail "pip install $pytest_pin failed"
    fi
    echo "$want" >"$stamp"
else
    echo "client-deps: venv up to date" >&2
fi
