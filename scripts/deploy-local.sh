#!/usr/bin/env bash
# Deploys the project's chaincode package to the local network selected by
# NETWORK_NAME/NETWORK_HOME/PORT_BASE under two chaincode definitions, plus the kv chaincode the
# benchmark baseline uses:
#
#   consortium  the feeds contract, endorsed by any one member's peer
#               (CHAINCODE_POLICY, default OR('Org1MSP.peer','Org2MSP.peer')). Reports are checked
#               against their oracles' signatures in chaincode, and premium data must be endorsed
#               by the feed owner's peer plus one peer of each current subscriber and nobody else,
#               which a MAJORITY policy would break whenever subscribers are not a majority.
#   membership  the membership contract, under the channel's default endorsement policy
#               (MAJORITY of the members' peers), so that no single member's peer can forge
#               another member's vote, an outcome or the initialisation.
#
# Both definitions carry chaincode/collections.json. Only `membership` uses membershipPrivate, but
# the `consortium` definition has carried it since it first held both contracts, and Fabric refuses
# a definition upgrade that drops an existing collection, so redeploying over an older network
# would fail without it.
set -euo pipefail
cd "$(dirname "$0")/.."
POLICY="${CHAINCODE_POLICY:-OR('Org1MSP.peer','Org2MSP.peer')}"
bash test-network/network.sh deploy chaincode --name consortium --collections chaincode/collections.json --policy "$POLICY"
bash test-network/network.sh deploy chaincode --name membership --collections chaincode/collections.json
bash test-network/network.sh deploy test/fixtures/kv-chaincode --name kv --policy "$POLICY"
