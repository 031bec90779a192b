#!/usr/bin/env bash
# Deploys the project's chaincode package to the local network selected by
# NETWORK_NAME/NETWORK_HOME/PORT_BASE under two chaincode definitions, plus the kv chaincode the
# benchmark baseline uses:
#
#   consortium  the feeds contract, endorsed by any one member's peer (CHAINCODE_POLICY, default
#               an OR over every member of the network's topology, such as
#               OR('Org1MSP.peer','Org2MSP.peer') for two members). Reports are checked
#               against their oracles' signatures in chaincode, and premium data must be endorsed
#               by the feed owner's peer plus one peer of each current subscriber and nobody else,
#               which a MAJORITY policy would break whenever subscribers are not a majority.
#   membership  the membership contract, under the channel's default endorsement policy
#               (MAJORITY of the members' peers), so that no single member's peer can forge
#               another member's vote, an outcome or the initialisation.
#
# Both definitions carry chaincode/collections.json with its membershipPrivate policy widened to
# every member of the topology (the file names the two default members). Only `membership` uses
# membershipPrivate, but the `consortium` definition has carried it since it first held both
# contracts, and Fabric refuses a definition upgrade that drops an existing collection, so
# redeploying over an older network would fail without it.
#
# On a network of the amb profile (`network.sh profile`), consortium and membership are the AMB
# build of the chaincode (scripts/package-chaincode.sh --target amb: Node 12, fabric-shim 2.2,
# dependencies bundled), whose servers the network runs under Node 12.22.12; kv stays a directory
# served by the machine's Node (its fabric-contract-api 2.5 needs a newer Node).
#
# The members come from the network's recorded topology (`network.sh topology`), never from
# constants, so a network brought up with MEMBERS=3 gets a three-member policy.
set -euo pipefail
cd "$(dirname "$0")/.."
mapfile -t msps < <(bash test-network/network.sh topology | cut -d' ' -f2)
((${#msps[@]} > 0)) || {
  echo "error: the network has no members; is it up?" >&2
  exit 1
}
# or_policy <role>: OR('Org1MSP.<role>','Org2MSP.<role>',...) over every member.
or_policy() {
  local msp out=""
  for msp in "${msps[@]}"; do out+="${out:+,}'$msp.$1'"; done
  echo "OR($out)"
}
POLICY="${CHAINCODE_POLICY:-$(or_policy peer)}"
# The network's home (where its description lives) keeps the generated collections file.
collections="$(dirname "$(bash test-network/network.sh describe)")/artifacts/collections.json"
node -e '
  const fs = require("fs");
  const [source, policy, out] = process.argv.slice(1);
  const collections = JSON.parse(fs.readFileSync(source, "utf8"));
  for (const c of collections) if (c.name === "membershipPrivate") c.policy = policy;
  fs.writeFileSync(out, JSON.stringify(collections, null, 2) + "\n");
' chaincode/collections.json "$(or_policy member)" "$collections"
read -r profile _ <<<"$(bash test-network/network.sh profile)"
contracts=chaincode
if [[ "$profile" == amb ]]; then
  contracts="$(bash scripts/package-chaincode.sh --target amb | tail -n 1)"
fi
bash test-network/network.sh deploy "$contracts" --name consortium --collections "$collections" --policy "$POLICY"
bash test-network/network.sh deploy "$contracts" --name membership --collections "$collections"
bash test-network/network.sh deploy test/fixtures/kv-chaincode --name kv --policy "$POLICY"
