#!/usr/bin/env bash
# Chaincode lifecycle for the local network: a chaincode-as-a-service package (the peer dials a
# chaincode server instead of building and launching code), installed on every peer, approved by
# every member and committed; one chaincode server per peer, restarted if it crashes.
#
# `deploy` checks every input before it builds or starts anything, and an upgrade has no gap: the
# new version's servers start beside the running ones (the other port variant, under the node name
# plus ".next"), the peers switch to them when the new definition is committed, and only then do the
# old servers stop. A deploy that fails at any step stops what it started and leaves the running
# version, its servers and its recorded state as they were.
#
# The chaincode is a built directory or a node-type package (lib/chaincode-source.sh).
#
# State of a deployed chaincode, in artifacts/chaincode/<name>/: package-id, module-path, slot,
# variant, version, sequence, policy (empty: the channel's default), collections.json (if any),
# node-bin (the bin/ of the Node that runs its servers, when not the machine's) and the package
# (<name>_<version>.tgz). An upgrade in flight keeps the same files in
# artifacts/chaincode-next/<name>/ until it is committed.

DEPLOY_USAGE="usage: network.sh deploy <chaincode dir | node package .tar.gz> --name <name> [--version v] [--collections file] [--policy expr]"

orderer_tls_args() {
  echo -o "127.0.0.1:$(orderer_port 1)" --tls --cafile "$(ca_root orderer)"
}

cc_state() { echo "$ARTIFACTS_DIR/chaincode/$1"; }
cc_next_state() { echo "$ARTIFACTS_DIR/chaincode-next/$1"; }

cc_names() {
  local d
  [[ -d "$ARTIFACTS_DIR/chaincode" ]] || return 0
  for d in "$ARTIFACTS_DIR"/chaincode/*/; do
    [[ -f "$d/package-id" ]] && basename "$d"
  done
  return 0
}

# cc_port <state dir> <org> <p>: the port of one chaincode server of the state's slot and variant.
cc_port() {
  local variant=0
  [[ -f "$1/variant" ]] && variant="$(cat "$1/variant")"
  ccserver_port "$(cat "$1/slot")" "$2" "$3" "$variant"
}

# wait_ccserver <name> <port> [log offset]: the server listens on its port. Fails at once, naming
# the cause from its log, when the server exits during start-up (its supervisor would restart it
# for ever; a missing module never heals by waiting).
wait_ccserver() {
  local name="$1" port="$2" from="${3:-0}" deadline=$((SECONDS + HEALTH_TIMEOUT))
  local logfile="$LOGS_DIR/${name%.next}.log" cause
  while ((SECONDS < deadline)); do
    port_in_use "$port" && return 0
    if ! is_running "$name" || tail -c "+$((from + 1))" "$logfile" 2>/dev/null | grep '^chaincode server exited' >/dev/null; then
      # The cause is the first error line, not the stack frames printed after it.
      cause="$(tail -c "+$((from + 1))" "$logfile" | grep -E 'Error|error|Cannot find' | grep -vE '^\s+at ' | sed -n 1,3p)"
      echo "error: chaincode server $name exited at start-up: ${cause:-see its log}" >&2
      echo "full log: $logfile" >&2
      return 1
    fi
    sleep 0.2
  done
  echo "error: chaincode server $name is not listening on $port after ${HEALTH_TIMEOUT}s; last lines of $logfile:" >&2
  tail -n 20 "$logfile" >&2
  return 1
}

# start_cc_set <chaincode> <state dir> <name suffix>: one server per peer from that state, then
# waits for all of them.
start_cc_set() {
  local cc="$1" state="$2" suffix="$3" org p name
  local -A from=()
  for org in "${ORGS[@]}"; do
    for p in $(peer_numbers "$org"); do
      name="cc-$cc-peer$p-${org,,}"
      from[$name]="$(stat -c %s "$LOGS_DIR/$name.log" 2>/dev/null || echo 0)"
      PROCESS_LOG="$name" start_process "$name$suffix" bash "$NETWORK_DIR/nodes/ccserver.sh" "$cc" "$org" "$p" "$state"
    done
  done
  for org in "${ORGS[@]}"; do
    for p in $(peer_numbers "$org"); do
      name="cc-$cc-peer$p-${org,,}"
      wait_ccserver "$name$suffix" "$(cc_port "$state" "$org" "$p")" "${from[$name]}" || return 1
    done
  done
}

start_ccservers() {
  local cc
  for cc in $(cc_names); do
    start_cc_set "$cc" "$(cc_state "$cc")" "" ||
      die "chaincode $cc does not start; fix it and deploy again, or forget it with \`network.sh chaincode remove $cc\`"
  done
}

# stop_ccservers <chaincode> [name suffix]
stop_ccservers() {
  local cc="$1" suffix="${2:-}" org p
  for org in "${ORGS[@]}"; do
    for p in $(peer_numbers "$org"); do
      stop_process "cc-$cc-peer$p-${org,,}$suffix"
    done
  done
}

committed_sequence() {
  local out
  out="$(peer_cli "$2" "$3" lifecycle chaincode querycommitted --channelID "$CHANNEL_NAME" --name "$1" 2>/dev/null || true)"
  sed -n 's/.*Sequence: \([0-9]*\).*/\1/p' <<<"$out"
}

