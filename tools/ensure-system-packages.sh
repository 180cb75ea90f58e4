#!/usr/bin/env bash
# Debian packages needed to build and test, installed only when missing (needs root).
set -euo pipefail
missing=()
command -v gcc >/dev/null 2>&1 || missing+=(gcc)
python3.11 -c 'import sysconfig, os, sys; sys.exit(not os.path.exists(os.path.join(sysconfig.get_paths()["include"], "Python.h")))' \
    2>/dev/null || missing+=(python3-dev)
command -v make >/dev/null 2>&1 || missing+=(make)
# The compose file's check (tests/test_deploy.py) runs `docker compose config`; no engine is needed.
{ docker compose version || command -v docker-compose; } >/dev/null 2>&1 || missing+=(docker-compose)
if [ ${#missing[@]} -eq 0 ]; then
    exit 0
fi
if [ "$(id -u)" != 0 ]; then
    echo "error: missing Debian packages: ${missing[*]} (sudo apt-get install -y ${missing[*]})" >&2
    exit 1
fi
echo "Installing Debian packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq "${missing[@]}" >/dev/null
