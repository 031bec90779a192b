#!/usr/bin/env bash
# A local Hyperledger Fabric network of real processes, shaped like Amazon Managed Blockchain:
# one shared Raft ordering service, members each with their own CA and peers (MEMBERS=2 PEERS=2 by
# default), TLS everywhere, every listener on 127.0.0.1, chaincode as an external service.
#
# Usage: test-network/network.sh <command> [args]
#   up                      build what is missing, start and configure everything (idempotent);
#                           MEMBERS=1..8 founding members (Org1, Org2...) with PEERS=1..4 peers each
#                           (default 2 and 2), recorded in the network's state: later commands read
#                           the topology from there, not from these variables;
#                           NETWORK_PROFILE=2.5 (default) or amb (Gateway service off, application
#                           capability V2_0, packages served by Node 12), CHANNEL_CAPABILITY=V2_0|V2_5
#                           (2.5 profile only; default V2_5), recorded the same way;
#                           NODE_KEYS=file (default) or hsm: every peer's and orderer's MSP signing
#                           key generated at enrollment in a SoftHSM2 token of its own, never in a
#                           key file (the nodes run a PKCS#11 build of Fabric, built on first use;
#                           TLS keys stay files), recorded the same way and honoured by start,
#                           node create and member create
#   deploy <dir|package.tar.gz> --name n [--version v] [--collections file] [--policy expr]
#                           check the inputs, package, install, start one chaincode server per peer,
#                           approve, commit; deploying a name again upgrades it without a gap
#   chaincode list          deployed chaincodes: version, sequence, servers up, directory
#   chaincode remove <name> stop a chaincode's servers and forget it (its definition stays on the
#                           channel: Fabric cannot remove one)
#   stop | start            stop or restart every process, keeping ledgers and identities
#   stop <node>             stop one node gracefully (SIGTERM, SIGKILL after 10 s), keeping its data
#   start <node>            start one stopped node and wait until it is healthy
#   kill <node>             SIGKILL the node's process group (as kill -9 would; `start <node>` revives it)
#   pause | resume <node>   SIGSTOP / SIGCONT the node's process group
#   down                    stop every process this network started and remove its state
#   status [--json]         every node: PID, state (healthy, unhealthy, paused, stopped), port,
#                           block height of peers, Raft leader among orderers; --json for programs
#   logs <node>             follow one node's log (names as in `status`)
#   describe                print the network description path
#   topology                the members and their peers, one member a line:
#                           <member> <MSP id> <peer node names...>
#   node create <member>    a new peer for the member (AMB CreateNode): identity from the member's
#                           CA, joined to the channel from a ledger snapshot of one of the member's
#                           peers, chaincodes installed, recorded in the description; prints its id
#   node delete <member> <node>
#                           stop a peer (name or id) and forget it; a member keeps at least one
#   member prepare <Name>   start an invitee's CA (key in the HSM) and print its MSP definition, the
#                           one an invitation must carry; no peers yet
#   member definition <Name> [--hash]
#                           print that definition (canonical JSON) or its hash again
#   member create <Name> --invitation <id> [--peers n] [--timeout s]
#                           join a prepared member (AMB CreateMember): check the invitation on the
#                           chain, start its peers, wait until the channel has its MSP, join them,
#                           set its anchor peer, approve the chaincodes, accept; prints its id
#   member delete <Name> [--force]
#                           stop a member's processes and forget it (after its removal from the
#                           channel; --force even before)
#   profile                 the recorded profile and application capability: "amb V2_0"
#   crl <member>            put the member CA's current revocation list into the member's MSP
#                           definition on the channel, so peers refuse revoked certificates
#   env <member> [p]        shell exports for the peer CLI as the member's admin, aimed at its peer p
#                           (default 1): eval "$(test-network/network.sh env Org1)"
#   help | -h | --help      this text
#
# Settings (environment): NETWORK_NAME (local), NETWORK_HOME (.network/<name>), PORT_BASE (30000;
# the network uses PORT_BASE+1 to PORT_BASE+979), CHANNEL_NAME (consortium), BATCH_TIMEOUT (0.5s),
# BATCH_SIZE (100), HEALTH_TIMEOUT (60 s); for `up` only: MEMBERS (2), PEERS (2), NETWORK_PROFILE,
# CHANNEL_CAPABILITY, NODE_KEYS (file).
set -euo pipefail

