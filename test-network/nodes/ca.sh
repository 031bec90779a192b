#!/usr/bin/env bash
# One Fabric CA server: ca.sh <org|orderer>. Issues every identity of its member, TLS on.
set -euo pipefail
# shellcheck source=test-network/lib/common.sh
source "$(dirname "$0")/../lib/common.sh"
who="$1"
if [[ "$who" == orderer ]]; then
  home="$DATA_DIR/ca-orderer"
  port="$(orderer_ca_port)"
  ops="$(orderer_ca_ops_port)"
  host="$(orderer_ca_host)"
else
  home="$DATA_DIR/ca-${who,,}"
  port="$(ca_port "$who")"
  ops="$(ca_ops_port "$who")"
  host="$(ca_host "$who")"
fi
secret="$(cat "$CRYPTO_DIR/registrar-${who,,}.secret")"
mkdir -p "$home"
exec "$FABRIC_CA_BIN/fabric-ca-server" start \
  --home "$home" \
  --address 127.0.0.1 --port "$port" \
  --operations.listenaddress "127.0.0.1:$ops" \
  --ca.name "ca-${who,,}" \
  --csr.cn "ca.${who,,}" --csr.hosts "$host,127.0.0.1,localhost" \
  --tls.enabled \
  --cfg.identities.allowremove --cfg.affiliations.allowremove \
  -b "admin:$secret"
