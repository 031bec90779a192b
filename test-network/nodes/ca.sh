#!/usr/bin/env bash
# One Fabric CA server: ca.sh <org|orderer>. Issues every identity of its member, TLS on.
# When the network has a SoftHSM2 token (softhsm2.conf in NETWORK_HOME, made by `up` before the CAs
# start), the server is the PKCS#11 build and its BCCSP is the token: the CA's signing key and its
# TLS key are generated in the HSM at the first start and never written to the CA's home. Fabric CA
# still writes its Idemix issuer keys to msp/keystore; this network issues no Idemix credentials.
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
server="$FABRIC_CA_BIN/fabric-ca-server"
if [[ -f "$NETWORK_HOME/softhsm2.conf" ]]; then
  server="$FABRIC_CA_PKCS11_BIN/fabric-ca-server"
  export SOFTHSM2_CONF="$NETWORK_HOME/softhsm2.conf"
  # With a configuration file in its home the server takes its settings from it (the -b flag below
  # only fills the file it writes when there is none), so the file carries what that generated one
  # would: the registrar, the signing profiles (`tls` for TLS enrollments) and the CSR defaults,
  # plus the BCCSP. The PIN is in a file only this user can read (umask 077), like every key and
  # secret under NETWORK_HOME.
  cat >"$home/fabric-ca-server-config.yaml" <<EOF
registry:
  maxenrollments: -1
  identities:
    - name: admin
      pass: "$secret"
      type: client
      affiliation: ""
      attrs:
        hf.Registrar.Roles: "*"
        hf.Registrar.DelegateRoles: "*"
        hf.Revoker: true
        hf.IntermediateCA: true
        hf.GenCRL: true
        hf.Registrar.Attributes: "*"
        hf.AffiliationMgr: true
affiliations: {}
signing:
  default:
    usage: [digital signature]
    expiry: 8760h
  profiles:
    ca:
      usage: [cert sign, crl sign]
      expiry: 43800h
      caconstraint:
        isca: true
        maxpathlen: 0
    tls:
      usage: [signing, key encipherment, server auth, client auth, key agreement]
      expiry: 8760h
csr:
$(ca_csr_subject_yaml)
  ca:
    expiry: 131400h
    pathlength: 1
crl:
  expiry: 24h
$(ca_pkcs11_bccsp_yaml consortium)
EOF
fi
exec "$server" start \
  --home "$home" \
  --address 127.0.0.1 --port "$port" \
  --operations.listenaddress "127.0.0.1:$ops" \
  --ca.name "ca-${who,,}" \
  --csr.cn "ca.${who,,}" --csr.hosts "$host,127.0.0.1,localhost" \
  --tls.enabled \
  --cfg.identities.allowremove --cfg.affiliations.allowremove \
  -b "admin:$secret"
