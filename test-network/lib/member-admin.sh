#!/usr/bin/env bash
# Members joining and leaving a running network, like the managed service's CreateMember and
# DeleteMember, in the order a vote needs:
#
#   member prepare <Name>     starts the invitee's CA (its key in the HSM, like the founders') and
#                             prints its MSP definition; it has no peers and is no member yet
#   member definition <Name>  prints that definition again: canonical JSON, what the invitation
#                             must carry (the proposal binds its hash)
#   ... the members vote; once approved, their governance agents add the MSP to the channel ...
#   member create <Name> --invitation <id>
#                             checks the invitation on the chain (as a founding member: the invitee
#                             cannot read the channel yet), enrolls the member's identities, starts
#                             its peers, waits until the channel configuration has its MSP, joins
#                             its peers from the genesis block, sets its anchor peer, installs and
#                             approves the chaincodes, accepts the invitation, and records it
#   member delete <Name>      stops its processes and forgets it
#
# Why the genesis block and not a snapshot: a new member trusts nobody's ledger but its own. From
# the genesis block its peers fetch every block from the ordering service (which serves them as
# soon as the channel lists the member) and validate each one, so no other member has to hand over
# a snapshot and be trusted for it (only a member's own admin may ask its peers for one). `node
# create` joins a member's additional peer by snapshot because there the member trusts itself.
#
# Checks come first and nothing starts when one fails; a create that fails later stops what it
# started, takes back the identities it registered, removes its peers' ledgers and restores the
# topology, so running it again starts afresh (steps already on the chain, such as an anchor peer
# or an approval, are found and skipped).

MEMBER_USAGE="usage: network.sh member prepare <Name> | member definition <Name> [--hash]
       | member create <Name> --invitation <id> [--peers 1-4] [--timeout seconds]
       | member delete <Name> [--force]"
MEMBERSHIP_CHAINCODE="${MEMBERSHIP_CHAINCODE:-membership}"

cmd_member() {
  local sub="${1:-}" a
  [[ $# -gt 0 ]] && shift
  for a in "$@"; do
    if [[ "$a" == -h || "$a" == --help ]]; then
      echo "$MEMBER_USAGE"
      return 0
    fi
  done
  case "$sub" in
    prepare) interruptible member_prepare "$@" ;;
    definition) member_definition "$@" ;;
    create) interruptible member_create "$@" ;;
    delete) member_delete "$@" ;;
    help | -h | --help) echo "$MEMBER_USAGE" ;;
    "") usage_error "$MEMBER_USAGE" ;;
    *) usage_error "unknown member command '$sub'; $MEMBER_USAGE" ;;
  esac
}

# new_member_name <Name>: a name a member may take: not a member, not prepared (any spelling).
check_new_member_name() {
  [[ "$1" =~ ^[A-Z][A-Za-z0-9]{0,15}$ ]] ||
    usage_error "member name '$1' must start with a capital letter and hold up to 16 letters and digits (its MSP id is $1MSP)"
  local n
  for n in "${ORGS[@]}"; do [[ "${n,,}" != "${1,,}" ]] || die "$n is already a member of this network"; done
  for n in "${PREPARED[@]}"; do
    [[ "${n,,}" != "${1,,}" ]] || die "$n is already prepared; \`network.sh member definition $n\` prints its definition"
  done
}

member_definition() {
  local name="${1:-}" hash=0
  [[ -n "$name" && "$name" != -* ]] || usage_error "expected a member name; $MEMBER_USAGE"
  shift
  while (($# > 0)); do
    case "$1" in
      --hash) hash=1 ;;
      *) usage_error "unknown option '$1' of member definition; $MEMBER_USAGE" ;;
    esac
    shift
  done
  require_network
  is_prepared "$name" || org_of "${name,,}" >/dev/null || die "unknown member '$name'; members: ${ORGS[*]}; prepared: ${PREPARED[*]:-none}"
  if ((hash)); then definition_hash "$name"; else definition_json "$name"; fi
}

