#!/usr/bin/env bash
# A local Hyperledger Fabric network of real processes, shaped like Amazon Managed Blockchain:
# one shared Raft ordering service, members each with their own CA and peers (MEMBERS=2 PEERS=2 by
# default), TLS everywhere, every listener on 127.0.0.1, chaincode as an external service.
#
# Usage: test-network/network.sh <command> [args]
#   up                      build what is missing, start and configure everything (idempotent);
#                           MEMBERS=1..8 founding members (Org1, Org2...) with PEERS=1..4 peers each
#                           (default 2 and 2), recorded in the network's state: later commands read
#                           the topology from there, not from these variables
#   deploy <dir> --name n [--version v] [--collections file] [--policy expr]
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
#   crl <member>            put the member CA's current revocation list into the member's MSP
#                           definition on the channel, so peers refuse revoked certificates
#   env <member> [p]        shell exports for the peer CLI as the member's admin, aimed at its peer p
#                           (default 1): eval "$(test-network/network.sh env Org1)"
#   help | -h | --help      this text
#
# Settings (environment): NETWORK_NAME (local), NETWORK_HOME (.network/<name>), PORT_BASE (30000;
# the network uses PORT_BASE+1 to PORT_BASE+979), CHANNEL_NAME (consortium), BATCH_TIMEOUT (0.5s),
# BATCH_SIZE (100), HEALTH_TIMEOUT (60 s); for `up` only: MEMBERS (2), PEERS (2).
set -euo pipefail

# shellcheck source=test-network/lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
# shellcheck source=test-network/lib/config.sh
source "$NETWORK_DIR/lib/config.sh"
# shellcheck source=test-network/lib/crypto.sh
source "$NETWORK_DIR/lib/crypto.sh"
# shellcheck source=test-network/lib/describe.sh
source "$NETWORK_DIR/lib/describe.sh"
# shellcheck source=test-network/lib/chaincode.sh
source "$NETWORK_DIR/lib/chaincode.sh"
# shellcheck source=test-network/lib/crl.sh
source "$NETWORK_DIR/lib/crl.sh"
# shellcheck source=test-network/lib/node.sh
source "$NETWORK_DIR/lib/node.sh"

NODES="$NETWORK_DIR/nodes"
INIT_MARK="$NETWORK_HOME/.initialised"

all_process_names() {
  echo kms
  ca_names
  orderer_names
  peer_names
  local f
  if [[ -d "$PIDS_DIR" ]]; then
    for f in "$PIDS_DIR"/cc-*.pid; do
      [[ -e "$f" ]] && basename "$f" .pid
    done
  fi
  return 0
}

all_ports() {
  local org p n slot
  kms_port
  orderer_ca_port
  orderer_ca_ops_port
  for n in $(seq 1 "$ORDERERS"); do
    orderer_port "$n"
    orderer_admin_port "$n"
    orderer_ops_port "$n"
  done
  for org in "${ORGS[@]}"; do
    ca_port "$org"
    ca_ops_port "$org"
    for p in $(peer_numbers "$org"); do
      peer_port "$org" "$p"
      peer_cc_port "$org" "$p"
      peer_ops_port "$org" "$p"
      for slot in $(seq 0 9); do
        ccserver_port "$slot" "$org" "$p" 0
        ccserver_port "$slot" "$org" "$p" 1
      done
    done
  done
}

any_running() {
  local name
  for name in $(all_process_names); do
    is_running "$name" && return 0
  done
  return 1
}

