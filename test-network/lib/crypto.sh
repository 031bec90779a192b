#!/usr/bin/env bash
# Identities: every member's CA issues its admin, peers and client users (no cryptogen), and the
# ordering service's CA issues the orderers'. Each node also gets a TLS certificate from the same
# CA's "tls" profile whose names are the managed-style hostname and 127.0.0.1.

ca_url_port() {
  if [[ "$1" == orderer ]]; then orderer_ca_port; else ca_port "$1"; fi
}
ca_root() { echo "$DATA_DIR/ca-${1,,}/ca-cert.pem"; }

new_secret() {
  # Meets the managed service's password rules: 8-32 characters, upper, lower and digit.
  local random
  random="$(head -c 24 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')"
  printf 'Aa1%s' "${random:0:20}"
}

# ca_client <member|orderer> <args...>: fabric-ca-client against that CA, as its registrar (the
# home's identity) unless the arguments enroll another. CA_CLIENT_HOME and CA_CLIENT_BIN, when set,
# pick another client home and build (enroll_msp's PKCS#11 ones).
ca_client() {
  local who="$1"
  shift
  FABRIC_CA_CLIENT_HOME="${CA_CLIENT_HOME:-$CRYPTO_DIR/${who,,}/registrar}" \
    "${CA_CLIENT_BIN:-$FABRIC_CA_BIN}/fabric-ca-client" "$@" --caname "ca-${who,,}" --tls.certfiles "$(ca_root "$who")" \
    >>"$LOGS_DIR/ca-client.log" 2>&1 || {
    echo "error: fabric-ca-client $1 against ca-${who,,} failed; last lines of $LOGS_DIR/ca-client.log:" >&2
    tail -n 10 "$LOGS_DIR/ca-client.log" >&2
    return 1
  }
}

write_nodeous() {
  cat >"$1/config.yaml" <<'EOF'
NodeOUs:
  Enable: true
  ClientOUIdentifier:
    Certificate: cacerts/ca.pem
    OrganizationalUnitIdentifier: client
  PeerOUIdentifier:
    Certificate: cacerts/ca.pem
    OrganizationalUnitIdentifier: peer
  AdminOUIdentifier:
    Certificate: cacerts/ca.pem
    OrganizationalUnitIdentifier: admin
  OrdererOUIdentifier:
    Certificate: cacerts/ca.pem
    OrganizationalUnitIdentifier: orderer
EOF
}

