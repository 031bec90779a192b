#!/usr/bin/env bash
# The network's life cycle: `up` (build what is missing, issue identities from the CAs, start the
# ordering service and the peers, create the channel, write the description), `start` and `stop`
# of every process, and `down`. Each start-up returns only when the network takes transactions:
# every node healthy, every orderer serving the channel, every peer seeing every other through
# gossip; one that fails or is interrupted half way stops what it started.

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
  for org in "${PREPARED[@]}"; do
    ca_port "$org"
    ca_ops_port "$org"
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
  # Prepared members' CAs too (`network.sh member prepare`): they issue the identities of a member
  # about to join.
  for who in orderer "${ORGS[@]}" "${PREPARED[@]}"; do
    start_process "ca-${who,,}" bash "$NODES/ca.sh" "$who"
    # CAs whose keys are in the SoftHSM2 token start one at a time: a process that reads the token
    # while another writes a new key into it can fail to open it (CKR_GENERAL_ERROR).
    if [[ -f "$NETWORK_HOME/softhsm2.conf" ]]; then wait_ca "$who"; fi
  done
  for who in orderer "${ORGS[@]}" "${PREPARED[@]}"; do wait_ca "$who"; done
}

# wait_ca <member|orderer>: the CA answers on its operations endpoint and listens on its port. The
# operations server starts first: a CA whose TLS key is still being generated in the HSM answers
# /healthz while an enrollment is refused.
wait_ca() {
  local url
  if [[ "$1" == orderer ]]; then url="http://127.0.0.1:$(orderer_ca_ops_port)/healthz"; else url="http://127.0.0.1:$(ca_ops_port "$1")/healthz"; fi
  wait_healthy "ca-${1,,}" "$url" && wait_port "ca-${1,,}" "$(ca_url_port "$1")"
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
  log "creating channel $CHANNEL_NAME (Raft, BatchTimeout $BATCH_TIMEOUT, application capability $CHANNEL_CAP)"
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
  # The first signal wins: Ctrl-C reaches this shell directly and, through `interruptible`, as a
  # TERM a moment later; a second handler's `exit` would cut the EXIT trap's clean-up short and
  # leave processes running.
  trap 'trap "" INT TERM; echo "interrupted" >&2; exit 130' INT
  trap 'trap "" INT TERM; echo "terminated" >&2; exit 143' TERM
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
  local shape members peers profile cap keys
  shape="$(founding_topology_args)"
  read -r members peers <<<"$shape"
  shape="$(requested_profile)"
  read -r profile cap <<<"$shape"
  keys="$(requested_node_keys)"
  if [[ -f "$INIT_MARK" ]]; then
    require_network
    check_same_topology "$members" "$peers"
    check_same_profile
    check_same_node_keys
  else
    # What build_all builds depends on it (the PKCS#11 peer and orderer for hsm).
    # shellcheck disable=SC2034 # read by build_all (lib/build.sh)
    NODE_KEYS_MODE="$keys"
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
  write_profile "$profile" "$cap" "$keys"
  log "topology: $members member(s) with $peers peer(s) each, recorded in $TOPOLOGY_FILE"
  log "profile $profile: Gateway service $(if [[ "$(gateway_enabled)" == true ]]; then echo on; else echo off; fi), application capability $cap, node signing keys in $(node_keys_where), recorded in $PROFILE_FILE"
  local who
  for who in orderer "${ORGS[@]}"; do new_secret >"$CRYPTO_DIR/registrar-${who,,}.secret"; done
  init_softhsm
  write_node_config
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
