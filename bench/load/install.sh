#!/usr/bin/env bash
# Installs what the load scripts use, from Debian, when missing: wrk (with
# its Lua scripting), curl, jq and python3. Run as root.
#
#   bench/load/install.sh
set -euo pipefail

missing=()
command -v wrk >/dev/null || missing+=(wrk)
command -v curl >/dev/null || missing+=(curl)
command -v jq >/dev/null || missing+=(jq)
command -v python3 >/dev/null || missing+=(python3)
command -v lscpu >/dev/null || missing+=(util-linux)
command -v free >/dev/null || missing+=(procps)

if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "install.sh: missing ${missing[*]}; run as root to install them" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  timeout 300 apt-get update -qq
  timeout 600 apt-get install -y -qq "${missing[@]}" >/dev/null
fi
wrk -v 2>&1 | head -1 || true
