#!/usr/bin/env bash
# One Raft orderer of the shared ordering service: orderer.sh <n>.
set -euo pipefail
# shellcheck source=test-network/lib/common.sh
source "$(dirname "$0")/../lib/common.sh"
n="$1"
dir="$CRYPTO_DIR/orderer/orderer$n"
tls="$dir/tls"
export FABRIC_CFG_PATH="$CONFIG_DIR"
export FABRIC_LOGGING_SPEC="${ORDERER_LOGGING_SPEC:-INFO:comm.grpc.server=WARNING}"
export ORDERER_GENERAL_LISTENADDRESS=127.0.0.1
ORDERER_GENERAL_LISTENPORT="$(orderer_port "$n")"
export ORDERER_GENERAL_LISTENPORT
export ORDERER_GENERAL_LOCALMSPID=OrdererMSP
export ORDERER_GENERAL_LOCALMSPDIR="$dir/msp"
export ORDERER_GENERAL_BOOTSTRAPMETHOD=none
export ORDERER_GENERAL_TLS_ENABLED=true
export ORDERER_GENERAL_TLS_PRIVATEKEY="$tls/server.key"
export ORDERER_GENERAL_TLS_CERTIFICATE="$tls/server.crt"
export ORDERER_GENERAL_TLS_ROOTCAS="[$tls/ca.crt]"
export ORDERER_GENERAL_CLUSTER_CLIENTCERTIFICATE="$tls/server.crt"
export ORDERER_GENERAL_CLUSTER_CLIENTPRIVATEKEY="$tls/server.key"
export ORDERER_GENERAL_CLUSTER_ROOTCAS="[$tls/ca.crt]"
export ORDERER_FILELEDGER_LOCATION="$DATA_DIR/orderer$n/ledger"
export ORDERER_CONSENSUS_WALDIR="$DATA_DIR/orderer$n/etcdraft/wal"
export ORDERER_CONSENSUS_SNAPDIR="$DATA_DIR/orderer$n/etcdraft/snapshot"
ORDERER_OPERATIONS_LISTENADDRESS="127.0.0.1:$(orderer_ops_port "$n")"
export ORDERER_OPERATIONS_LISTENADDRESS
ORDERER_ADMIN_LISTENADDRESS="127.0.0.1:$(orderer_admin_port "$n")"
export ORDERER_ADMIN_LISTENADDRESS
export ORDERER_ADMIN_TLS_ENABLED=true
export ORDERER_ADMIN_TLS_PRIVATEKEY="$tls/server.key"
export ORDERER_ADMIN_TLS_CERTIFICATE="$tls/server.crt"
export ORDERER_ADMIN_TLS_ROOTCAS="[$tls/ca.crt]"
export ORDERER_ADMIN_TLS_CLIENTAUTHREQUIRED=true
export ORDERER_ADMIN_TLS_CLIENTROOTCAS="[$tls/ca.crt]"
export ORDERER_CHANNELPARTICIPATION_ENABLED=true
# Prometheus metrics on the operations endpoint tell which orderer leads Raft
# (consensus_etcdraft_is_leader), for `status`, the recovery probe and the fault tests.
export ORDERER_METRICS_PROVIDER="${ORDERER_METRICS_PROVIDER:-prometheus}"
# NODE_KEYS=hsm: orderer.yaml's General.BCCSP is the SoftHSM2 token (lib/config.sh), which holds
# this orderer's MSP signing key (block signatures); its TLS keys stay files, as Fabric needs them.
if node_keys_in_hsm; then
  SOFTHSM2_CONF="$(node_hsm_dir "orderer$n")/softhsm2.conf"
  export SOFTHSM2_CONF
fi
mkdir -p "$DATA_DIR/orderer$n"
exec "$(node_fabric_bin)/orderer"
