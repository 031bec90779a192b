#!/usr/bin/env bash
# `npm run demo`: installs what is missing, brings the local network up (or reuses it), deploys the
# chaincode if it is not there yet, runs the end-to-end story (scripts/demo/main.ts), then leaves
# the operator console running for Org1 and prints its URL (scripts/demo/console.sh; a rerun
# replaces it). Both keep running; `npm run demo -- --down` stops and removes them at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
down=0
for arg in "$@"; do
  case "$arg" in
    --down) down=1 ;;
    *) echo "usage: npm run demo [-- --down]" >&2; exit 2 ;;
  esac
done
export NETWORK_NAME="${NETWORK_NAME:-local}"
export PORT_BASE="${PORT_BASE:-30000}"
export NETWORK_HOME="${NETWORK_HOME:-$PWD/.network/$NETWORK_NAME}"
export NETWORK_DESCRIPTION="$NETWORK_HOME/network.json"
# One clock for every step line, this script's and scripts/demo/main.ts's: milliseconds since the
# demo started, printed as seconds with one decimal (formatElapsed in scripts/demo/format.ts).
DEMO_STARTED_MS="$(date +%s%3N)"
# test-network's log lines (network.sh up, deploy) count from the same moment.
LOG_CLOCK_ORIGIN_MS="$DEMO_STARTED_MS"
export DEMO_STARTED_MS LOG_CLOCK_ORIGIN_MS
elapsed() {
  local ms=$(($(date +%s%3N) - DEMO_STARTED_MS))
  printf '%d.%d' "$((ms / 1000))" "$((ms % 1000 / 100))"
}
say() { printf '\n[%5ss] %s\n' "$(elapsed)" "$*"; }

say "0. Installing what is missing (npm packages; Fabric, Fabric CA and local-kms built once into a cache)"
bash scripts/bootstrap.sh
# The demo uses @oracle-consortium/gateway by name, which resolves to its built dist/.
npm run build --silent

say "1. Bringing the local network up and deploying the chaincode with its collections"
bash test-network/network.sh up
deployed=1
for cc in consortium membership kv; do
  [[ -f "$NETWORK_HOME/artifacts/chaincode/$cc/package-id" ]] || deployed=0
done
if [[ "$deployed" == 0 ]]; then
  bash scripts/deploy-local.sh
else
  echo "chaincode already deployed on this network"
fi

npx ts-node --transpile-only scripts/demo/main.ts

if [[ "$down" == 1 ]]; then
  # network.sh down also ends a console an earlier run left (pids/console.pid).
  say "Stopping the network"
  bash test-network/network.sh down
else
  say "Leaving the operator console running"
  bash scripts/demo/console.sh start
  printf '\nThe network is still running (description: %s).\nStop it and the console with: bash test-network/network.sh down   (or run the demo with: npm run demo -- --down)\n' "$NETWORK_DESCRIPTION"
fi
printf 'Total time: %s s\n' "$(elapsed)"
