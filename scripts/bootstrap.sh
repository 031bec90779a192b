#!/usr/bin/env bash
# Installs what a fresh clone lacks: npm dependencies, the Fabric, Fabric CA and local-kms binaries
# (built once into a cache outside the clone), and, where this user may install packages, SoftHSM2,
# the shellcheck linter, chromium (driven headless by the console's end-to-end tests) and the
# PostgreSQL server (started by the oracle node's active/standby tests). Safe to run repeatedly.
set -euo pipefail
cd "$(dirname "$0")/.."

need_pkgs=()
command -v softhsm2-util >/dev/null 2>&1 || need_pkgs+=(softhsm2)
command -v shellcheck >/dev/null 2>&1 || need_pkgs+=(shellcheck)
command -v curl >/dev/null 2>&1 || need_pkgs+=(curl)
command -v chromium >/dev/null 2>&1 || need_pkgs+=(chromium)
# The server binaries live outside PATH, in /usr/lib/postgresql/<version>/bin.
compgen -G '/usr/lib/postgresql/*/bin/postgres' >/dev/null || need_pkgs+=(postgresql)
if ((${#need_pkgs[@]} > 0)); then
  if [[ "$(id -u)" == 0 ]] && command -v apt-get >/dev/null 2>&1; then
    echo "installing system packages: ${need_pkgs[*]}" >&2
    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_pkgs[@]}" >/dev/null
  else
    echo "WARNING: missing system packages: ${need_pkgs[*]}; install them (Debian/Ubuntu: sudo apt-get install ${need_pkgs[*]}). Parts that need them will be skipped or fail." >&2
  fi
fi

if [[ ! -d node_modules || package-lock.json -nt node_modules/.package-lock.json ]]; then
  echo "installing npm dependencies" >&2
  npm ci --no-audit --no-fund
fi

bash test-network/network.sh build
