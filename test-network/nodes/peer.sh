#!/usr/bin/env bash
# One peer of a member: peer.sh <org> <p>. LevelDB, chaincode as an external service, the Gateway
# service on (off on the amb profile: Fabric 2.2 peers have none; PEER_GATEWAY_ENABLED=false turns
# it off for one peer of any network, as the legacy transport's tests do).
set -euo pipefail
# shellcheck source=test-network/lib/common.sh
source "$(dirname "$0")/../lib/common.sh"
org="$1"
p="$2"
name="peer$p-${org,,}"
dir="$CRYPTO_DIR/${org,,}/$name"
port="$(peer_port "$org" "$p")"
# Gossip bootstraps from the member's next peer (round the list; a lone peer names itself).
mapfile -t peers < <(peer_numbers "$org")
other="${peers[0]}"
for i in "${!peers[@]}"; do
  [[ "${peers[$i]}" == "$p" && -n "${peers[$((i + 1))]:-}" ]] && other="${peers[$((i + 1))]}"
done
export FABRIC_CFG_PATH="$CONFIG_DIR"
# INFO for what happens once per block; the per-call gRPC, endorser and gateway lines (several per
# transaction) only at WARNING: at a few hundred transactions a second they cost measurable CPU.
export FABRIC_LOGGING_SPEC="${PEER_LOGGING_SPEC:-INFO:gossip=WARNING:comm.grpc.server=WARNING:endorser=WARNING:gateway=WARNING}"
export CORE_PEER_ID="$name"
export CORE_PEER_ADDRESS="127.0.0.1:$port"
export CORE_PEER_LISTENADDRESS="127.0.0.1:$port"
CORE_PEER_CHAINCODEADDRESS="127.0.0.1:$(peer_cc_port "$org" "$p")"
export CORE_PEER_CHAINCODEADDRESS
export CORE_PEER_CHAINCODELISTENADDRESS="$CORE_PEER_CHAINCODEADDRESS"
export CORE_PEER_GOSSIP_ENDPOINT="127.0.0.1:$port"
export CORE_PEER_GOSSIP_EXTERNALENDPOINT="127.0.0.1:$port"
CORE_PEER_GOSSIP_BOOTSTRAP="127.0.0.1:$(peer_port "$org" "$other")"
export CORE_PEER_GOSSIP_BOOTSTRAP
# A peer probes the other members' anchor peers as it joins the channel; one that has not joined
# yet refuses it, and the probe is only tried again after this interval (25 s by default), so
# without it a member whose peers all joined early can stay unseen by the others for that long.
export CORE_PEER_GOSSIP_RECONNECTINTERVAL="${PEER_GOSSIP_RECONNECT_INTERVAL:-2s}"
CORE_PEER_LOCALMSPID="$(msp_id "$org")"
export CORE_PEER_LOCALMSPID
export CORE_PEER_MSPCONFIGPATH="$dir/msp"
export CORE_PEER_TLS_ENABLED=true
export CORE_PEER_TLS_CERT_FILE="$dir/tls/server.crt"
export CORE_PEER_TLS_KEY_FILE="$dir/tls/server.key"
export CORE_PEER_TLS_ROOTCERT_FILE="$dir/tls/ca.crt"
export CORE_PEER_FILESYSTEMPATH="$DATA_DIR/$name"
CORE_PEER_GATEWAY_ENABLED="${PEER_GATEWAY_ENABLED:-$(gateway_enabled)}"
export CORE_PEER_GATEWAY_ENABLED
export CORE_LEDGER_STATE_STATEDATABASE=goleveldb
export CORE_LEDGER_SNAPSHOTS_ROOTDIR="$DATA_DIR/$name/snapshots"
CORE_OPERATIONS_LISTENADDRESS="127.0.0.1:$(peer_ops_port "$org" "$p")"
export CORE_OPERATIONS_LISTENADDRESS
# Prometheus metrics on the operations endpoint: the console reads each peer's block height
# (ledger_blockchain_height) from there; the counters cost next to nothing until it is read.
export CORE_METRICS_PROVIDER="${CORE_METRICS_PROVIDER:-prometheus}"
# The external builder picks this peer's own chaincode server out of the package by this key (port
# slot and peer number), which a peer added after the deploy has too.
CCAAS_PEER="$(ccaas_peer_key "$org" "$p")"
export CCAAS_PEER
export CCAAS_PEER_NAME="$name"
export CORE_CHAINCODE_EXTERNALBUILDERS="[{name: ccaas, path: $NETWORK_DIR/builders/ccaas, propagateEnvironment: [CCAAS_PEER, CCAAS_PEER_NAME]}]"
# NODE_KEYS=hsm: core.yaml's peer.BCCSP is the SoftHSM2 token (lib/config.sh), which holds this
# peer's MSP signing key; its TLS key stays in tls/server.key (Fabric reads TLS keys from files only).
if node_keys_in_hsm; then
  SOFTHSM2_CONF="$(node_hsm_dir "$name")/softhsm2.conf"
  export SOFTHSM2_CONF
fi
# PEER_PPROF=1: Go's pprof endpoint on the operations port + 1000 (past the network's own ports),
# for profiling a peer under load: go tool pprof http://127.0.0.1:<port>/debug/pprof/profile
if [[ "${PEER_PPROF:-0}" == 1 ]]; then
  export CORE_PEER_PROFILE_ENABLED=true
  CORE_PEER_PROFILE_LISTENADDRESS="127.0.0.1:$(($(peer_ops_port "$org" "$p") + 1000))"
  export CORE_PEER_PROFILE_LISTENADDRESS
fi
mkdir -p "$DATA_DIR/$name"
exec "$(node_fabric_bin)/peer" node start
