#!/usr/bin/env bash
# Shared settings and helpers for the local network: names, ports, paths, process control.
# Sourced by network.sh and the per-process scripts; everything is configurable by environment.
# shellcheck disable=SC2034 # the settings here are read by the scripts that source this file

NETWORK_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
REPO_DIR="$(cd "$NETWORK_DIR/.." && pwd)"

# shellcheck source=test-network/lib/build.sh
source "$NETWORK_DIR/lib/build.sh"

NETWORK_NAME="${NETWORK_NAME:-local}"
NETWORK_HOME="${NETWORK_HOME:-$REPO_DIR/.network/$NETWORK_NAME}"
PORT_BASE="${PORT_BASE:-30000}"
# The highest port a network may use, relative to PORT_BASE (the port plan below).
PORT_SPAN=979
if [[ ! "$PORT_BASE" =~ ^[0-9]{1,5}$ ]] || ((10#$PORT_BASE + PORT_SPAN > 65535)); then
  echo "error: PORT_BASE must be a port number, got '$PORT_BASE' (the network uses PORT_BASE+1 to PORT_BASE+$PORT_SPAN, so at most $((65535 - PORT_SPAN)))" >&2
  exit 1
fi
PORT_BASE=$((10#$PORT_BASE))
EPHEMERAL_LOW="$(cut -f1 /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 32768)"
if ((PORT_BASE + PORT_SPAN >= EPHEMERAL_LOW)); then
  echo "warning: PORT_BASE=$PORT_BASE puts this network's ports in the ephemeral range (from $EPHEMERAL_LOW); outgoing connections may take them at random. Prefer a PORT_BASE below $((EPHEMERAL_LOW - PORT_SPAN))." >&2
fi
CHANNEL_NAME="${CHANNEL_NAME:-consortium}"
BATCH_TIMEOUT="${BATCH_TIMEOUT:-0.5s}"
BATCH_SIZE="${BATCH_SIZE:-100}"
HEALTH_TIMEOUT="${HEALTH_TIMEOUT:-60}"
ORDERERS=3

# Managed-service-style identifiers: stable for a given network name, so hostnames and
# certificates survive stop/start.
short_id() {
  local hash
  hash="$(printf '%s' "$1" | sha256sum)"
  hash="${hash%% *}"
  printf '%s' "${hash:0:26}" | tr '[:lower:]' '[:upper:]'
}
NETWORK_ID="n-$(short_id "network:$NETWORK_NAME")"
HOST_SUFFIX="${NETWORK_ID,,}.managedblockchain.local"

member_id() { echo "m-$(short_id "member:$NETWORK_NAME:$1")"; }
node_id() { echo "nd-$(short_id "node:$NETWORK_NAME:$1:$2")"; }
member_host_suffix() { echo "$(member_id "$1" | tr '[:upper:]' '[:lower:]').$HOST_SUFFIX"; }
peer_host() { echo "$(node_id "$1" "$2" | tr '[:upper:]' '[:lower:]').$(member_host_suffix "$1")"; }
ca_host() { echo "ca.$(member_host_suffix "$1")"; }
orderer_host() { echo "orderer$1.$HOST_SUFFIX"; }
ORDERER_ENDPOINT_HOST="orderer.$HOST_SUFFIX"
orderer_ca_host() { echo "ca.orderer.$HOST_SUFFIX"; }

msp_id() { echo "${1}MSP"; }

# Port plan, all on 127.0.0.1, relative to PORT_BASE (AMB uses 30000-34000). A network of any
# topology (up to 8 members of up to 4 peers each) stays within PORT_BASE+1 to PORT_BASE+979, so
# networks whose PORT_BASEs are 1000 apart never share a port; keep it below Linux's ephemeral range
# (32768 and up by default), where outgoing connections could already hold a port. Member ports
# follow the member's slot i (1-8, fixed when it joins, see the topology below), peer ports the
# peer's number p (1-4), so a member or peer added later takes ports no other node has:
#   +1 local-kms
#   +101/+111/+121 orderer n listen, +1 admin, +2 operations
#   +151 orderer CA, +1 operations
#   +200+16*(i-1)+1 CA of member i, +1 operations           (member i owns +200+16(i-1) to +215+16(i-1))
#   +200+16*(i-1)+3*p peer p of member i: listen, +1 chaincode, +2 operations
#   +340+64*s+32*v+4*(i-1)+(p-1) chaincode server of deployed chaincode s (0-9) for peer p of
#                       member i, in variant v (0 or 1): an upgrade starts the new version's servers
#                       in the other variant beside the running ones, so the two sets never share a
#                       port (+340 to +979)
# (The slot is looked up without a subshell: `status` computes ports for every node.)
member_port_base() {
  [[ -n "${MEMBER_SLOT[$1]:-}" ]] || die "unknown member '$1'; members: ${ORGS[*]:-none}"
  echo $((PORT_BASE + 200 + 16 * (MEMBER_SLOT[$1] - 1)))
}
kms_port() { echo $((PORT_BASE + 1)); }
orderer_port() { echo $((PORT_BASE + 91 + 10 * $1)); }
orderer_admin_port() { echo $((PORT_BASE + 92 + 10 * $1)); }
orderer_ops_port() { echo $((PORT_BASE + 93 + 10 * $1)); }
orderer_ca_port() { echo $((PORT_BASE + 151)); }
orderer_ca_ops_port() { echo $((PORT_BASE + 152)); }
# member_port <member> <offset>: a port of the member's block (fails for an unknown member).
member_port() {
  local base
  base="$(member_port_base "$1")" || return 1
  echo $((base + $2))
}
ca_port() { member_port "$1" 1; }
ca_ops_port() { member_port "$1" 2; }
peer_port() { member_port "$1" $((3 * $2)); }
peer_cc_port() { member_port "$1" $((3 * $2 + 1)); }
peer_ops_port() { member_port "$1" $((3 * $2 + 2)); }
ccserver_port() {
  [[ -n "${MEMBER_SLOT[$2]:-}" ]] || die "unknown member '$2'; members: ${ORGS[*]:-none}"
  ccserver_slot_port "$1" "${MEMBER_SLOT[$2]}" "$3" "${4:-0}"
}
# ccserver_slot_port <chaincode slot> <member slot> <p> <variant>: the same port by member slot, for
# peers that do not exist yet (a chaincode package names the server of every possible peer).
ccserver_slot_port() { echo $((PORT_BASE + 340 + 64 * $1 + 32 * $4 + 4 * ($2 - 1) + $3 - 1)); }
# ccaas_peer_key <member> <p>: how a peer names itself to the ccaas builder: by port slot and peer
# number, the two things its chaincode server's port depends on.
ccaas_peer_key() { echo "slot$(member_slot "$1")-peer$2"; }

# shellcheck source=test-network/lib/topology.sh
source "$NETWORK_DIR/lib/topology.sh"

# shellcheck source=test-network/lib/profile.sh
source "$NETWORK_DIR/lib/profile.sh"

# softhsm_library: the SoftHSM2 PKCS#11 module, or nothing when it is not installed.
softhsm_library() {
  local f
  for f in /usr/lib/softhsm/libsofthsm2.so /usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so \
    /usr/local/lib/softhsm/libsofthsm2.so /opt/homebrew/lib/softhsm/libsofthsm2.so; do
    [[ -f "$f" ]] && {
      echo "$f"
      return 0
    }
  done
  echo ""
}

# Fabric CA configuration fragments shared by the CA servers (nodes/ca.sh) and the HSM enrollment
# client (lib/crypto.sh), each printed at the indentation it takes in the file.
# ca_csr_subject_yaml: the key request and subject names under `csr:` (the client's defaults, so
# every certificate of the network has the same subject names).
ca_csr_subject_yaml() {
  cat <<'EOF'
  keyrequest:
    algo: ecdsa
    size: 256
  names:
    - C: US
      ST: North Carolina
      O: Hyperledger
      OU: Fabric
EOF
}

# ca_pkcs11_bccsp_yaml <token label>: a `bccsp:` block for the SoftHSM2 token of that label, with
# the network's PIN (CRYPTO_DIR/hsm.pin).
ca_pkcs11_bccsp_yaml() {
  cat <<EOF
bccsp:
  default: PKCS11
  pkcs11:
    library: $(softhsm_library)
    label: $1
    pin: "$(cat "$CRYPTO_DIR/hsm.pin")"
    hash: SHA2
    security: 256
EOF
}

# NODE_KEYS=hsm: every peer and orderer has a SoftHSM2 token of its own, labelled NODE_TOKEN_LABEL
# with the network's HSM PIN, in a token directory of its own inside the node's data directory (so
# deleting the node deletes its key). SoftHSM2's file store is not safe for several processes when
# one of them writes: peers that opened one shared token together failed to find it. Here no two
# processes share token files, and a token is written only by its node's enrollment, before the
# node starts.
NODE_TOKEN_LABEL=node
node_hsm_dir() { echo "$DATA_DIR/$1/hsm"; }

# Paths inside NETWORK_HOME.
PIDS_DIR="$NETWORK_HOME/pids"
LOGS_DIR="$NETWORK_HOME/logs"
DATA_DIR="$NETWORK_HOME/data"
CRYPTO_DIR="$NETWORK_HOME/crypto"
CONFIG_DIR="$NETWORK_HOME/config"
ARTIFACTS_DIR="$NETWORK_HOME/artifacts"
TLS_CHAIN="$NETWORK_HOME/managedblockchain-tls-chain.pem"
DESCRIPTION_FILE="$NETWORK_HOME/network.json"

# Keys, enrollment secrets and the HSM PIN live under NETWORK_HOME: readable by this user only.
umask 077
START_SECONDS="${START_SECONDS:-$SECONDS}"
reset_clock() { START_SECONDS=$SECONDS; }
# A caller that prints its own step times (the demo) sets LOG_CLOCK_ORIGIN_MS, milliseconds since
# the epoch, so these lines count from the same moment instead of restarting at 0 per command.
log() {
  if [[ -n "${LOG_CLOCK_ORIGIN_MS:-}" ]]; then
    local ms=$(($(date +%s%3N) - LOG_CLOCK_ORIGIN_MS))
    printf '[%5ss] %s\n' "$((ms / 1000)).$((ms % 1000 / 100))" "$*" >&2
  else
    printf '[%5ss] %s\n' "$((SECONDS - START_SECONDS))" "$*" >&2
  fi
}
die() {
  echo "error: $*" >&2
  exit 1
}

# A port is free when nothing accepts a connection on it.
port_in_use() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# start_process <name> <command...>: runs the command in its own session (so the whole process
# tree can be signalled as a group), logs to logs/<name>.log, and records "<pid> <start time>": the
# start time (clock ticks since boot, from /proc) tells our process apart from an unrelated one that
# reused the PID after a crash or reboot, so we never signal a stranger.
start_process() {
  local name="$1" pid
  shift
  mkdir -p "$PIDS_DIR" "$LOGS_DIR"
  if is_running "$name"; then
    return 0
  fi
  # PROCESS_LOG: the log of the node this process stands in for (a chaincode server started beside
  # the running one during an upgrade writes to the node's own log).
  setsid "$@" >>"$LOGS_DIR/${PROCESS_LOG:-$name}.log" 2>&1 </dev/null &
  pid=$!
  echo "$pid $(proc_start_time "$pid")" >"$PIDS_DIR/$name.pid"
  STARTED_HERE+=("$name")
}

# Names started by this invocation, for cleanup when a start-up fails half way.
STARTED_HERE=()

proc_start_time() {
  local stat fields
  { read -r stat <"/proc/$1/stat"; } 2>/dev/null || return 0
  # Field 22, counted after the parenthesised command name (which may itself hold spaces).
  read -r -a fields <<<"${stat##*) }"
  echo "${fields[19]}"
}

# proc_state <pid>: the one-letter state of a process (R, S, T stopped, Z zombie...), or nothing.
# Read from /proc with builtins only: `status` asks this for every node, and forks add up.
proc_state() {
  local stat
  { read -r stat <"/proc/$1/stat"; } 2>/dev/null || return 0
  stat="${stat##*) }"
  echo "${stat:0:1}"
}

pid_of() {
  local f="$PIDS_DIR/$1.pid" pid started
  [[ -f "$f" ]] || return 1
  read -r pid started <"$f" || true
  [[ -n "$pid" ]] || return 1
  # A recorded start time that no longer matches means the PID now belongs to someone else.
  if [[ -n "${started:-}" && "$(proc_start_time "$pid")" != "$started" ]]; then
    return 1
  fi
  echo "$pid"
}

# alive <pid>: the process exists and is not a zombie waiting for its parent to reap it.
alive() {
  local state
  state="$(proc_state "$1")"
  [[ -n "$state" && "$state" != Z ]]
}

is_running() {
  local pid
  pid="$(pid_of "$1")" || return 1
  [[ -n "$pid" ]] && alive "$pid"
}

# stop_process <name>: TERM to the process group, then KILL after a grace period.
stop_process() {
  local name="$1" pid
  pid="$(pid_of "$name")" || {
    rm -f "$PIDS_DIR/$name.pid"
    return 0
  }
  if [[ -n "$pid" ]] && alive "$pid"; then
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
    # A paused (SIGSTOPped) group only acts on the TERM once it runs again.
    kill -CONT -- "-$pid" 2>/dev/null || kill -CONT "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do
      alive "$pid" || break
      sleep 0.1
    done
    if alive "$pid"; then
      kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
      # SIGKILL is delivered at once but the process is gone only when the kernel has torn it
      # down; "stopped" must mean gone, for a caller that checks or reuses its port right after.
      for _ in $(seq 1 50); do
        alive "$pid" || break
        sleep 0.1
      done
    fi
  fi
  rm -f "$PIDS_DIR/$name.pid"
}

# show_cli_error <output file>: the cause of a failed Fabric CLI command. The peer CLI prints its
# flag help after the error, so the last lines of its output are the help, never the cause: show
# its `Error:` lines, or else what came before the usage text.
show_cli_error() {
  if grep -q '^Error:' "$1"; then
    grep '^Error:' "$1"
  else
    sed '/^Usage:/,$d' "$1" | tail -n 15
  fi
}

# cli_step <what> <log name> <command...>: runs one CLI command, appending its output to
# logs/<log name>.log; on failure shows the cause (show_cli_error) and dies naming the step.
cli_step() {
  local what="$1" logfile="$LOGS_DIR/$2.log" out
  shift 2
  out="$(mktemp)"
  printf '\n== %s: %s\n' "$what" "$*" >>"$logfile"
  if "$@" >"$out" 2>&1; then
    cat "$out" >>"$logfile"
    rm -f "$out"
    return 0
  fi
  cat "$out" >>"$logfile"
  show_cli_error "$out" >&2
  rm -f "$out"
  die "$what failed (full output in $logfile)"
}

# wait_healthy <name> <url>: polls an operations endpoint until it answers 200.
wait_healthy() {
  local name="$1" url="$2" deadline=$((SECONDS + HEALTH_TIMEOUT))
  while ((SECONDS < deadline)); do
    if ! is_running "$name"; then
      echo "error: $name exited during start-up; last lines of $LOGS_DIR/$name.log:" >&2
      tail -n 20 "$LOGS_DIR/$name.log" >&2
      return 1
    fi
    if curl -fsS -o /dev/null --max-time 2 "$url" 2>/dev/null; then
      return 0
    fi
    sleep 0.2
  done
  echo "error: $name did not become healthy within ${HEALTH_TIMEOUT}s ($url); last lines of $LOGS_DIR/$name.log:" >&2
  tail -n 20 "$LOGS_DIR/$name.log" >&2
  return 1
}

# wait_port <name> <port>: for processes without a health endpoint.
wait_port() {
  local name="$1" port="$2" deadline=$((SECONDS + HEALTH_TIMEOUT))
  while ((SECONDS < deadline)); do
    if ! is_running "$name"; then
      echo "error: $name exited during start-up; last lines of $LOGS_DIR/$name.log:" >&2
      tail -n 20 "$LOGS_DIR/$name.log" >&2
      return 1
    fi
    port_in_use "$port" && return 0
    sleep 0.2
  done
  echo "error: $name is not listening on $port after ${HEALTH_TIMEOUT}s; last lines of $LOGS_DIR/$name.log:" >&2
  tail -n 20 "$LOGS_DIR/$name.log" >&2
  return 1
}

# All node names, in start order.
ca_names() {
  echo ca-orderer
  local org
  for org in "${ORGS[@]}" "${PREPARED[@]}"; do echo "ca-${org,,}"; done
}
orderer_names() {
  local n
  for n in $(seq 1 "$ORDERERS"); do echo "orderer$n"; done
}
peer_names() {
  local org p
  for org in "${ORGS[@]}"; do
    for p in $(peer_numbers "$org"); do echo "peer$p-${org,,}"; done
  done
}
load_topology
load_profile
