#!/usr/bin/env bash
# Peer nodes added to and removed from a running network, like the managed service's CreateNode
# and DeleteNode: `node create <member>` issues the new peer's identity from the member's CA,
# starts it as the founding peers are started, joins it to the channel from a ledger snapshot of
# one of the member's running peers (Fabric 2.3+: no replay of the whole chain), installs the
# member's chaincode packages and starts their servers, and records it in the topology and the
# description; `node delete <member> <node>` stops it and forgets it.
#
# A create that fails or is interrupted half way stops what it started, takes the identity it
# registered back from the CA, removes the new peer's ledger and restores the topology: the network
# is as it was. The snapshot is taken from the member's own peer because a snapshot is trusted
# data (the new peer does not re-validate the history before it) and only the member's own admin
# may ask its peer for one.

NODE_USAGE="usage: network.sh node create <member> | node delete <member> <node name or id>"

cmd_node() {
  local sub="${1:-}" a
  [[ $# -gt 0 ]] && shift
  for a in "$@"; do
    if [[ "$a" == -h || "$a" == --help ]]; then
      echo "$NODE_USAGE"
      return 0
    fi
  done
  case "$sub" in
    create) interruptible node_create "$@" ;;
    delete) node_delete "$@" ;;
    help | -h | --help) echo "$NODE_USAGE" ;;
    "") usage_error "$NODE_USAGE" ;;
    *) usage_error "unknown node command '$sub'; $NODE_USAGE" ;;
  esac
}

# member_of <name>: the member as spelt in ORGS, or a usage error naming the members.
member_of() {
  local org
  org="$(org_of "${1,,}")" || {
    if is_prepared "$1"; then
      die "$1 is prepared but not a member yet: \`network.sh member create $1 --invitation <id>\` first"
    fi
    die "unknown member '$1'; members: ${ORGS[*]}"
  }
  echo "$org"
}

# running_peer <org>: a running peer number of the member, or a failure.
running_peer() {
  local p
  for p in $(peer_numbers "$1"); do
    is_running "peer$p-${1,,}" && {
      echo "$p"
      return 0
    }
  done
  return 1
}