# normalise_msp <dir>: one CA file name that config.yaml can point at, one key file name.
normalise_msp() {
  local msp="$1" f
  for f in "$msp"/cacerts/*.pem; do
    [[ "$(basename "$f")" == ca.pem ]] || mv "$f" "$msp/cacerts/ca.pem"
  done
  for f in "$msp"/keystore/*_sk; do
    [[ -e "$f" ]] && mv "$f" "$msp/keystore/key.pem"
  done
  write_nodeous "$msp"
}

# hsm_client_home: a fabric-ca-client home whose BCCSP is a node's SoftHSM2 token (the one
# SOFTHSM2_CONF points at: every node's has the same label and PIN), so an enrollment through it
# generates the key pair inside the token (sensitive, not extractable; CKA_ID: the SKI, SHA-256 of
# the public EC point, which is what the nodes' PKCS11 BCCSP looks a key up by) and writes no
# private key to the MSP's keystore. The CSR settings are those of the client's default configuration,
# which the file-key enrollments get, so both kinds of certificate have the same subject names.
hsm_client_home() {
  local home="$CRYPTO_DIR/hsm-client"
  if [[ ! -f "$home/fabric-ca-client-config.yaml" ]]; then
    mkdir -p "$home"
    cat >"$home/fabric-ca-client-config.yaml" <<EOF
mspdir: msp
csr:
$(ca_csr_subject_yaml)
$(ca_pkcs11_bccsp_yaml "$NODE_TOKEN_LABEL")
EOF
  fi
  echo "$home"
}

# init_node_token <node name>: a fresh SoftHSM2 token for the node (lib/common.sh). A token left by
# an earlier enrollment of the same name (a failed command taken back, a node deleted and created
# again) goes first, with its key: a second token of the same label would make the lookup ambiguous.
init_node_token() {
  local dir
  dir="$(node_hsm_dir "$1")"
  rm -rf "$dir"
  mkdir -p "$dir/tokens"
  printf 'directories.tokendir = %s\nobjectstore.backend = file\nlog.level = ERROR\n' "$dir/tokens" >"$dir/softhsm2.conf"
  SOFTHSM2_CONF="$dir/softhsm2.conf" softhsm2-util --init-token --free --label "$NODE_TOKEN_LABEL" \
    --pin "$(cat "$CRYPTO_DIR/hsm.pin")" --so-pin "$(cat "$CRYPTO_DIR/hsm.sopin")" >>"$LOGS_DIR/softhsm.log" 2>&1 ||
    die "initialising the SoftHSM2 token of $1 failed; see $LOGS_DIR/softhsm.log"
}

# enroll_msp <who> <type> <enrollment URL> <msp dir>: the enrollment of an identity's MSP. A peer's
# or an orderer's key pair is generated in its own SoftHSM2 token when the network keeps node keys
# there (NODE_KEYS=hsm); every other identity's, and every TLS key, in the MSP's keystore.
enroll_msp() {
  local who="$1" type="$2" url="$3" msp="$4"
  if node_keys_in_hsm && [[ "$type" == peer || "$type" == orderer ]]; then
    # The node's name is its identity folder's (crypto/org1/peer1-org1/msp, crypto/orderer/orderer1/msp).
    local node
    node="$(basename "$(dirname "$msp")")"
    init_node_token "$node"
    CA_CLIENT_HOME="$(hsm_client_home)" CA_CLIENT_BIN="$FABRIC_CA_PKCS11_BIN" \
      SOFTHSM2_CONF="$(node_hsm_dir "$node")/softhsm2.conf" ca_client "$who" enroll -u "$url" -M "$msp"
    # The PKCS#11 BCCSP keeps no key file; a stray one would mean the key left the HSM.
    if compgen -G "$msp/keystore/*" >/dev/null; then
      die "the enrollment of $msp left a file in its keystore although its key was to stay in the HSM: $(ls "$msp/keystore")"
    fi
  else
    ca_client "$who" enroll -u "$url" -M "$msp"
  fi
}

# register_and_enroll <who> <name> <type> <dir> [attrs] [tls hostname]
register_and_enroll() {
  local who="$1" name="$2" type="$3" dir="$4" attrs="${5:-}" host="${6:-}" secret port
  secret="$(new_secret)"
  port="$(ca_url_port "$who")"
  local reg=(register --id.name "$name" --id.secret "$secret" --id.type "$type")
  [[ -n "$attrs" ]] && reg+=(--id.attrs "$attrs")
  ca_client "$who" "${reg[@]}"
  mkdir -p "$dir"
  enroll_msp "$who" "$type" "https://$name:$secret@127.0.0.1:$port" "$dir/msp"
  normalise_msp "$dir/msp"
  if [[ -n "$host" ]]; then
    ca_client "$who" enroll -u "https://$name:$secret@127.0.0.1:$port" -M "$dir/tls-msp" \
      --enrollment.profile tls --csr.hosts "$host,127.0.0.1,localhost"
    mkdir -p "$dir/tls"
    cp "$dir"/tls-msp/signcerts/*.pem "$dir/tls/server.crt"
    cp "$dir"/tls-msp/keystore/*_sk "$dir/tls/server.key"
    cp "$dir"/tls-msp/tlscacerts/*.pem "$dir/tls/ca.crt"
    rm -rf "$dir/tls-msp"
  fi
  printf '%s' "$secret" >"$dir/enrollment.secret"
}

# org_msp <who>: the member's MSP definition used in the channel configuration.
org_msp() {
  local who="$1" msp="$CRYPTO_DIR/${1,,}/msp"
  mkdir -p "$msp/cacerts" "$msp/tlscacerts"
  cp "$(ca_root "$who")" "$msp/cacerts/ca.pem"
  cp "$(ca_root "$who")" "$msp/tlscacerts/ca.pem"
  write_nodeous "$msp"
}

enroll_registrar() {
  local who="$1" port
  port="$(ca_url_port "$who")"
  mkdir -p "$CRYPTO_DIR/${who,,}/registrar"
  ca_client "$who" enroll -u "https://admin:$(cat "$CRYPTO_DIR/registrar-${who,,}.secret")@127.0.0.1:$port"
}

issue_identities() {
  local org p n
  enroll_registrar orderer
  org_msp orderer
  for n in $(seq 1 "$ORDERERS"); do
    register_and_enroll orderer "orderer$n" orderer "$CRYPTO_DIR/orderer/orderer$n" "" "$(orderer_host "$n"),$ORDERER_ENDPOINT_HOST"
  done
  # The ordering service's administrator; its TLS certificate authenticates osnadmin calls.
  register_and_enroll orderer ordereradmin admin "$CRYPTO_DIR/orderer/admin" "" "admin.$HOST_SUFFIX"
  for org in "${ORGS[@]}"; do
    enroll_registrar "$org"
    org_msp "$org"
    for p in $(peer_numbers "$org"); do
      register_and_enroll "$org" "peer$p" peer "$CRYPTO_DIR/${org,,}/peer$p-${org,,}" "" "$(peer_host "$org" "$p")"
    done
    register_and_enroll "$org" "admin-${org,,}" admin "$CRYPTO_DIR/${org,,}/admin" \
      'feeds.admin=true:ecert,membership.admin=true:ecert'
    register_and_enroll "$org" user1 client "$CRYPTO_DIR/${org,,}/user1"
  done
  write_tls_chain
}

# write_tls_chain: the roots a client trusts for TLS: the ordering service's CA and every member's
# (a member added or deleted later changes it).
write_tls_chain() {
  local org
  {
    cat "$(ca_root orderer)"
    for org in "${ORGS[@]}"; do cat "$(ca_root "$org")"; done
  } >"$TLS_CHAIN.tmp"
  mv "$TLS_CHAIN.tmp" "$TLS_CHAIN"
}

# register_new <who> <name> <type> <dir> [attrs] [tls hostname]: register_and_enroll for a node or
# user added to a running network, remembered in REGISTERED_HERE so that a command failing half way
# can take the registration back (forget_registered_here) and a retry registers the name again.
REGISTERED_HERE=()
register_new() {
  REGISTERED_HERE+=("$1 $2 $4")
  register_and_enroll "$@"
}

# forget_identity <who> <name> <dir>: removes an identity from its CA (which revokes its
# certificates) and its files. A CA that cannot be reached is reported, not fatal: the caller is
# cleaning up.
forget_identity() {
  ca_client "$1" identity remove "$2" >/dev/null 2>&1 ||
    echo "warning: could not remove identity $2 from ca-${1,,} (is it running?); register it under another name or remove it by hand" >&2
  rm -rf "$3"
  # A node's own SoftHSM2 token (NODE_KEYS=hsm) holds the identity's key: it goes too, and the
  # node's data directory with it when nothing else is in it (a create taken back before the start).
  local token
  token="$(node_hsm_dir "$(basename "$3")")"
  if [[ -d "$token" ]]; then
    rm -rf "$token"
    rmdir "$(dirname "$token")" 2>/dev/null || true
  fi
}

# forget_registered_here: undoes every register_new of this invocation, newest first.
forget_registered_here() {
  local i who name dir
  for ((i = ${#REGISTERED_HERE[@]} - 1; i >= 0; i--)); do
    read -r who name dir <<<"${REGISTERED_HERE[$i]}"
    forget_identity "$who" "$name" "$dir"
  done
  REGISTERED_HERE=()
}