member_prepare() {
  reset_clock
  (($# == 1)) || usage_error "expected one member name; $MEMBER_USAGE"
  local name="$1"
  require_network
  check_new_member_name "$name"
  add_prepared "$name"
  local port busy=()
  for port in "$(ca_port "$name")" "$(ca_ops_port "$name")"; do port_in_use "$port" && busy+=("$port"); done
  ((${#busy[@]} == 0)) || die "port(s) ${busy[*]} for ca-${name,,} are held by another process on 127.0.0.1; stop it first"

  trap undo_on_failure EXIT
  trap_interruptions
  backup_topology
  write_prepared
  CREATED_DIRS+=("$CRYPTO_DIR/${name,,}" "$DATA_DIR/ca-${name,,}" "$CRYPTO_DIR/registrar-${name,,}.secret")
  new_secret >"$CRYPTO_DIR/registrar-${name,,}.secret"
  local keys="signing key in the SoftHSM2 token"
  [[ -f "$NETWORK_HOME/softhsm2.conf" ]] || keys="signing key in a file: no SoftHSM2"
  log "starting ca-${name,,} for $name (port slot ${MEMBER_SLOT[$name]}; $keys)"
  start_process "ca-${name,,}" bash "$NODES/ca.sh" "$name"
  wait_ca "$name"
  enroll_registrar "$name"
  org_msp "$name"
  trap '' INT TERM
  trap - EXIT
  drop_topology_backup
  trap - INT TERM
  log "$name is prepared: the definition below is what the invitation must carry; then \`network.sh member create $name --invitation <id>\`"
  definition_json "$name"
}

member_create() {
  reset_clock
  local name="" invitation="" peers=2 timeout="${MEMBER_WAIT_TIMEOUT:-600}"
  while (($# > 0)); do
    case "$1" in
      --invitation | --peers | --timeout)
        if (($# < 2)) || [[ -z "$2" || "$2" == --* ]]; then usage_error "$1 needs a value; $MEMBER_USAGE"; fi
        case "$1" in
          --invitation) invitation="$2" ;;
          --peers) peers="$2" ;;
          --timeout) timeout="$2" ;;
        esac
        shift 2
        ;;
      -*) usage_error "unknown option '$1' of member create; $MEMBER_USAGE" ;;
      *)
        [[ -z "$name" ]] || usage_error "one member name only, got '$name' and '$1'; $MEMBER_USAGE"
        name="$1"
        shift
        ;;
    esac
  done
  [[ -n "$name" ]] || usage_error "expected a member name; $MEMBER_USAGE"
  [[ -n "$invitation" ]] || usage_error "--invitation <id> is required: the approved invitation $name accepts; $MEMBER_USAGE"
  [[ "$peers" =~ ^[1-4]$ ]] || usage_error "--peers must be a number of peers from 1 to $MAX_PEERS, got '$peers'"
  [[ "$timeout" =~ ^[0-9]{1,5}$ ]] || usage_error "--timeout must be a number of seconds, got '$timeout'"
  require_network
  if org_of "${name,,}" >/dev/null; then die "$name is already a member of this network"; fi
  is_prepared "$name" ||
    die "$name is not prepared: \`network.sh member prepare $name\` starts its CA and prints the MSP definition the invitation must carry"
  is_running "ca-${name,,}" || die "ca-${name,,} is not running: it issues $name's identities; \`network.sh start ca-${name,,}\`"

  # The invitation, read as a founding member (the invitee cannot read the channel yet).
  local voter="" vp="" o
  for o in "${ORGS[@]}"; do
    vp="$(running_peer "$o")" && {
      voter="$o"
      break
    }
  done
  [[ -n "$voter" ]] || die "no peer of any member is running to read invitation $invitation from; \`network.sh start\` first"
  log "checking invitation $invitation on $CHANNEL_NAME (read as $(msp_id "$voter"))"
  local record
  record="$(query_invitation "$voter" "$vp" "$invitation")"
  check_invitation "$record" "$name" "$invitation"
  check_chaincode_states "$voter" "$vp"

  add_member "$name"
  local p
  for _ in $(seq 1 "$peers"); do add_peer "$name"; done
  for p in $(peer_numbers "$name"); do check_peer_ports_free "$name" "$p"; done

  trap undo_on_failure EXIT
  trap_interruptions
  backup_topology
  write_topology
  write_prepared
  log "issuing $name's identities from ca-${name,,}"
  for p in $(peer_numbers "$name"); do
    CREATED_DIRS+=("$DATA_DIR/peer$p-${name,,}")
    register_new "$name" "peer$p" peer "$CRYPTO_DIR/${name,,}/peer$p-${name,,}" "" "$(peer_host "$name" "$p")"
  done
  register_new "$name" "admin-${name,,}" admin "$CRYPTO_DIR/${name,,}/admin" 'feeds.admin=true:ecert,membership.admin=true:ecert'
  register_new "$name" user1 client "$CRYPTO_DIR/${name,,}/user1"
  log "starting $peers peer(s) of $name"
  for p in $(peer_numbers "$name"); do start_new_peer "$name" "$p"; done

  wait_channel_has "$name" "$voter" "$timeout"
  local work="$ARTIFACTS_DIR/member-${name,,}" height
  log "joining $name's peers to $CHANNEL_NAME from the genesis block (the ordering service serves $(msp_id "$name") now)"
  cli_step "fetching the genesis block of $CHANNEL_NAME as $(msp_id "$name")'s admin" members peer_cli "$name" "$(first_peer "$name")" \
    channel fetch 0 "$work/genesis.block" -c "$CHANNEL_NAME" -o "127.0.0.1:$(orderer_port 1)" --tls --cafile "$(ca_root orderer)"
  for p in $(peer_numbers "$name"); do
    cli_step "peer$p-${name,,} joining $CHANNEL_NAME" members peer_cli "$name" "$p" channel join -b "$work/genesis.block"
  done
  height="$(peer_height "$voter" "$vp")"
  for p in $(peer_numbers "$name"); do wait_height "$name" "$p" "$height"; done
  set_anchor_peer "$name" "$(first_peer "$name")" "$work/anchor"
  log "waiting until every running peer sees $name's peers through gossip"
  wait_all_see_running
  if [[ -n "$(cc_names)" ]]; then
    log "installing the deployed chaincodes on $name's peers and starting their chaincode servers"
    for p in $(peer_numbers "$name"); do install_chaincodes "$name" "$p"; done
    approve_chaincodes "$name"
  fi
  log "accepting invitation $invitation as $(msp_id "$name")'s admin"
  accept_invitation "$name" "$invitation"
  write_tls_chain
  write_description

  trap '' INT TERM
  trap - EXIT
  drop_topology_backup
  rm -rf "$work"
  trap - INT TERM
  log "$name is a member: $(member_id "$name") with peers $(peer_numbers "$name" | sed 's/^/peer/;s/$/-'"${name,,}"'/' | paste -sd ' '), in $DESCRIPTION_FILE"
  member_id "$name"
}

member_delete() {
  reset_clock
  local name="" force=0
  while (($# > 0)); do
    case "$1" in
      --force) force=1 ;;
      -*) usage_error "unknown option '$1' of member delete; $MEMBER_USAGE" ;;
      *)
        [[ -z "$name" ]] || usage_error "one member name only, got '$name' and '$1'; $MEMBER_USAGE"
        name="$1"
        ;;
    esac
    shift
  done
  [[ -n "$name" ]] || usage_error "expected a member name; $MEMBER_USAGE"
  require_network
  local org
  if is_prepared "$name"; then
    org="$name"
  else
    org="$(member_of "$name")"
    ((${#ORGS[@]} > 1)) || die "$org is the last member: deleting it would leave a network nobody runs; \`network.sh down\` removes the whole network"
    # A member still in the channel configuration still counts in its MAJORITY policies (endorsement,
    # lifecycle, config updates): gone without a vote, it would hold the others back.
    local voter="" o work="$ARTIFACTS_DIR/member-delete"
    for o in "${ORGS[@]}"; do [[ "$o" == "$org" ]] || {
      voter="$o"
      break
    }; done
    mkdir -p "$work"
    if ((!force)); then
      cli_step "fetching the channel configuration" members config_fetch "$voter" "$work/config.pb"
      cli_step "decoding the channel configuration" members config_decode "$work/config.pb" "$work/config.json"
      if config_org_roots "$work/config.json" "$(msp_id "$org")" >/dev/null; then
        rm -rf "$work"
        die "$(msp_id "$org") is still in the channel configuration, where it counts in every MAJORITY policy (endorsement, chaincode lifecycle, config updates): remove it by an approved proposal first, or pass --force to stop its processes anyway"
      fi
    fi
    rm -rf "$work"
  fi
  trap '' INT TERM
  local name_lc="${org,,}" f
  # Its chaincode servers, peers and CA, by their PID files.
  for f in "$PIDS_DIR"/cc-*-"$name_lc".pid "$PIDS_DIR"/cc-*-"$name_lc".next.pid "$PIDS_DIR"/peer*-"$name_lc".pid "$PIDS_DIR/ca-$name_lc.pid"; do
    [[ -e "$f" ]] && stop_process "$(basename "$f" .pid)"
  done
  local p
  for p in $(peer_numbers "$org"); do rm -rf "${DATA_DIR:?}/peer$p-$name_lc"; done
  rm -rf "${DATA_DIR:?}/ca-$name_lc" "${CRYPTO_DIR:?}/$name_lc" "$CRYPTO_DIR/registrar-$name_lc.secret"
  if is_prepared "$org"; then
    drop_prepared "$org"
    unset 'MEMBER_SLOT[$org]'
    write_prepared
  else
    drop_member "$org"
    write_topology
    write_tls_chain
    write_description
  fi
  trap - INT TERM
  log "$org is deleted: its processes stopped, its ledgers, identities and CA removed (logs kept in $LOGS_DIR)"
}
