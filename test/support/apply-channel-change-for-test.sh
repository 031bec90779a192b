#!/usr/bin/env bash
# TEST ONLY: adds an organisation to, or removes one from, the local network's channel the classic
# manual way (fetch the config block, edit it, configtxlator compute_update, `peer channel
# signconfigtx` by each member's admin, `peer channel update`), as fabric-samples' addOrg3 does.
# It stands in for the members' governance agents, which carry out an approved ADD_ORG/REMOVE_ORG
# through the membership contract, so `network.sh member create` can be tested before they exist.
# No operator command uses it: a real network changes its channel only through the agents.
#
# Usage: test/support/apply-channel-change-for-test.sh add <Name> | remove <Name>
#   add <Name>     the prepared member's MSP (from its MSP folder, `network.sh member prepare`) as
#                  an Application organisation, signed by every current member's admin
#   remove <Name>  the member's organisation dropped, signed by every other member's admin
# Settings: as test-network/network.sh (NETWORK_NAME, NETWORK_HOME, PORT_BASE).
set -euo pipefail
# shellcheck source=test-network/lib/common.sh
source "$(dirname "$0")/../../test-network/lib/common.sh"
# shellcheck source=test-network/lib/config.sh
source "$NETWORK_DIR/lib/config.sh"
# shellcheck source=test-network/lib/crypto.sh
source "$NETWORK_DIR/lib/crypto.sh"
# shellcheck source=test-network/lib/peer-cli.sh
source "$NETWORK_DIR/lib/peer-cli.sh"
# shellcheck source=test-network/lib/channel-config.sh
source "$NETWORK_DIR/lib/channel-config.sh"

action="${1:-}"
name="${2:-}"
if (($# != 2)) || [[ "$action" != add && "$action" != remove ]]; then
  echo "usage: $0 add <Name> | remove <Name>" >&2
  exit 2
fi
msp="$(msp_id "$name")"
signers=()
for org in "${ORGS[@]}"; do [[ "$org" == "$name" ]] || signers+=("$org"); done
((${#signers[@]} > 0)) || die "no member left to sign the change"
[[ "$action" == remove || -d "$CRYPTO_DIR/${name,,}/msp" ]] || die "$name has no MSP folder: \`network.sh member prepare $name\` first"

work="$(mktemp -d "$NETWORK_HOME/.channel-change-for-test.XXXXXX")"
trap 'rm -rf "$work"' EXIT
step() {
  local what="$1"
  shift
  "$@" >>"$work/out" 2>&1 || {
    show_cli_error "$work/out" >&2
    die "$what failed"
  }
}
# print_org <dir> <msp id> <out>: configtxgen's JSON of one organisation group.
print_org() {
  FABRIC_CFG_PATH="$1" "$FABRIC_BIN/configtxgen" -printOrg "$2" >"$3"
}

step "fetching the channel configuration" config_fetch "${signers[0]}" "$work/config.pb"
step "decoding the channel configuration" config_decode "$work/config.pb" "$work/config.json"
touch "$work/org.json"
if [[ "$action" == add ]]; then
  # The organisation group as configtxgen prints it from the member's MSP folder: its MSP value and
  # its Readers/Writers/Admins/Endorsement policies, no anchor peer (the member sets its own).
  mkdir -p "$work/configtx"
  {
    echo "Organizations:"
    org_block "$name"
  } >"$work/configtx/configtx.yaml"
  step "printing $msp's organisation group" print_org "$work/configtx" "$msp" "$work/org.json"
fi
step "editing the configuration" node -e '
  const fs = require("fs");
  const [file, action, mspId, orgFile, out] = process.argv.slice(1);
  const config = JSON.parse(fs.readFileSync(file, "utf8"));
  const groups = config.channel_group.groups.Application.groups;
  if (action === "add") {
    if (groups[mspId] !== undefined) throw new Error(mspId + " is already in the channel");
    groups[mspId] = JSON.parse(fs.readFileSync(orgFile, "utf8"));
  } else {
    if (groups[mspId] === undefined) throw new Error(mspId + " is not in the channel");
    delete groups[mspId];
  }
  fs.writeFileSync(out, JSON.stringify(config));
' "$work/config.json" "$action" "$msp" "$work/org.json" "$work/modified.json"
step "computing the update" config_update_envelope "$work/config.json" "$work/modified.json" "$work"
last=$((${#signers[@]} - 1))
for org in "${signers[@]:0:last}"; do
  step "signing as $(msp_id "$org")'s admin" peer_cli "$org" "$(first_peer "$org")" channel signconfigtx -f "$work/envelope.pb"
done
# `peer channel update` adds the last admin's signature.
step "submitting the update as $(msp_id "${signers[$last]}")'s admin" peer_cli "${signers[$last]}" "$(first_peer "${signers[$last]}")" \
  channel update -f "$work/envelope.pb" -c "$CHANNEL_NAME" -o "127.0.0.1:$(orderer_port 1)" --tls --cafile "$(ca_root orderer)"
echo "$action $msp: applied, signed by ${signers[*]}"
