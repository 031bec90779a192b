#!/usr/bin/env bash
# `npm run bench:oracle-nodes`: oracle-node clusters of 4, 16 and 31 processes on a network of its
# own (NETWORK_NAME=bench-oracles, PORT_BASE=29000 unless set; the nodes' ports from 31000),
# removed afterwards unless KEEP_NETWORK=1 (scripts/bench/oracle-nodes.ts says what it measures).
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib/network-session.sh
source scripts/lib/network-session.sh
network_session bench-oracles 29000
npm run build --silent
if [[ "${KEEP_NETWORK:-0}" != 1 || ! -f "$NETWORK_DESCRIPTION" ]]; then
  bash test-network/network.sh up
  bash scripts/deploy-local.sh
fi
npx ts-node --transpile-only scripts/bench/oracle-nodes.ts
