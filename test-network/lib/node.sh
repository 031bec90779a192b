#!/usr/bin/env bash
# One node at a time: what a node name means (its kind, how it starts, where it answers), the
# per-node commands (stop, start, kill, pause, resume) and `status`, as a table or as JSON.
# Nodes are only ever signalled through the PID files of lib/common.sh, whose recorded start time
# proves the PID is still ours; the whole process group is signalled, so a chaincode server's
# supervisor and its child stop, die or freeze together.

# Every node this network has, in start order: the fixed nodes, then one chaincode server per peer
# for each deployed chaincode (from the chaincode state, so a stopped server is still a node).
node_names() {
  echo kms
  ca_names
  orderer_names
  peer_names
  local cc org p
  for cc in $(cc_names); do
    for org in "${ORGS[@]}"; do
      for p in $(peer_numbers "$org"); do echo "cc-$cc-peer$p-${org,,}"; done
    done
  done
}

# org_of <lower-case org>: the org as spelt in ORGS (org1 -> Org1).
org_of() {
  local org
  for org in "${ORGS[@]}"; do
    [[ "${org,,}" == "$1" ]] && {
      echo "$org"
      return 0
    }
  done
  return 1
}

# prepared_of <lower-case name>: the prepared member as spelt in PREPARED.
prepared_of() {
  local org
  for org in "${PREPARED[@]}"; do
    [[ "${org,,}" == "$1" ]] && {
      echo "$org"
      return 0
    }
  done
  return 1
}

# node_spec <name>: sets NODE_KIND (kms|ca|orderer|peer|chaincode), NODE_PORT (where it serves),
# NODE_HEALTH (an operations /healthz URL, or empty when only the port tells) and NODE_CMD (how to
# start it). Fails, listing the valid names, for a name this network does not have.
node_spec() {
  local name="$1" org
  NODE_HEALTH=""
  [[ -n "${NODE_NAMES:-}" ]] || NODE_NAMES=" $(node_names | tr '\n' ' ')"
  [[ "$NODE_NAMES" == *" $name "* ]] || die "unknown node '$name'; nodes of this network:$NODE_NAMES"
  case "$name" in
    kms)
      NODE_KIND=kms
      NODE_PORT="$(kms_port)"
      NODE_CMD=(bash "$NODES/kms.sh")
      ;;
    ca-orderer)
      NODE_KIND=ca
      NODE_PORT="$(orderer_ca_port)"
      NODE_HEALTH="http://127.0.0.1:$(orderer_ca_ops_port)/healthz"
      NODE_CMD=(bash "$NODES/ca.sh" orderer)
      ;;
    ca-*)
      # A prepared member (`member prepare`) has a CA before it is a member.
      org="$(org_of "${name#ca-}" || prepared_of "${name#ca-}")"
      NODE_KIND=ca
      NODE_PORT="$(ca_port "$org")"
      NODE_HEALTH="http://127.0.0.1:$(ca_ops_port "$org")/healthz"
      NODE_CMD=(bash "$NODES/ca.sh" "$org")
      ;;
    orderer*)
      local n="${name#orderer}"
      NODE_KIND=orderer
      NODE_PORT="$(orderer_port "$n")"
      NODE_HEALTH="http://127.0.0.1:$(orderer_ops_port "$n")/healthz"
      NODE_CMD=(bash "$NODES/orderer.sh" "$n")
      ;;
    peer*)
      [[ "$name" =~ ^peer([0-9]+)-(.+)$ ]]
      local p="${BASH_REMATCH[1]}"
      org="$(org_of "${BASH_REMATCH[2]}")"
      NODE_KIND=peer
      NODE_PORT="$(peer_port "$org" "$p")"
      NODE_HEALTH="http://127.0.0.1:$(peer_ops_port "$org" "$p")/healthz"
      NODE_CMD=(bash "$NODES/peer.sh" "$org" "$p")
      ;;
    cc-*)
      # The chaincode name may itself hold dashes: peer and org are matched from the end.
      [[ "$name" =~ ^cc-(.+)-peer([0-9]+)-([^-]+)$ ]]
      local cc="${BASH_REMATCH[1]}" p="${BASH_REMATCH[2]}"
      org="$(org_of "${BASH_REMATCH[3]}")"
      NODE_KIND=chaincode
      NODE_PORT="$(cc_port "$(cc_state "$cc")" "$org" "$p")"
      NODE_CMD=(bash "$NODES/ccserver.sh" "$cc" "$org" "$p" "$(cc_state "$cc")")
      ;;
  esac
}