# check_peer_ports_free <org> <p>: the ports a new peer and its chaincode servers take are free.
check_peer_ports_free() {
  local org="$1" p="$2" port cc busy=()
  for port in "$(peer_port "$org" "$p")" "$(peer_cc_port "$org" "$p")" "$(peer_ops_port "$org" "$p")"; do
    port_in_use "$port" && busy+=("$port")
  done
  for cc in $(cc_names); do
    port="$(cc_port "$(cc_state "$cc")" "$org" "$p")"
    port_in_use "$port" && busy+=("$port")
  done
  ((${#busy[@]} == 0)) || die "port(s) ${busy[*]} for peer$p-${org,,} are held by another process on 127.0.0.1; stop it first"
}

# take_snapshot <org> <p>: asks the peer for a snapshot of the channel at its last committed block
# and prints the snapshot's directory once the peer has written it.
take_snapshot() {
  local org="$1" p="$2" dir before=" " n deadline=$((SECONDS + HEALTH_TIMEOUT))
  dir="$DATA_DIR/peer$p-${org,,}/snapshots/completed/$CHANNEL_NAME"
  for n in "$dir"/*; do [[ -e "$n" ]] && before+="${n##*/} "; done
  local target=(--peerAddress "127.0.0.1:$(peer_port "$org" "$p")" --tlsRootCertFile "$(ca_root "$org")")
  cli_step "snapshot request to peer$p-${org,,}" node-admin peer_cli "$org" "$p" snapshot submitrequest -c "$CHANNEL_NAME" -b 0 "${target[@]}"
  while ((SECONDS < deadline)); do
    for n in "$dir"/*; do
      n="${n##*/}"
      if [[ "$before" != *" $n "* && "$n" =~ ^[0-9]+$ ]] &&
        peer_cli "$org" "$p" snapshot listpending -c "$CHANNEL_NAME" "${target[@]}" 2>/dev/null | grep '\[\]' >/dev/null; then
        echo "$dir/$n"
        return 0
      fi
    done
    sleep 0.5
  done
  die "peer$p-${org,,} wrote no snapshot of $CHANNEL_NAME within ${HEALTH_TIMEOUT}s; see $LOGS_DIR/peer$p-${org,,}.log"
}

# wait_height <org> <p> <height>: the peer's ledger holds at least that many blocks.
wait_height() {
  local org="$1" p="$2" want="$3" h deadline=$((SECONDS + HEALTH_TIMEOUT))
  while true; do
    h="$(peer_height "$org" "$p")"
    [[ "$h" =~ ^[0-9]+$ ]] && ((h >= want)) && return 0
    ((SECONDS < deadline)) || die "peer$p-${org,,} has ${h:-no} block(s) of $CHANNEL_NAME, not $want, after ${HEALTH_TIMEOUT}s; see $LOGS_DIR/peer$p-${org,,}.log"
    sleep 0.5
  done
}

# cc_package <chaincode>: the package file of the deployed version.
cc_package() { echo "$(cc_state "$1")/${1}_$(cat "$(cc_state "$1")/version").tgz"; }

# check_packages: every deployed chaincode's package is at hand (checked before anything starts).
check_packages() {
  local cc
  for cc in $(cc_names); do
    [[ -f "$(cc_package "$cc")" ]] || die "the package of chaincode $cc ($(cc_package "$cc")) is missing; deploy $cc again"
  done
}

# install_chaincodes <org> <p>: every deployed chaincode's package on one peer (the package the
# member approved: the same package ID) and the peer's chaincode server for it.
install_chaincodes() {
  local org="$1" p="$2" cc state pkg id
  for cc in $(cc_names); do
    state="$(cc_state "$cc")"
    pkg="$(cc_package "$cc")"
    id="$(cat "$state/package-id")"
    if ! peer_cli "$org" "$p" lifecycle chaincode queryinstalled 2>/dev/null | grep -F "$id" >/dev/null; then
      cli_step "install of $cc on peer$p-${org,,}" node-admin peer_cli "$org" "$p" lifecycle chaincode install "$pkg"
    fi
    local name="cc-$cc-peer$p-${org,,}" from
    from="$(stat -c %s "$LOGS_DIR/$name.log" 2>/dev/null || echo 0)"
    start_process "$name" bash "$NETWORK_DIR/nodes/ccserver.sh" "$cc" "$org" "$p" "$state"
    wait_ccserver "$name" "$(cc_port "$state" "$org" "$p")" "$from" || die "the chaincode server of $cc for peer$p-${org,,} did not start"
  done
}

# start_new_peer <org> <p>: starts a peer already in the topology and waits until it is healthy.
start_new_peer() {
  start_process "peer$2-${1,,}" bash "$NODES/peer.sh" "$1" "$2"
  wait_healthy "peer$2-${1,,}" "http://127.0.0.1:$(peer_ops_port "$1" "$2")/healthz"
}

# Undo of a create that failed half way: processes, registrations, ledgers, then the topology.
TOPOLOGY_BACKUP=""
undo_on_failure() {
  local rc=$?
  trap '' INT TERM PIPE
  set +e
  if ((rc != 0)); then
    stop_started_here
    forget_registered_here
    local d
    for d in "${CREATED_DIRS[@]}"; do rm -rf "$d"; done
    restore_topology
    echo "nothing of it is left: the network is as it was before (logs are kept in $LOGS_DIR)" >&2
  fi
  return "$rc"
}
CREATED_DIRS=()

# backup_topology / restore_topology: the recorded topology (and prepared members) as they were
# before this command, put back when it fails.
backup_topology() {
  TOPOLOGY_BACKUP="$(mktemp -d "$NETWORK_HOME/.topology-backup.XXXXXX")"
  cp "$TOPOLOGY_FILE" "$TOPOLOGY_BACKUP/topology"
  [[ ! -f "$PREPARED_FILE" ]] || cp "$PREPARED_FILE" "$TOPOLOGY_BACKUP/prepared"
  [[ ! -f "$DESCRIPTION_FILE" ]] || cp "$DESCRIPTION_FILE" "$TOPOLOGY_BACKUP/description"
  [[ ! -f "$TLS_CHAIN" ]] || cp "$TLS_CHAIN" "$TOPOLOGY_BACKUP/tls-chain"
}
restore_topology() {
  [[ -n "$TOPOLOGY_BACKUP" && -d "$TOPOLOGY_BACKUP" ]] || return 0
  cp "$TOPOLOGY_BACKUP/topology" "$TOPOLOGY_FILE"
  if [[ -f "$TOPOLOGY_BACKUP/prepared" ]]; then cp "$TOPOLOGY_BACKUP/prepared" "$PREPARED_FILE"; else rm -f "$PREPARED_FILE"; fi
  [[ ! -f "$TOPOLOGY_BACKUP/description" ]] || cp "$TOPOLOGY_BACKUP/description" "$DESCRIPTION_FILE"
  [[ ! -f "$TOPOLOGY_BACKUP/tls-chain" ]] || cp "$TOPOLOGY_BACKUP/tls-chain" "$TLS_CHAIN"
  drop_topology_backup
}
drop_topology_backup() {
  [[ -z "$TOPOLOGY_BACKUP" ]] || rm -rf "$TOPOLOGY_BACKUP"
  TOPOLOGY_BACKUP=""
}

node_create() {
  reset_clock
  if (($# != 1)) || [[ -z "$1" || "$1" == -* ]]; then usage_error "expected one member name; $NODE_USAGE"; fi
  require_network
  local org src p
  org="$(member_of "$1")"
  src="$(running_peer "$org")" || die "no peer of $org is running to take a ledger snapshot from; start one (\`network.sh start peer$(first_peer "$org")-${org,,}\`)"
  is_running "ca-${org,,}" || die "ca-${org,,} is not running: it issues the new peer's identity; \`network.sh start ca-${org,,}\`"
  local before=" ${MEMBER_PEERS[$org]} "
  add_peer "$org"
  for p in $(peer_numbers "$org"); do [[ "$before" == *" $p "* ]] || break; done
  local name="peer$p-${org,,}"
  check_peer_ports_free "$org" "$p"
  check_packages

  trap undo_on_failure EXIT
  trap_interruptions
  backup_topology
  write_topology
  log "creating $name for $org (node $(node_id "$org" "$p"))"
  CREATED_DIRS+=("$DATA_DIR/$name")
  register_new "$org" "peer$p" peer "$CRYPTO_DIR/${org,,}/$name" "" "$(peer_host "$org" "$p")"
  start_new_peer "$org" "$p"
  log "taking a snapshot of $CHANNEL_NAME from peer$src-${org,,}"
  local snap height
  snap="$(take_snapshot "$org" "$src")"
  height=$(($(basename "$snap") + 1))
  log "joining $name to $CHANNEL_NAME from the snapshot at block $((height - 1)) ($snap)"
  cli_step "$name joining $CHANNEL_NAME by snapshot" node-admin peer_cli "$org" "$p" channel joinbysnapshot --snapshotpath "$snap"
  wait_height "$org" "$p" "$height"
  rm -rf "$snap"
  if [[ -n "$(cc_names)" ]]; then
    log "installing the deployed chaincodes on $name and starting its chaincode servers"
    install_chaincodes "$org" "$p"
  fi
  local target
  target="$(peer_height "$org" "$src")"
  log "waiting until $name reaches height $target, as peer$src-${org,,}, and sees the running peers"
  wait_height "$org" "$p" "$target"
  wait_peer_gossip "$name"
  write_description

  trap '' INT TERM
  trap - EXIT
  drop_topology_backup
  trap - INT TERM
  log "$name is up: node $(node_id "$org" "$p"), height $(peer_height "$org" "$p"), in $DESCRIPTION_FILE"
  node_id "$org" "$p"
}

# peer_of <org> <node>: the peer number a node name (peer2-org1, peer2) or node id names.
peer_of() {
  local org="$1" node="$2" p
  for p in $(peer_numbers "$org"); do
    if [[ "$node" == "peer$p-${org,,}" || "$node" == "peer$p" || "${node^^}" == "$(node_id "$org" "$p" | tr '[:lower:]' '[:upper:]')" ]]; then
      echo "$p"
      return 0
    fi
  done
  local names=()
  for p in $(peer_numbers "$org"); do names+=("peer$p-${org,,} ($(node_id "$org" "$p"))"); done
  die "$org has no node '$node'; its nodes: ${names[*]}"
}

node_delete() {
  reset_clock
  if (($# != 2)) || [[ -z "$1" || -z "$2" || "$1" == -* || "$2" == -* ]]; then
    usage_error "expected a member and one of its nodes; $NODE_USAGE"
  fi
  require_network
  local org p name
  org="$(member_of "$1")"
  p="$(peer_of "$org" "$2")"
  name="peer$p-${org,,}"
  (($(peer_numbers "$org" | wc -l) > 1)) ||
    die "$name is the last peer of $org: a member keeps at least one peer (it endorses and holds the member's ledger); create another first, or delete the member (\`network.sh member delete $org\`)"
  # The member's anchor peer is how the other members' peers find it: move it first.
  local work="$ARTIFACTS_DIR/node-delete" other
  rm -rf "$work"
  mkdir -p "$work"
  cli_step "fetching the channel configuration" node-admin config_fetch "$org" "$work/current.pb"
  cli_step "decoding the channel configuration" node-admin config_decode "$work/current.pb" "$work/current.json"
  if config_anchor_peers "$work/current.json" "$(msp_id "$org")" | grep -xF "127.0.0.1:$(peer_port "$org" "$p")" >/dev/null; then
    other=""
    for other in $(peer_numbers "$org"); do
      ((other != p)) && is_running "peer$other-${org,,}" && break
      other=""
    done
    [[ -n "$other" ]] || die "$name is $org's anchor peer and no other peer of $org is running to take over; start one first"
    set_anchor_peer "$org" "$other" "$work/anchor"
  fi
  trap '' INT TERM
  local cc
  for cc in $(cc_names); do
    stop_process "cc-$cc-$name.next"
    stop_process "cc-$cc-$name"
  done
  stop_process "$name"
  if is_running "ca-${org,,}"; then
    forget_identity "$org" "peer$p" "$CRYPTO_DIR/${org,,}/$name"
  else
    echo "warning: ca-${org,,} is not running: the identity peer$p stays registered (and its certificate valid) at the CA" >&2
    rm -rf "${CRYPTO_DIR:?}/${org,,}/$name"
  fi
  rm -rf "${DATA_DIR:?}/$name" "$work"
  drop_peer "$org" "$p"
  write_topology
  write_description
  trap - INT TERM
  log "$name (node $(node_id "$org" "$p")) of $org is deleted: stopped, its ledger and identity removed, gone from $DESCRIPTION_FILE"
}