# free_slot: the lowest chaincode slot no deployed chaincode uses.
free_slot() {
  local s cc used=" "
  for cc in $(cc_names); do used+="$(cat "$(cc_state "$cc")/slot") "; done
  for s in $(seq 0 9); do
    [[ "$used" == *" $s "* ]] || {
      echo "$s"
      return 0
    }
  done
  die "at most 10 chaincodes per local network; remove one with \`network.sh chaincode remove <name>\`"
}

# On a failed deploy: stop the servers it started and forget the upgrade in flight. The running
# version was never touched.
deploy_failed() {
  local rc=$?
  trap '' INT TERM PIPE
  set +e
  if ((rc != 0)); then
    stop_started_here
    rm -rf "$(cc_next_state "$DEPLOYING")"
    echo "deploy of $DEPLOYING failed; what ran before is unchanged" >&2
  fi
  return "$rc"
}

cmd_deploy() {
  reset_clock
  local dir="" name="" collections="" policy="" version=""
  while (($# > 0)); do
    case "$1" in
      --name | --collections | --policy | --version)
        if (($# < 2)) || [[ -z "$2" || "$2" == --* ]]; then usage_error "$1 needs a value; $DEPLOY_USAGE"; fi
        case "$1" in
          --name) name="$2" ;;
          --collections) collections="$2" ;;
          --policy) policy="$2" ;;
          --version) version="$2" ;;
        esac
        shift 2
        ;;
      -*) usage_error "unknown deploy option $1; $DEPLOY_USAGE" ;;
      *)
        [[ -z "$dir" ]] || usage_error "one chaincode directory only, got '$dir' and '$1'; $DEPLOY_USAGE"
        dir="$1"
        shift
        ;;
    esac
  done

  # Every input is checked here, before anything is built, installed or started.
  [[ -n "$dir" ]] || usage_error "a chaincode directory is required; $DEPLOY_USAGE"
  # No default name: the name is what the definition is committed under on the channel, and a
  # committed definition cannot be removed, so a name guessed from the directory (often just
  # "chaincode") would stay on the channel for good.
  [[ -n "$name" ]] || usage_error "--name is required: the name the chaincode is committed under on the channel; $DEPLOY_USAGE"
  [[ "$name" =~ ^[a-zA-Z0-9]+([-_][a-zA-Z0-9]+)*$ ]] ||
    die "chaincode name '$name' must be letters and digits, optionally joined by single - or _"
  [[ -z "$version" || "$version" =~ ^[A-Za-z0-9_.+-]+$ ]] ||
    die "chaincode version '$version' may only hold letters, digits and _ . + -"
  local chosen kind
  chosen="$(chaincode_source "$dir")"
  kind="${chosen%% *}"
  dir="${chosen#* }"
  if [[ -n "$collections" ]]; then
    [[ -f "$collections" ]] || die "collections file $collections not found"
    collections="$(cd "$(dirname "$collections")" && pwd)/$(basename "$collections")"
    node "$NETWORK_DIR/lib/check-chaincode.cjs" collections "$collections" || exit 1
  fi
  require_network
  local org p
  for org in "${ORGS[@]}"; do
    for p in $(peer_numbers "$org"); do
      is_running "peer$p-${org,,}" || die "peer$p-${org,,} is not running; start it (\`network.sh start\`) before deploying"
    done
  done
  if [[ -d "$(cc_next_state "$name")" ]]; then
    log "clearing what an interrupted deploy of $name left"
    stop_ccservers "$name" .next
    rm -rf "$(cc_next_state "$name")"
  fi

  local seq
  # One peer of the first member speaks for the network where any peer would do.
  local lead="${ORGS[0]}" lead_peer
  lead_peer="$(first_peer "$lead")"
  seq="$(committed_sequence "$name" "$lead" "$lead_peer")"
  seq=$((${seq:-0} + 1))
  [[ -n "$version" ]] || version="$seq"
  local common=(--channelID "$CHANNEL_NAME" --name "$name" --version "$version" --sequence "$seq")
  [[ -n "$policy" ]] && common+=(--signature-policy "$policy")
  [[ -n "$collections" ]] && common+=(--collections-config "$collections")
  # The peer CLI parses the policy and the collections the way approval will, without changing
  # anything on the channel.
  cli_step "checking the definition (policy, collections)" deploy \
    peer_cli "$lead" "$lead_peer" lifecycle chaincode checkcommitreadiness "${common[@]}"

  local node_bin_dir=""
  if [[ "$kind" == package ]]; then
    dir="$(unpack_for_servers "$dir" "$name")"
    node_bin_dir="$(package_node_bin)"
    [[ -z "$node_bin_dir" ]] || log "profile $PROFILE: the servers of $name run under Node $AMB_NODE_VERSION"
  elif grep -q '"build"' "$dir/package.json"; then
    log "building $dir"
    (cd "$dir" && npm run build --silent) >>"$LOGS_DIR/deploy.log" 2>&1 ||
      { tail -n 20 "$LOGS_DIR/deploy.log" >&2; die "building the chaincode failed"; }
  fi
  if [[ "$kind" == dir && "$PROFILE" == amb ]]; then
    log "profile amb: $name is a directory, served by the machine's Node $(node --version); deploy a node package (scripts/package-chaincode.sh --target amb) to run it under Node $AMB_NODE_VERSION as Fabric 2.2 would"
  fi
  # fabric-contract-api logs every decorator at info while the module loads.
  CORE_CHAINCODE_LOGGING_LEVEL=WARNING node "$NETWORK_DIR/lib/check-chaincode.cjs" module "$dir" || exit 1

  local state next slot variant=0 upgrade=0
  state="$(cc_state "$name")"
  next="$(cc_next_state "$name")"
  if [[ -f "$state/package-id" ]]; then
    upgrade=1
    slot="$(cat "$state/slot")"
    [[ -f "$state/variant" ]] && variant=$((1 - $(cat "$state/variant")))
  else
    slot="$(free_slot)"
  fi

  DEPLOYING="$name"
  trap deploy_failed EXIT
  trap_interruptions
  rm -rf "$next"
  mkdir -p "$next"
  printf '%s' "$slot" >"$next/slot"
  printf '%s' "$variant" >"$next/variant"
  local label="${name}_${version}"
  log "packaging $name as a chaincode service (label $label, sequence $seq)"
  local pkg="$next/pkg"
  mkdir -p "$pkg/code"
  printf '{"address":"{{CCAAS_ADDRESS}}","dial_timeout":"10s","tls_required":false}\n' >"$pkg/code/connection.json"
  # The server of every peer the network may ever have (each member slot, each peer number), not
  # only of today's peers: a peer or member added later installs this same package (one package ID
  # per member, as its approval names it) and must find its own server in it.
  local ms
  for ms in $(seq 1 "$MAX_MEMBERS"); do
    for p in $(seq 1 "$MAX_PEERS"); do
      printf 'slot%s-peer%s 127.0.0.1:%s\n' "$ms" "$p" "$(ccserver_slot_port "$slot" "$ms" "$p" "$variant")" >>"$pkg/code/addresses.txt"
    done
  done
  printf '{"type":"ccaas","label":"%s"}\n' "$label" >"$pkg/metadata.json"
  tar -C "$pkg/code" -czf "$pkg/code.tar.gz" connection.json addresses.txt
  tar -C "$pkg" -czf "$next/$label.tgz" metadata.json code.tar.gz
  local package_id
  package_id="$(peer_cli "$lead" "$lead_peer" lifecycle chaincode calculatepackageid "$next/$label.tgz")"

  log "installing $package_id on every peer"
  for org in "${ORGS[@]}"; do
    for p in $(peer_numbers "$org"); do
      if ! peer_cli "$org" "$p" lifecycle chaincode queryinstalled 2>/dev/null | grep -F "$package_id" >/dev/null; then
        cli_step "install on peer$p-${org,,}" deploy peer_cli "$org" "$p" lifecycle chaincode install "$next/$label.tgz"
      fi
    done
  done

  printf '%s' "$package_id" >"$next/package-id"
  printf '%s' "$dir" >"$next/module-path"
  rm -f "$next/node-bin"
  [[ -z "$node_bin_dir" ]] || printf '%s' "$node_bin_dir" >"$next/node-bin"
  printf '%s' "$version" >"$next/version"
  printf '%s' "$seq" >"$next/sequence"
  # The definition's policy and collections too: a member that joins later approves the same
  # definition for its own organisation (lib/members.sh), and approval must repeat every field.
  printf '%s' "$policy" >"$next/policy"
  [[ -z "$collections" ]] || cp "$collections" "$next/collections.json"
  local suffix=""
  if ((upgrade)); then
    suffix=".next"
    log "starting the new version's servers beside the running ones"
  else
    log "starting one chaincode server per peer"
  fi
  start_cc_set "$name" "$next" "$suffix" || die "the chaincode servers of $name did not start"

  local orderer
  read -r -a orderer <<<"$(orderer_tls_args)"
  for org in "${ORGS[@]}"; do
    log "approving for $(msp_id "$org")"
    cli_step "approval by $(msp_id "$org")" deploy \
      peer_cli "$org" "$(first_peer "$org")" lifecycle chaincode approveformyorg "${common[@]}" --package-id "$package_id" "${orderer[@]}"
  done
  local targets=()
  for org in "${ORGS[@]}"; do
    targets+=(--peerAddresses "127.0.0.1:$(peer_port "$org" "$(first_peer "$org")")" --tlsRootCertFiles "$(ca_root "$org")")
  done
  log "committing $name sequence $seq"
  cli_step "commit" deploy peer_cli "$lead" "$lead_peer" lifecycle chaincode commit "${common[@]}" "${orderer[@]}" "${targets[@]}"
  local deadline=$((SECONDS + HEALTH_TIMEOUT)) got
  for org in "${ORGS[@]}"; do
    for p in $(peer_numbers "$org"); do
      while true; do
        got="$(committed_sequence "$name" "$org" "$p")"
        [[ "$got" == "$seq" ]] && break
        ((SECONDS < deadline)) || die "peer$p-${org,,} does not show $name sequence $seq after ${HEALTH_TIMEOUT}s"
        sleep 0.3
      done
    done
  done
  # Each peer learns by gossip which peers of the other members run the chaincode, a few seconds
  # after the commit; until then a gateway finds no endorsers for a policy that needs other members
  # and refuses the transaction. Wait for discovery at every peer (each is some client's gateway),
  # but only warn when it takes too long: the definition is committed either way, and a policy that
  # no set of peers can satisfy never gets there.
  log "waiting until discovery at every peer finds endorsers of $name"
  deadline=$((SECONDS + 30))
  for org in "${ORGS[@]}"; do
    for p in $(peer_numbers "$org"); do
      until peer_discover "$org" "$p" endorsers --channel "$CHANNEL_NAME" --chaincode "$name" >/dev/null 2>&1; do
        if ((SECONDS >= deadline)); then
          echo "warning: discovery at peer$p-${org,,} finds no peers satisfying the endorsement policy of $name after 30 s; transactions are refused until it does" >&2
          break 3
        fi
        sleep 0.5
      done
    done
  done

  # Committed on every peer: the new servers are the chaincode now. From here nothing may fail
  # half way, so the switch ignores interruptions.
  trap '' INT TERM
  trap - EXIT
  mkdir -p "$state"
  cp "$next"/package-id "$next"/module-path "$next"/slot "$next"/variant "$next"/version "$next"/sequence "$next"/policy "$state/"
  rm -f "$state/collections.json" "$state/node-bin"
  [[ ! -f "$next/collections.json" ]] || cp "$next/collections.json" "$state/"
  [[ ! -f "$next/node-bin" ]] || cp "$next/node-bin" "$state/"
  cp "$next/$label.tgz" "$state/"
  if ((upgrade)); then
    # Calls the old servers are running finish before they stop.
    sleep 2
    local node
    for org in "${ORGS[@]}"; do
      for p in $(peer_numbers "$org"); do
        node="cc-$name-peer$p-${org,,}"
        stop_process "$node"
        mv "$PIDS_DIR/$node.next.pid" "$PIDS_DIR/$node.pid"
      done
    done
  fi
  rm -rf "$next"
  trap - INT TERM
  log "deployed $name (version $version, sequence $seq, package $package_id)"
}

