#!/usr/bin/env bash
# The channel configuration as the admin tools read and change it: fetch the config block, decode
# it, ask what it says about an organisation, and turn an edited copy into a signed-ready update
# envelope (Fabric's own configtxlator does the protobuf work). Used by `crl`, by `member create`
# (wait for the member's MSP, set its anchor peer) and `node delete` (move an anchor peer).

# config_fetch <org> <out.pb> [peer]: the channel's current config block as the member's admin,
# from the ordering service (the first orderer that serves it) or, when a peer number is given,
# from that peer of the member.
config_fetch() {
  local org="$1" out="$2" p="${3:-}"
  if [[ -n "$p" ]]; then
    peer_cli "$org" "$p" channel fetch config "$out" -c "$CHANNEL_NAME" --tls
  else
    # Any orderer will do: one that is restarting or catching up refuses with SERVICE_UNAVAILABLE.
    local n
    for n in $(seq 1 "$ORDERERS"); do
      peer_cli "$org" "$(first_peer "$org")" channel fetch config "$out" -c "$CHANNEL_NAME" \
        -o "127.0.0.1:$(orderer_port "$n")" --tls --cafile "$(ca_root orderer)" && return 0
    done
    return 1
  fi
}

# config_decode <block.pb> <out.json>: the channel configuration inside a config block.
config_decode() {
  "$FABRIC_BIN/configtxlator" proto_decode --input "$1" --type common.Block --output "$2.block" &&
    node -e '
      const fs = require("fs");
      const config = JSON.parse(fs.readFileSync(process.argv[1], "utf8")).data.data[0].payload.data.config;
      fs.writeFileSync(process.argv[2], JSON.stringify(config));
    ' "$2.block" "$2"
}

# config_org_roots <config.json> <msp id>: the SHA-256 fingerprints of the organisation's root
# certificates, one a line; exits 3 when the channel has no such application organisation.
config_org_roots() {
  node -e '
    const fs = require("fs");
    const { X509Certificate } = require("crypto");
    const [file, mspId] = process.argv.slice(1);
    const org = JSON.parse(fs.readFileSync(file, "utf8")).channel_group.groups.Application.groups[mspId];
    if (org === undefined) process.exit(3);
    for (const c of org.values.MSP.value.config.root_certs ?? []) {
      console.log(new X509Certificate(Buffer.from(c, "base64")).fingerprint256);
    }
  ' "$1" "$2"
}

# cert_fingerprint <pem file>: the SHA-256 fingerprint of a certificate, as config_org_roots
# prints it.
cert_fingerprint() {
  node -e 'console.log(new (require("crypto").X509Certificate)(require("fs").readFileSync(process.argv[1])).fingerprint256)' "$1"
}

# config_anchor_peers <config.json> <msp id>: the organisation's anchor peers, "host:port" a line.
config_anchor_peers() {
  node -e '
    const fs = require("fs");
    const [file, mspId] = process.argv.slice(1);
    const org = JSON.parse(fs.readFileSync(file, "utf8")).channel_group.groups.Application.groups[mspId];
    if (org === undefined) process.exit(3);
    for (const a of org.values.AnchorPeers?.value.anchor_peers ?? []) console.log(a.host + ":" + a.port);
  ' "$1" "$2"
}

# config_set_anchor <config.json> <msp id> <host> <port> <out.json>: the configuration with the
# organisation's anchor peers replaced by that one peer (the value's mod_policy is the
# organisation's Admins, so its own admin alone may sign the update).
config_set_anchor() {
  node -e '
    const fs = require("fs");
    const [file, mspId, host, port, out] = process.argv.slice(1);
    const config = JSON.parse(fs.readFileSync(file, "utf8"));
    const org = config.channel_group.groups.Application.groups[mspId];
    const current = org.values.AnchorPeers;
    org.values.AnchorPeers = {
      mod_policy: current?.mod_policy ?? "Admins",
      value: { anchor_peers: [{ host, port: Number(port) }] },
      version: current?.version ?? "0",
    };
    fs.writeFileSync(out, JSON.stringify(config));
  ' "$1" "$2" "$3" "$4" "$5"
}

# config_envelope <update.json> <out.json>: a config update wrapped in the envelope peer channel
# update submits (header type 2 = CONFIG_UPDATE).
config_envelope() {
  node -e '
    const fs = require("fs");
    const [file, channel, out] = process.argv.slice(1);
    const update = JSON.parse(fs.readFileSync(file, "utf8"));
    fs.writeFileSync(out, JSON.stringify({
      payload: {
        header: { channel_header: { channel_id: channel, type: 2 } },
        data: { config_update: update },
      },
    }));
  ' "$1" "$CHANNEL_NAME" "$2"
}

# config_update_envelope <config.json> <modified.json> <work dir>: the update from one configuration
# to the other as an unsigned envelope, <work dir>/envelope.pb.
config_update_envelope() {
  local tx="$FABRIC_BIN/configtxlator" work="$3"
  "$tx" proto_encode --input "$1" --type common.Config --output "$work/config.cfg.pb" &&
    "$tx" proto_encode --input "$2" --type common.Config --output "$work/modified.cfg.pb" &&
    "$tx" compute_update --channel_id "$CHANNEL_NAME" --original "$work/config.cfg.pb" \
      --updated "$work/modified.cfg.pb" --output "$work/update.pb" &&
    "$tx" proto_decode --input "$work/update.pb" --type common.ConfigUpdate --output "$work/update.json" &&
    config_envelope "$work/update.json" "$work/envelope.json" &&
    "$tx" proto_encode --input "$work/envelope.json" --type common.Envelope --output "$work/envelope.pb"
}

# set_anchor_peer <org> <p> <work dir>: makes peer p the member's anchor peer, by an update of the
# member's own organisation group signed by its admin alone; nothing is sent when it already is.
set_anchor_peer() {
  local org="$1" p="$2" work="$3" msp want
  msp="$(msp_id "$org")"
  want="127.0.0.1:$(peer_port "$org" "$p")"
  mkdir -p "$work"
  cli_step "fetching the channel configuration as $msp's admin" members config_fetch "$org" "$work/config.pb"
  cli_step "decoding the channel configuration" members config_decode "$work/config.pb" "$work/config.json"
  if [[ "$(config_anchor_peers "$work/config.json" "$msp")" == "$want" ]]; then
    log "the anchor peer of $msp is already peer$p-${org,,} ($want)"
    return 0
  fi
  log "setting the anchor peer of $msp to peer$p-${org,,} ($want), an update signed by $msp's admin alone"
  cli_step "editing $msp's anchor peers" members config_set_anchor "$work/config.json" "$msp" 127.0.0.1 "${want##*:}" "$work/modified.json"
  cli_step "computing the anchor peer update" members config_update_envelope "$work/config.json" "$work/modified.json" "$work"
  cli_step "submitting the anchor peer update as $msp's admin" members peer_cli "$org" "$p" channel update -f "$work/envelope.pb" \
    -c "$CHANNEL_NAME" -o "127.0.0.1:$(orderer_port 1)" --tls --cafile "$(ca_root orderer)"
}
