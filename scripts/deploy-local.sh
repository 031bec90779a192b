#!/usr/bin/env bash
# Deploys the project's chaincode (feeds and membership contracts) to the local network selected by
# NETWORK_NAME/NETWORK_HOME/PORT_BASE, with its private data collections, plus the kv chaincode the
# benchmark baseline uses.
#
# Endorsement policy: any one member's peer. Premium feed data must be endorsed by the provider's
# peers alone, so that a member without a subscription never receives it (see README).
set -euo pipefail
cd "$(dirname "$0")/.."
POLICY="${CHAINCODE_POLICY:-OR('Org1MSP.peer','Org2MSP.peer')}"
bash test-network/network.sh deploy chaincode --name consortium --collections chaincode/collections.json --policy "$POLICY"
bash test-network/network.sh deploy test/fixtures/kv-chaincode --name kv --policy "$POLICY"