# chaincode list | remove <name>
cmd_chaincode() {
  local sub="${1:-}"
  [[ $# -gt 0 ]] && shift
  case "$sub" in
    list | deployed) cc_list "$@" ;;
    remove) cc_remove "$@" ;;
    *) usage_error "usage: network.sh chaincode list | chaincode remove <name>" ;;
  esac
}

cc_list() {
  (($# == 0)) || usage_error "usage: network.sh chaincode list"
  require_network
  local cc state org p up total
  printf '%-20s %-10s %-9s %-8s %s\n' NAME VERSION SEQUENCE SERVERS DIRECTORY
  for cc in $(cc_names); do
    state="$(cc_state "$cc")"
    up=0
    total=0
    for org in "${ORGS[@]}"; do
      for p in $(peer_numbers "$org"); do
        total=$((total + 1))
        if is_running "cc-$cc-peer$p-${org,,}" && port_in_use "$(cc_port "$state" "$org" "$p")"; then
          up=$((up + 1))
        fi
      done
    done
    printf '%-20s %-10s %-9s %-8s %s\n' "$cc" "$(cat "$state/version" 2>/dev/null || echo '?')" \
      "$(cat "$state/sequence" 2>/dev/null || echo '?')" "$up/$total" "$(cat "$state/module-path")"
  done
}

cc_remove() {
  (($# == 1)) || usage_error "usage: network.sh chaincode remove <name>"
  local cc="$1"
  require_network
  if ! cc_names | grep -xF -- "$cc" >/dev/null; then
    die "no chaincode '$cc' is deployed; deployed: $(cc_names | tr '\n' ' ')"
  fi
  stop_ccservers "$cc" .next
  stop_ccservers "$cc"
  rm -rf "$(cc_state "$cc")" "$(cc_next_state "$cc")" "$ARTIFACTS_DIR/chaincode-code/$cc"
  log "removed $cc: its servers are stopped and \`start\` no longer runs them. Its definition stays committed on channel $CHANNEL_NAME (Fabric cannot remove a chaincode definition from a channel): calls to $cc fail until it is deployed again under that name."
}
