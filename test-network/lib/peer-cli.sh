#!/usr/bin/env bash
# Fabric's own command-line tools as a member's administrator: the peer CLI aimed at one of the
# member's peers, and the discovery CLI.

# peer_cli <org> <p> <args...>: the peer CLI as the member's admin, aimed at one of its peers.
peer_cli() {
  local org="$1" p="$2"
  shift 2
  # The admin's key is a file: the CLI keeps the SW BCCSP even where core.yaml names the HSM for
  # the peers (NODE_KEYS=hsm), and the untagged CLI has no PKCS11 BCCSP anyway.
  FABRIC_CFG_PATH="$CONFIG_DIR" \
    CORE_PEER_BCCSP_DEFAULT=SW \
    CORE_PEER_LOCALMSPID="$(msp_id "$org")" \
    CORE_PEER_MSPCONFIGPATH="$CRYPTO_DIR/${org,,}/admin/msp" \
    CORE_PEER_ADDRESS="127.0.0.1:$(peer_port "$org" "$p")" \
    CORE_PEER_TLS_ENABLED=true \
    CORE_PEER_TLS_ROOTCERT_FILE="$(ca_root "$org")" \
    FABRIC_LOGGING_SPEC=ERROR \
    "$FABRIC_BIN/peer" "$@"
}

# peer_discover <org> <p> <discover args...>: Fabric's discovery CLI as the member's admin, asking
# one of its peers.
peer_discover() {
  local org="$1" p="$2" admin="$CRYPTO_DIR/${1,,}/admin/msp"
  shift 2
  "$FABRIC_BIN/discover" --peerTLSCA "$(ca_root "$org")" --userKey "$admin/keystore/key.pem" \
    --userCert "$admin/signcerts/cert.pem" --MSP "$(msp_id "$org")" "$@" --server "127.0.0.1:$(peer_port "$org" "$p")"
}

peer_height() {
  peer_cli "$1" "$2" channel getinfo -c "$CHANNEL_NAME" 2>/dev/null |
    sed -n 's/.*"height":\([0-9]*\).*/\1/p'
}
