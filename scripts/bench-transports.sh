#!/usr/bin/env bash
# `npm run bench:transports`: the library's legacy transport against its Gateway transport (and
# fabric-network 2.2 when installed) on a network of its own (NETWORK_NAME=bench-transports,
# PORT_BASE=29500 unless set), removed afterwards unless KEEP_NETWORK=1. With KEEP_NETWORK=1 and a
# running network's NETWORK_DESCRIPTION, it measures that network instead of starting one.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib/network-session.sh
source scripts/lib/network-session.sh
network_session bench-transports 29500
npm run build --silent
if [[ "${KEEP_NETWORK:-0}" != 1 || ! -f "$NETWORK_DESCRIPTION" ]]; then
  bash test-network/network.sh up
  bash scripts/deploy-local.sh
fi
npx ts-node --transpile-only scripts/bench/transports.ts
