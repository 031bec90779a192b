#!/usr/bin/env bash
# The network description: the same facts an application reads from the managed service's
# GetNetwork, GetMember and GetNode answers, plus where the local network keeps its TLS root chain
# and enrolled identities, and where each node's operations endpoint (/healthz, /metrics) answers,
# which the operator console polls for health, block heights and the Raft leader. The gateway
# library reads this file for the local network.

identity_json() {
  local org="$1" name="$2" dir="$CRYPTO_DIR/${1,,}/$2"
  printf '"%s": { "MspId": "%s", "CertificatePath": "%s", "PrivateKeyPath": "%s", "MspDir": "%s" }' \
    "$name" "$(msp_id "$org")" "$dir/msp/signcerts/cert.pem" "$dir/msp/keystore/key.pem" "$dir/msp"
}

write_description() {
  local org p n first=1 hosts=()
  {
    printf '{\n  "Network": {\n'
    printf '    "Id": "%s",\n    "Name": "%s",\n    "Framework": "HYPERLEDGER_FABRIC",\n    "FrameworkVersion": "%s",\n' "$NETWORK_ID" "$NETWORK_NAME" "$(framework_version)"
    printf '    "FrameworkAttributes": { "Fabric": { "OrderingServiceEndpoint": "%s:%s", "Edition": "STANDARD" } },\n' \
      "$ORDERER_ENDPOINT_HOST" "$(orderer_port 1)"
    printf '    "VpcEndpointServiceName": "com.amazonaws.local.managedblockchain.%s",\n' "${NETWORK_ID,,}"
    printf '    "ChannelName": "%s"\n  },\n  "Members": [\n' "$CHANNEL_NAME"
    hosts+=("$ORDERER_ENDPOINT_HOST")
    for org in "${ORGS[@]}"; do
      ((first)) || printf ',\n'
      first=0
      printf '    {\n      "Id": "%s",\n      "Name": "%s",\n      "MspId": "%s",\n' "$(member_id "$org")" "$org" "$(msp_id "$org")"
      printf '      "FrameworkAttributes": { "Fabric": { "AdminUsername": "admin", "CaEndpoint": "%s:%s" } },\n' "$(ca_host "$org")" "$(ca_port "$org")"
      printf '      "CaOperationsEndpoint": "127.0.0.1:%s",\n' "$(ca_ops_port "$org")"
      hosts+=("$(ca_host "$org")")
      printf '      "Nodes": [\n'
      local last
      last="$(peer_numbers "$org" | tail -n 1)"
      for p in $(peer_numbers "$org"); do
        local host
        host="$(peer_host "$org" "$p")"
        hosts+=("$host")
        printf '        { "Id": "%s", "Name": "peer%s", "AvailabilityZone": "local-1%s", "StateDB": "LevelDB", "FrameworkAttributes": { "Fabric": { "PeerEndpoint": "%s:%s", "PeerEventEndpoint": "%s:%s" } }, "OperationsEndpoint": "127.0.0.1:%s" }' \
          "$(node_id "$org" "$p")" "$p" "$(echo abcdef | cut -c"$p")" "$host" "$(peer_port "$org" "$p")" "$host" "$(peer_port "$org" "$p")" "$(peer_ops_port "$org" "$p")"
        ((p != last)) && printf ','
        printf '\n'
      done
      printf '      ],\n      "Identities": {\n        %s,\n        %s\n      },\n' \
        "$(identity_json "$org" admin)" "$(identity_json "$org" user1)"
      printf '      "CaRegistrar": { "EnrollmentId": "admin", "EnrollmentSecret": "%s" }\n    }' "$(cat "$CRYPTO_DIR/registrar-${org,,}.secret")"
    done
    printf '\n  ],\n  "Orderers": [\n'
    for n in $(seq 1 "$ORDERERS"); do
      hosts+=("$(orderer_host "$n")")
      printf '    { "Id": "orderer%s", "Endpoint": "%s:%s", "OperationsEndpoint": "127.0.0.1:%s" }' "$n" "$(orderer_host "$n")" "$(orderer_port "$n")" "$(orderer_ops_port "$n")"
      ((n < ORDERERS)) && printf ','
      printf '\n'
    done
    printf '  ],\n  "OrderingServiceCa": { "OperationsEndpoint": "127.0.0.1:%s" },\n' "$(orderer_ca_ops_port)"
    printf '  "TlsRootChainPath": "%s",\n  "Hosts": {\n' "$TLS_CHAIN"
    local i
    for i in "${!hosts[@]}"; do
      printf '    "%s": "127.0.0.1"' "${hosts[$i]}"
      ((i < ${#hosts[@]} - 1)) && printf ','
      printf '\n'
    done
    printf '  },\n  "Kms": { "Endpoint": "http://127.0.0.1:%s", "Region": "%s" },\n' "$(kms_port)" "${KMS_REGION:-eu-west-2}"
    # Where the peers' and orderers' MSP signing keys are (NODE_KEYS at `up`): "file" or "hsm".
    printf '  "NodeSigningKeys": "%s",\n' "$NODE_KEYS_MODE"
    if [[ -f "$NETWORK_HOME/softhsm2.conf" ]]; then
      printf '  "Hsm": { "Library": "%s", "SoftHsm2Conf": "%s", "TokenLabel": "consortium", "Pin": "%s", "SoPin": "%s" }\n' \
        "$(softhsm_library)" "$NETWORK_HOME/softhsm2.conf" "$(cat "$CRYPTO_DIR/hsm.pin")" "$(cat "$CRYPTO_DIR/hsm.sopin")"
    else
      printf '  "Hsm": null\n'
    fi
    printf '}\n'
  } >"$DESCRIPTION_FILE"
  # Paths are written verbatim: make sure the result is JSON (a path holding a quote would break it).
  node -e 'JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"))' "$DESCRIPTION_FILE" ||
    die "the network description $DESCRIPTION_FILE is not valid JSON; is there a quote or backslash in NETWORK_HOME?"
}