# node_state <name>: running, stopped or paused (the group leader stopped by SIGSTOP).
node_state() {
  local pid state
  pid="$(pid_of "$1")" || pid=""
  state="$([[ -n "$pid" ]] && proc_state "$pid")" || true
  case "$state" in
    "" | Z) echo stopped ;;
    T | t) echo paused ;;
    *) echo running ;;
  esac
}

# node_healthy <name> [state]: the node itself answers, on its operations endpoint or (kms,
# chaincode servers) on its port. A supervisor's PID says nothing about the server it keeps
# restarting.
node_healthy() {
  [[ "${2:-$(node_state "$1")}" == running ]] || return 1
  if [[ -n "$NODE_HEALTH" ]]; then
    curl -fsS -o /dev/null --max-time 2 "$NODE_HEALTH" 2>/dev/null
  else
    port_in_use "$NODE_PORT"
  fi
}

# node_wait_ready <name>: after a start, wait as `up` does (operations /healthz, or the port).
node_wait_ready() {
  if [[ -n "$NODE_HEALTH" ]]; then
    wait_healthy "$1" "$NODE_HEALTH"
  elif [[ "$NODE_KIND" == chaincode ]]; then
    wait_ccserver "$1" "$NODE_PORT" "$NODE_LOG_FROM"
  else
    wait_port "$1" "$NODE_PORT"
  fi
}

require_network() {
  [[ -f "$INIT_MARK" ]] || die "no network in $NETWORK_HOME; run \`network.sh up\` first"
  # A network brought up before the topology was recorded has another port plan too.
  [[ -f "$TOPOLOGY_FILE" ]] ||
    die "the network in $NETWORK_HOME records no topology ($TOPOLOGY_FILE): an older network.sh brought it up; \`network.sh down\` and \`up\` it again"
}

cmd_node_stop() {
  require_network
  node_spec "$1"
  if [[ "$(node_state "$1")" == stopped ]]; then
    log "$1 is not running"
    return 0
  fi
  stop_process "$1"
  log "$1 stopped (data kept; \`network.sh start $1\` starts it again)"
}

cmd_node_start() {
  require_network
  node_spec "$1"
  case "$(node_state "$1")" in
    running)
      log "$1 is already running"
      return 0
      ;;
    paused) die "$1 is paused; \`network.sh resume $1\` resumes it" ;;
  esac
  port_in_use "$NODE_PORT" && die "port $NODE_PORT of $1 is held by another process; stop that process first"
  NODE_LOG_FROM="$(stat -c %s "$LOGS_DIR/$1.log" 2>/dev/null || echo 0)"
  start_process "$1" "${NODE_CMD[@]}"
  node_wait_ready "$1" || {
    stop_process "$1"
    die "$1 did not start"
  }
  if [[ "$NODE_KIND" == orderer ]]; then
    log "waiting until $1 serves channel $CHANNEL_NAME"
    wait_orderer_serves "${1#orderer}"
  elif [[ "$NODE_KIND" == peer ]]; then
    log "waiting until $1 sees the running peers of $CHANNEL_NAME"
    wait_peer_gossip "$1"
  fi
  log "$1 started"
}

# wait_peer_gossip <peer name>: a restarted peer serves /healthz before gossip has found the other
# peers again, and until then its gateway cannot plan an endorsement that needs another member.
# Waits until its discovery lists every peer that is running now (others may be down on purpose).
wait_peer_gossip() {
  local name="$1" want=0 other
  for other in $(peer_names); do
    [[ "$(node_state "$other")" == running ]] && want=$((want + 1))
  done
  [[ "$name" =~ ^peer([0-9]+)-(.+)$ ]]
  wait_peer_sees "$(org_of "${BASH_REMATCH[2]}")" "${BASH_REMATCH[1]}" "$want" "running peers"
}