# shellcheck source=test-network/lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
# shellcheck source=test-network/lib/config.sh
source "$NETWORK_DIR/lib/config.sh"
# shellcheck source=test-network/lib/crypto.sh
source "$NETWORK_DIR/lib/crypto.sh"
# shellcheck source=test-network/lib/describe.sh
source "$NETWORK_DIR/lib/describe.sh"
# shellcheck source=test-network/lib/chaincode-source.sh
source "$NETWORK_DIR/lib/chaincode-source.sh"
# shellcheck source=test-network/lib/chaincode.sh
source "$NETWORK_DIR/lib/chaincode.sh"
# shellcheck source=test-network/lib/crl.sh
source "$NETWORK_DIR/lib/crl.sh"
# shellcheck source=test-network/lib/node.sh
source "$NETWORK_DIR/lib/node.sh"
# shellcheck source=test-network/lib/channel-config.sh
source "$NETWORK_DIR/lib/channel-config.sh"

NODES="$NETWORK_DIR/nodes"
INIT_MARK="$NETWORK_HOME/.initialised"

# shellcheck source=test-network/lib/peer-cli.sh
source "$NETWORK_DIR/lib/peer-cli.sh"
# shellcheck source=test-network/lib/readiness.sh
source "$NETWORK_DIR/lib/readiness.sh"
# shellcheck source=test-network/lib/lifecycle.sh
source "$NETWORK_DIR/lib/lifecycle.sh"
# shellcheck source=test-network/lib/inspect.sh
source "$NETWORK_DIR/lib/inspect.sh"
# shellcheck source=test-network/lib/node-admin.sh
source "$NETWORK_DIR/lib/node-admin.sh"
# shellcheck source=test-network/lib/member-steps.sh
source "$NETWORK_DIR/lib/member-steps.sh"
# shellcheck source=test-network/lib/member-admin.sh
source "$NETWORK_DIR/lib/member-admin.sh"

# one_node <args...>: the arguments are exactly one node name.
one_node() {
  if (($# != 1)) || [[ -z "$1" || "$1" == -* ]]; then
    usage_error "expected one node name (as in \`network.sh status\`), got: ${*:-nothing}"
  fi
}

usage() {
  sed -n '2,/^[^#]/{/^#/p}' "$0" | sed 's/^# \{0,1\}//'
}

# usage_error <message>: a mistake in the command line: the message, a pointer to the usage, exit 2.
usage_error() {
  echo "error: $*" >&2
  echo "run \`network.sh help\` for the usage" >&2
  exit 2
}

main() {
  local cmd="${1:-}"
  [[ $# -gt 0 ]] && shift
  case "$cmd" in
    up) interruptible cmd_up "$@" ;;
    start) if (($# > 0)); then one_node "$@" && cmd_node_start "$1"; else interruptible cmd_start; fi ;;
    stop) if (($# > 0)); then one_node "$@" && cmd_node_stop "$1"; else cmd_stop; fi ;;
    kill) one_node "$@" && cmd_node_signal "$1" KILL ;;
    pause) one_node "$@" && cmd_node_signal "$1" STOP ;;
    resume) one_node "$@" && cmd_node_signal "$1" CONT ;;
    down) cmd_down "$@" ;;
    status) cmd_status "$@" ;;
    logs) cmd_logs "$@" ;;
    deploy) interruptible cmd_deploy "$@" ;;
    crl) cmd_crl "$@" ;;
    node) cmd_node "$@" ;;
    member) cmd_member "$@" ;;
    chaincode) cmd_chaincode "$@" ;;
    describe) echo "$DESCRIPTION_FILE" ;;
    topology) cmd_topology "$@" ;;
    profile)
      (($# == 0)) || usage_error "usage: network.sh profile"
      require_network
      echo "$PROFILE $CHANNEL_CAP"
      ;;
    env) cmd_env "$@" ;;
    build) build_all ;;
    help | -h | --help) usage ;;
    "")
      usage >&2
      exit 2
      ;;
    *)
      usage >&2
      usage_error "unknown command '$cmd'"
      ;;
  esac
}

main "$@"
