#!/usr/bin/env bash
# Runs a command against a fresh local network with the project's chaincode deployed, then removes
# the network whatever the command's outcome. The command finds the network description in
# NETWORK_DESCRIPTION. Reuses a network already described there when KEEP_NETWORK=1. MEMBERS and
# PEERS choose the topology of the network it brings up (network.sh up; default 2 and 2), and the
# chaincode is deployed for every member of it (scripts/deploy-local.sh).
#
# Usage: scripts/with-network.sh <command...>
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib/network-session.sh
source scripts/lib/network-session.sh
network_session it 31000

# Tests, tools and the chaincode use the packages by name, which resolve to their built dist/.
npm run build --silent

bash test-network/network.sh up
bash scripts/deploy-local.sh
"$@"
