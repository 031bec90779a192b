#!/usr/bin/env bash
# Runs a command against a fresh local network with the project's chaincode deployed, then removes
# the network whatever the command's outcome. The command finds the network description in
# NETWORK_DESCRIPTION. Reuses a network already described there when KEEP_NETWORK=1.
#
# Usage: scripts/with-network.sh <command...>
set -euo pipefail
cd "$(dirname "$0")/.."
export NETWORK_NAME="${NETWORK_NAME:-it}"
export PORT_BASE="${PORT_BASE:-31000}"
export NETWORK_HOME="${NETWORK_HOME:-$PWD/.network/$NETWORK_NAME}"
export NETWORK_DESCRIPTION="$NETWORK_HOME/network.json"

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  if ((rc != 0)) && [[ -d "$NETWORK_HOME/logs" ]]; then
    # The network's state goes with `down`; its logs are what explains the failure, so keep them.
    rm -rf "$NETWORK_HOME.failed-logs"
    cp -r "$NETWORK_HOME/logs" "$NETWORK_HOME.failed-logs"
    echo "node logs of the failed run kept in $NETWORK_HOME.failed-logs" >&2
  fi
  if [[ "${KEEP_NETWORK:-0}" != 1 ]]; then
    bash test-network/network.sh down >/dev/null 2>&1 || true
  fi
  exit "$rc"
}
trap cleanup EXIT INT TERM

bash test-network/network.sh up
bash scripts/deploy-local.sh
"$@"