check_ports_free() {
  local port busy=()
  for port in $(all_ports); do
    port_in_use "$port" && busy+=("$port")
  done
  if ((${#busy[@]} > 0)); then
    die "port(s) ${busy[*]} already in use on 127.0.0.1. Another network or program holds them: stop it, or pick another range with PORT_BASE=<n> (this network uses ports within $((PORT_BASE + 1))-$((PORT_BASE + PORT_SPAN)))."
  fi
}

start_kms() {
  start_process kms bash "$NODES/kms.sh"
  wait_port kms "$(kms_port)"
}

start_cas() {
  local who
  for who in orderer "${ORGS[@]}"; do
    start_process "ca-${who,,}" bash "$NODES/ca.sh" "$who"
    # CAs whose keys are in the SoftHSM2 token start one at a time: a process that reads the token
    # while another writes a new key into it can fail to open it (CKR_GENERAL_ERROR).
    if [[ -f "$NETWORK_HOME/softhsm2.conf" ]]; then wait_ca "$who"; fi
  done
  for who in orderer "${ORGS[@]}"; do wait_ca "$who"; done
}

# wait_ca <member|orderer>: the CA answers on its operations endpoint.
wait_ca() {
  local url
  if [[ "$1" == orderer ]]; then url="http://127.0.0.1:$(orderer_ca_ops_port)/healthz"; else url="http://127.0.0.1:$(ca_ops_port "$1")/healthz"; fi
  wait_healthy "ca-${1,,}" "$url"
}

start_orderers() {
  local n
  for n in $(seq 1 "$ORDERERS"); do
    start_process "orderer$n" bash "$NODES/orderer.sh" "$n"
  done
  for n in $(seq 1 "$ORDERERS"); do
    wait_healthy "orderer$n" "http://127.0.0.1:$(orderer_ops_port "$n")/healthz"
  done
}

start_peers() {
  local org p
  for org in "${ORGS[@]}"; do
    for p in $(peer_numbers "$org"); do
      start_process "peer$p-${org,,}" bash "$NODES/peer.sh" "$org" "$p"
    done
  done
  for org in "${ORGS[@]}"; do
    for p in $(peer_numbers "$org"); do
      wait_healthy "peer$p-${org,,}" "http://127.0.0.1:$(peer_ops_port "$org" "$p")/healthz"
    done
  done
}

# init_softhsm: the network's SoftHSM2 token. The CAs keep their signing keys in it (nodes/ca.sh),
# so it exists before they start; without SoftHSM2 they keep them in files, as Fabric CA does.
init_softhsm() {
  if ! command -v softhsm2-util >/dev/null 2>&1 || [[ -z "$(softhsm_library)" ]]; then
    echo "WARNING: SoftHSM2 not found: no HSM token for this network, and the CAs keep their keys in files (install the softhsm2 package; HSM tests will be skipped)" >&2
    return 0
  fi
  mkdir -p "$DATA_DIR/softhsm"
  printf 'directories.tokendir = %s\nobjectstore.backend = file\nlog.level = ERROR\n' "$DATA_DIR/softhsm" >"$NETWORK_HOME/softhsm2.conf"
  new_secret >"$CRYPTO_DIR/hsm.pin"
  new_secret >"$CRYPTO_DIR/hsm.sopin"
  SOFTHSM2_CONF="$NETWORK_HOME/softhsm2.conf" softhsm2-util --init-token --free --label consortium \
    --pin "$(cat "$CRYPTO_DIR/hsm.pin")" --so-pin "$(cat "$CRYPTO_DIR/hsm.sopin")" >>"$LOGS_DIR/softhsm.log" 2>&1 ||
    die "initialising the SoftHSM2 token failed; see $LOGS_DIR/softhsm.log"
}

create_channel() {
  log "creating channel $CHANNEL_NAME (Raft, BatchTimeout $BATCH_TIMEOUT, V2_0 application capabilities)"
  mkdir -p "$ARTIFACTS_DIR"
  "$FABRIC_BIN/configtxgen" -configPath "$CONFIG_DIR" -profile ConsortiumChannel -channelID "$CHANNEL_NAME" \
    -outputBlock "$ARTIFACTS_DIR/$CHANNEL_NAME.block" >>"$LOGS_DIR/configtxgen.log" 2>&1 ||
    { tail -n 20 "$LOGS_DIR/configtxgen.log" >&2; die "configtxgen failed"; }
  local n admin="$CRYPTO_DIR/orderer/admin/tls"
  for n in $(seq 1 "$ORDERERS"); do
    "$FABRIC_BIN/osnadmin" channel join --channelID "$CHANNEL_NAME" --config-block "$ARTIFACTS_DIR/$CHANNEL_NAME.block" \
      -o "127.0.0.1:$(orderer_admin_port "$n")" --ca-file "$admin/ca.crt" \
      --client-cert "$admin/server.crt" --client-key "$admin/server.key" >>"$LOGS_DIR/osnadmin.log" 2>&1 ||
      { show_cli_error "$LOGS_DIR/osnadmin.log" | tail -n 5 >&2; die "orderer$n did not join $CHANNEL_NAME"; }
  done
  local org p
  for org in "${ORGS[@]}"; do
    for p in $(peer_numbers "$org"); do
      cli_step "peer$p-${org,,} joining $CHANNEL_NAME" peer-cli peer_cli "$org" "$p" channel join -b "$ARTIFACTS_DIR/$CHANNEL_NAME.block"
    done
  done
}

# peer_cli <org> <p> <args...>: the peer CLI as the member's admin, aimed at one of its peers.
peer_cli() {
  local org="$1" p="$2"
  shift 2
  FABRIC_CFG_PATH="$CONFIG_DIR" \
    CORE_PEER_LOCALMSPID="$(msp_id "$org")" \
    CORE_PEER_MSPCONFIGPATH="$CRYPTO_DIR/${org,,}/admin/msp" \
    CORE_PEER_ADDRESS="127.0.0.1:$(peer_port "$org" "$p")" \
    CORE_PEER_TLS_ENABLED=true \
    CORE_PEER_TLS_ROOTCERT_FILE="$(ca_root "$org")" \
    FABRIC_LOGGING_SPEC=ERROR \
    "$FABRIC_BIN/peer" "$@"
}

wait_channel_height() {
  local deadline=$((SECONDS + HEALTH_TIMEOUT)) org p h
  for org in "${ORGS[@]}"; do
    for p in $(peer_numbers "$org"); do
      while true; do
        h="$(peer_height "$org" "$p")"
        [[ "$h" =~ ^[0-9]+$ && "$h" -ge 1 ]] && break
        ((SECONDS < deadline)) || die "peer$p-${org,,} has no block of $CHANNEL_NAME after ${HEALTH_TIMEOUT}s"
        sleep 0.3
      done
    done
  done
}

# wait_gossip: every peer sees every peer of the channel in its gossip membership, as discovery
# reports it. Until then the gateway of one member finds no peers of another, and a transaction
# whose endorsement policy needs them is refused ("no combination of peers").
wait_gossip() {
  local deadline=$((SECONDS + HEALTH_TIMEOUT)) org p want seen
  want="$(peer_count)"
  for org in "${ORGS[@]}"; do
    for p in $(peer_numbers "$org"); do
      while true; do
        seen="$(peer_discover "$org" "$p" peers --channel "$CHANNEL_NAME" 2>/dev/null | grep -c '"Endpoint"' || true)"
        [[ "$seen" == "$want" ]] && break
        ((SECONDS < deadline)) ||
          die "peer$p-${org,,} sees ${seen:-0} of the channel's $want peers after ${HEALTH_TIMEOUT}s; see $LOGS_DIR/peer$p-${org,,}.log"
        sleep 0.5
      done
    done
  done
}

# peer_discover <org> <p> <discover args...>: Fabric's discovery CLI as the member's admin, asking
# one of its peers.
peer_discover() {
  local org="$1" p="$2" admin="$CRYPTO_DIR/${1,,}/admin/msp"
  shift 2
  "$FABRIC_BIN/discover" --peerTLSCA "$(ca_root "$org")" --userKey "$admin/keystore/key.pem" \
    --userCert "$admin/signcerts/cert.pem" --MSP "$(msp_id "$org")" "$@" --server "127.0.0.1:$(peer_port "$org" "$p")"
}

# wait_orderer_serves <n>: a restarted orderer answers /healthz before its Raft chain is back in
# step with the others; until then it refuses deliver and broadcast with SERVICE_UNAVAILABLE. Wait
# until it serves the channel's newest block, so `start` returns a network that takes
# transactions and config updates (tests and `crl` used to meet SERVICE_UNAVAILABLE right after).
wait_orderer_serves() {
  local n="$1" deadline=$((SECONDS + HEALTH_TIMEOUT)) out="$NETWORK_HOME/.orderer$1-probe.block"
  until peer_cli "${ORGS[0]}" "$(first_peer "${ORGS[0]}")" channel fetch newest "$out" -c "$CHANNEL_NAME" \
    -o "127.0.0.1:$(orderer_port "$n")" --tls --cafile "$(ca_root orderer)" >/dev/null 2>&1; do
    ((SECONDS < deadline)) || die "orderer$n does not serve channel $CHANNEL_NAME after ${HEALTH_TIMEOUT}s (see $LOGS_DIR/orderer$n.log)"
    sleep 0.5
  done
  rm -f "$out"
}

peer_height() {
  peer_cli "$1" "$2" channel getinfo -c "$CHANNEL_NAME" 2>/dev/null |
    sed -n 's/.*"height":\([0-9]*\).*/\1/p'
}

# A start-up that fails half way stops what it started (logs stay for the diagnosis), so a failed
# `up` or `start` never leaves orphan processes behind.
stop_started_on_failure() {
  local rc=$?
  # Neither a second Ctrl-C nor a closed stderr (the caller gone) may cut the clean-up short.
  trap '' INT TERM PIPE
  set +e
  if ((rc != 0)); then
    stop_started_here
  fi
  return "$rc"
}

# stop_started_here: stops, newest first, every process this invocation started.
stop_started_here() {
  local i
  ((${#STARTED_HERE[@]} > 0)) || return 0
  echo "stopping the ${#STARTED_HERE[@]} process(es) started here; logs are kept in $LOGS_DIR" >&2
  for ((i = ${#STARTED_HERE[@]} - 1; i >= 0; i--)); do
    stop_process "${STARTED_HERE[$i]}"
  done
}

# trap_start_up_failure: from here on, a failure or a SIGTERM stops what this invocation started.
# Without the TERM trap bash dies of the signal without running its EXIT trap, and the processes
# started in their own sessions (CAs, local-kms) stay.
trap_start_up_failure() {
  trap stop_started_on_failure EXIT
  trap_interruptions
}

# trap_interruptions: SIGINT and SIGTERM end the working shell with a failure status, so its EXIT
# trap cleans up. (Untrapped, a subshell that gets Ctrl-C's SIGINT can end with status 0 and its
# clean-up would think all went well.)
trap_interruptions() {
  trap 'echo "interrupted" >&2; exit 130' INT
  trap 'echo "terminated" >&2; exit 143' TERM
}

# interruptible <command...>: runs a command that starts processes (up, start, deploy) so that
# Ctrl-C or SIGTERM makes it stop what it started. The command runs in a background subshell and
# this shell waits for it: `wait` returns at once on a trapped signal, and the trap passes either
# signal on to the subshell as a SIGTERM, whose TERM and EXIT traps clean up. Trapping SIGINT in
# the working shell alone is not enough: bash ignores a SIGINT that arrives while a foreground
# child runs and does not die of it (fabric-ca-client, for one), so the trap never fires.
interruptible() {
  local child rc=0 signalled=0 interrupted=0
  "$@" &
  child=$!
  trap 'signalled=1; interrupted=1; echo "interrupted: cleaning up" >&2; kill -TERM "$child" 2>/dev/null || true' INT TERM
  # A trapped signal ends `wait` early; wait again until the command has finished its clean-up.
  while true; do
    signalled=0
    wait "$child" && rc=0 || rc=$?
    ((signalled)) || break
  done
  trap - INT TERM
  # However the command ended, an interrupted run is a failed run.
  if ((interrupted && (rc == 0 || rc > 255 || rc < 0))); then rc=130; fi
  return "$rc"
}

# founding_topology_args: checks MEMBERS and PEERS (1 to 8 members, 1 to 4 peers each) and prints
# them as "<members> <peers>"; a bad value is refused before anything starts.
founding_topology_args() {
  local members="${MEMBERS:-2}" peers="${PEERS:-2}"
  if [[ ! "$members" =~ ^[0-9]{1,3}$ ]] || ((10#$members < 1 || 10#$members > MAX_MEMBERS)); then
    die "MEMBERS must be a number of founding members from 1 to $MAX_MEMBERS, got '$members'"
  fi
  if [[ ! "$peers" =~ ^[0-9]{1,3}$ ]] || ((10#$peers < 1 || 10#$peers > MAX_PEERS)); then
    die "PEERS must be a number of peers per member from 1 to $MAX_PEERS, got '$peers'"
  fi
  echo "$((10#$members)) $((10#$peers))"
}

# new_topology <members> <peers>: the founding topology, Org1..OrgN with the same number of peers,
# in memory (write_topology records it).
new_topology() {
  local i
  load_topology
  for i in $(seq 1 "$1"); do
    add_member "Org$i"
    for _ in $(seq 1 "$2"); do add_peer "Org$i"; done
  done
}

# check_same_topology <members> <peers>: `up` on an existing network keeps its topology; MEMBERS or
# PEERS given explicitly and saying otherwise is a mistake worth naming, not something to ignore.
check_same_topology() {
  local org differs=0
  [[ -n "${MEMBERS:-}" ]] && (($1 != ${#ORGS[@]})) && differs=1
  if [[ -n "${PEERS:-}" ]]; then
    for org in "${ORGS[@]}"; do
      (($2 == $(peer_numbers "$org" | wc -l))) || differs=1
    done
  fi
  if ((differs)); then
    local shape="" o asked=""
    for o in "${ORGS[@]}"; do shape+="${shape:+, }$o ($(peer_numbers "$o" | wc -l) peer(s))"; done
    [[ -n "${MEMBERS:-}" ]] && asked+="MEMBERS=$MEMBERS "
    [[ -n "${PEERS:-}" ]] && asked+="PEERS=$PEERS "
    die "the network in $NETWORK_HOME already has the members $shape; ${asked}asks for another topology: \`network.sh down\` it first, or leave MEMBERS and PEERS unset to start it as it is"
  fi
}

cmd_up() {
  reset_clock
  local shape members peers
  shape="$(founding_topology_args)"
  read -r members peers <<<"$shape"
  if [[ -f "$INIT_MARK" ]]; then
    require_network
    check_same_topology "$members" "$peers"
  fi
  build_all
  log "binaries ready: Fabric $FABRIC_VERSION, Fabric CA $FABRIC_CA_VERSION, local-kms $LOCAL_KMS_COMMIT (cache $TOOLKIT_CACHE)"
  if [[ -f "$INIT_MARK" ]]; then
    cmd_start
    log "network $NETWORK_NAME is up; description: $DESCRIPTION_FILE"
    return 0
  fi
  trap_start_up_failure
  if [[ -d "$NETWORK_HOME" ]]; then
    log "found state of an interrupted start-up in $NETWORK_HOME: stopping its processes and removing it"
    cmd_down >/dev/null
  fi
  new_topology "$members" "$peers"
  check_ports_free
  mkdir -p "$PIDS_DIR" "$LOGS_DIR" "$DATA_DIR" "$CRYPTO_DIR" "$CONFIG_DIR" "$ARTIFACTS_DIR"
  write_topology
  log "topology: $members member(s) with $peers peer(s) each, recorded in $TOPOLOGY_FILE"
  local who
  for who in orderer "${ORGS[@]}"; do new_secret >"$CRYPTO_DIR/registrar-${who,,}.secret"; done
  write_node_config
  init_softhsm
  if [[ -f "$NETWORK_HOME/softhsm2.conf" ]]; then
    log "starting local-kms and the certificate authorities (signing keys in the SoftHSM2 token)"
  else
    log "starting local-kms and the certificate authorities"
  fi
  start_kms
  start_cas
  log "issuing identities from each member's CA"
  issue_identities
  write_configtx
  log "starting $ORDERERS orderers"
  start_orderers
  log "starting $(peer_count) peers of ${#ORGS[@]} member(s)"
  start_peers
  create_channel
  wait_channel_height
  log "waiting until every peer sees the $(peer_count) peers of $CHANNEL_NAME"
  wait_gossip
  write_description
  touch "$INIT_MARK"
  trap - EXIT INT TERM
  log "network $NETWORK_NAME is up; description: $DESCRIPTION_FILE"
}

cmd_start() {
  reset_clock
  require_network
  build_all
  check_stopped_ports_free
  trap_start_up_failure
  log "starting local-kms and the certificate authorities"
  start_kms
  start_cas
  log "starting orderers"
  start_orderers
  local n
  for n in $(seq 1 "$ORDERERS"); do wait_orderer_serves "$n"; done
  log "starting peers"
  start_peers
  if [[ -n "$(cc_names)" ]]; then
    log "starting chaincode servers"
    start_ccservers
  fi
  wait_channel_height
  wait_gossip
  trap - EXIT INT TERM
  log "network $NETWORK_NAME is running"
}

# Before restarting, the ports of nodes that are not running must be free.
check_stopped_ports_free() {
  any_running && return 0
  check_ports_free
}

cmd_stop() {
  local name
  for name in $(all_process_names | tac); do
    stop_process "$name"
  done
  log "network $NETWORK_NAME stopped (state kept in $NETWORK_HOME)"
}

cmd_down() {
  local name f
  if [[ ! -d "$NETWORK_HOME" ]]; then
    log "no network in $NETWORK_HOME; nothing to remove"
    return 0
  fi
  for name in $(all_process_names | tac); do
    stop_process "$name"
  done
  # Processes recorded under names this version no longer knows are stopped too.
  if [[ -d "$PIDS_DIR" ]]; then
    for f in "$PIDS_DIR"/*.pid; do
      [[ -e "$f" ]] && stop_process "$(basename "$f" .pid)"
    done
  fi
  rm -rf "$NETWORK_HOME"
  log "network $NETWORK_NAME removed"
}

cmd_logs() {
  local node="${1:-}"
  [[ -n "$node" ]] || die "usage: network.sh logs <node>; nodes: $(all_process_names | tr '\n' ' ')"
  [[ -f "$LOGS_DIR/$node.log" ]] || die "no log for '$node' in $LOGS_DIR; nodes: $(all_process_names | tr '\n' ' ')"
  if [[ "${FOLLOW:-1}" == 1 && -t 1 ]]; then
    tail -n 100 -f "$LOGS_DIR/$node.log"
  else
    tail -n "${LINES_SHOWN:-100}" "$LOGS_DIR/$node.log"
  fi
}

# cmd_env <member> [peer number]: the peer CLI settings of the member's admin, as shell exports,
# so `eval "$(network.sh env Org1)"` points a shell's `peer` at this network.
cmd_env() {
  local member="${1:-}" p="${2:-}" org=""
  [[ -n "$member" ]] || usage_error "usage: network.sh env <member> [peer number]; members: ${ORGS[*]}"
  require_network
  org="$(org_of "${member,,}")" || die "unknown member '$member'; members: ${ORGS[*]}"
  [[ -n "$p" ]] || p="$(first_peer "$org")"
  if ! peer_numbers "$org" | grep -qxF -- "$p"; then
    die "$org has no peer '$p'; its peers: $(peer_numbers "$org" | paste -sd ' ')"
  fi
  local line
  for line in \
    "FABRIC_CFG_PATH=$CONFIG_DIR" \
    "CORE_PEER_LOCALMSPID=$(msp_id "$org")" \
    "CORE_PEER_MSPCONFIGPATH=$CRYPTO_DIR/${org,,}/admin/msp" \
    "CORE_PEER_ADDRESS=127.0.0.1:$(peer_port "$org" "$p")" \
    "CORE_PEER_TLS_ENABLED=true" \
    "CORE_PEER_TLS_ROOTCERT_FILE=$(ca_root "$org")" \
    "ORDERER_ADDRESS=127.0.0.1:$(orderer_port 1)" \
    "ORDERER_CA=$(ca_root orderer)" \
    "CHANNEL_NAME=$CHANNEL_NAME"; do
    printf 'export %s=%q\n' "${line%%=*}" "${line#*=}"
  done
  # PATH keeps the caller's own entries: its $PATH is expanded by the shell that evals this.
  # shellcheck disable=SC2016
  printf 'export PATH=%q:"$PATH"\n' "$FABRIC_BIN"
}

# cmd_topology: one member a line, "<member> <MSP id> <peer node names...>", for scripts (such as
# scripts/deploy-local.sh) that act on every member.
cmd_topology() {
  (($# == 0)) || usage_error "usage: network.sh topology"
  require_network
  local org p line
  for org in "${ORGS[@]}"; do
    line="$org $(msp_id "$org")"
    for p in $(peer_numbers "$org"); do line+=" peer$p-${org,,}"; done
    echo "$line"
  done
}

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
    chaincode) cmd_chaincode "$@" ;;
    describe) echo "$DESCRIPTION_FILE" ;;
    topology) cmd_topology "$@" ;;
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