# cmd_node_signal <name> <KILL|STOP|CONT>: one signal to the node's process group.
cmd_node_signal() {
  local name="$1" sig="$2" pid
  require_network
  node_spec "$name"
  local state
  state="$(node_state "$name")"
  [[ "$state" != stopped ]] || die "$name is not running"
  pid="$(pid_of "$name")"
  case "$sig" in
    KILL)
      kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid"
      for _ in $(seq 1 50); do
        alive "$pid" || break
        sleep 0.1
      done
      log "$name killed (SIGKILL; data kept; \`network.sh start $name\` revives it)"
      ;;
    STOP)
      [[ "$state" == running ]] || {
        log "$name is already paused"
        return 0
      }
      kill -STOP -- "-$pid" 2>/dev/null || kill -STOP "$pid"
      log "$name paused (SIGSTOP; \`network.sh resume $name\` resumes it)"
      ;;
    CONT)
      [[ "$state" == paused ]] || {
        log "$name is not paused"
        return 0
      }
      kill -CONT -- "-$pid" 2>/dev/null || kill -CONT "$pid"
      log "$name resumed"
      ;;
  esac
}

# orderer_is_leader <n>: true/false from the Raft leader gauge on the operations endpoint, null
# when the orderer does not answer.
orderer_is_leader() {
  local metrics
  metrics="$(curl -fsS --max-time 2 "http://127.0.0.1:$(orderer_ops_port "$1")/metrics" 2>/dev/null)" || {
    echo null
    return 0
  }
  local v
  v="$(sed -n "s/^consensus_etcdraft_is_leader{channel=\"$CHANNEL_NAME\"} \([0-9.e+-]*\)$/\1/p" <<<"$metrics")"
  case "$v" in
    1) echo true ;;
    0) echo false ;;
    *) echo null ;;
  esac
}

# status_rows: one tab-separated line per node: name kind pid state healthy port height leader.
status_rows() {
  local name pid state healthy height leader
  for name in $(node_names); do
    node_spec "$name"
    pid="$(pid_of "$name" || true)"
    state="$(node_state "$name")"
    [[ "$state" == stopped ]] && pid=""
    if node_healthy "$name" "$state"; then healthy=true; else healthy=false; fi
    height=""
    leader=""
    if [[ "$NODE_KIND" == peer && "$healthy" == true ]]; then
      [[ "$name" =~ ^peer([0-9]+)-(.+)$ ]]
      height="$(peer_height "$(org_of "${BASH_REMATCH[2]}")" "${BASH_REMATCH[1]}" || true)"
    fi
    if [[ "$NODE_KIND" == orderer ]]; then
      leader=null
      [[ "$healthy" == true ]] && leader="$(orderer_is_leader "${name#orderer}")"
    fi
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$NODE_KIND" "${pid:--}" "$state" "$healthy" "$NODE_PORT" "${height:--}" "${leader:--}"
  done
}

cmd_status() {
  local json=0
  while (($# > 0)); do
    case "$1" in
      --json) json=1 ;;
      *) usage_error "unknown status option '$1'; usage: network.sh status [--json]" ;;
    esac
    shift
  done
  # A start-up that never finished has no INIT_MARK but may have processes: show them too.
  if [[ ! -d "$NETWORK_HOME" ]]; then
    if ((json)); then echo '[]'; else echo "no network in $NETWORK_HOME"; fi
    return 0
  fi
  local name kind pid state healthy port height leader first=1 shown
  if ((json)); then
    printf '['
    while IFS=$'\t' read -r name kind pid state healthy port height leader; do
      ((first)) || printf ','
      first=0
      printf '\n  {"name":"%s","kind":"%s","pid":%s,"state":"%s","healthy":%s,"port":%s' \
        "$name" "$kind" "$([[ "$pid" == - ]] && echo null || echo "$pid")" "$state" "$healthy" "$port"
      [[ "$kind" == peer ]] && printf ',"height":%s' "$([[ "$height" =~ ^[0-9]+$ ]] && echo "$height" || echo null)"
      [[ "$kind" == orderer ]] && printf ',"leader":%s' "$leader"
      printf '}'
    done < <(status_rows)
    printf '\n]\n'
    return 0
  fi
  # STATE folds state and health into one word: healthy, unhealthy, paused or stopped.
  printf '%-24s %-8s %-10s %-7s %-8s %s\n' NODE PID STATE HEIGHT LEADER PORT
  while IFS=$'\t' read -r name kind pid state healthy port height leader; do
    shown="$state"
    if [[ "$state" == running ]]; then
      if [[ "$healthy" == true ]]; then shown=healthy; else shown=unhealthy; fi
    fi
    [[ "$leader" == true ]] && leader=leader
    [[ "$leader" == false ]] && leader=follower
    [[ "$leader" == null ]] && leader=unknown
    printf '%-24s %-8s %-10s %-7s %-8s 127.0.0.1:%s\n' "$name" "$pid" "$shown" "$height" "$leader" "$port"
  done < <(status_rows)
}
