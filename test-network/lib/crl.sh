#!/usr/bin/env bash
# Publishes a member CA's certificate revocation list in the channel configuration. Peers only
# refuse a revoked certificate once the member's MSP definition in the channel carries a CRL
# (MSP `revocation_list`); revoking at the CA alone changes nothing on the channel.
#
# The update touches only the member's own MSP value, whose mod_policy is the member's Admins
# policy, so the member's admin signs it alone. The member's CA is the only issuer in its MSP, so
# its current CRL replaces whatever list the configuration held.

# crl_step <description> <command...>: runs one step, appending its output to logs/crl.log; on
# failure names the step and shows what that step printed.
crl_step() {
  local what="$1" out="$ARTIFACTS_DIR/crl/step.out"
  shift
  printf '\n== %s: %s\n' "$what" "$*" >>"$LOGS_DIR/crl.log"
  if "$@" >"$out" 2>&1; then
    cat "$out" >>"$LOGS_DIR/crl.log"
    return 0
  fi
  cat "$out" >>"$LOGS_DIR/crl.log"
  show_cli_error "$out" >&2
  die "crl: $what failed (log: $LOGS_DIR/crl.log)"
}

# crl_serials <pem file>: the revoked serial numbers a PEM CRL lists, sorted, one per line.
crl_serials() {
  openssl crl -in "$1" -noout -text | sed -n 's/^ *Serial Number: *\([0-9A-Fa-f]*\).*/\1/p' | tr '[:lower:]' '[:upper:]' | sort -u
}

# crl_configured <config.json> <msp id> <out dir>: writes the PEM CRLs the MSP definition holds
# into <out dir>/<n>.pem.
crl_configured() {
  node -e '
    const fs = require("fs");
    const [file, mspId, dir] = process.argv.slice(1);
    const org = JSON.parse(fs.readFileSync(file, "utf8")).channel_group.groups.Application.groups[mspId];
    if (org === undefined) throw new Error(mspId + " is not an application organisation of the channel");
    (org.values.MSP.value.config.revocation_list ?? []).forEach((b64, i) => {
      fs.writeFileSync(dir + "/" + i + ".pem", Buffer.from(b64, "base64"));
    });
  ' "$1" "$2" "$3"
}

# crl_edit <config.json> <msp id> <crl.pem> <out.json>: the configuration with the MSP's
# revocation list replaced by the given CRL.
crl_edit() {
  node -e '
    const fs = require("fs");
    const [file, mspId, crl, out] = process.argv.slice(1);
    const config = JSON.parse(fs.readFileSync(file, "utf8"));
    const msp = config.channel_group.groups.Application.groups[mspId].values.MSP.value.config;
    msp.revocation_list = [fs.readFileSync(crl).toString("base64")];
    fs.writeFileSync(out, JSON.stringify(config));
  ' "$1" "$2" "$3" "$4"
}

# crl_peer_has <org> <peer org> <p> <crl.pem> <work dir>: whether one peer's channel
# configuration already holds exactly this CRL for the member.
crl_peer_has() {
  local org="$1" porg="$2" p="$3" crl="$4" work="$5"
  local dir="$work/peer$p-${porg,,}"
  rm -rf "$dir"
  mkdir -p "$dir/crls"
  config_fetch "$porg" "$dir/config.pb" "$p" >>"$LOGS_DIR/crl.log" 2>&1 || return 1
  config_decode "$dir/config.pb" "$dir/config.json" >>"$LOGS_DIR/crl.log" 2>&1 || return 1
  crl_configured "$dir/config.json" "$(msp_id "$org")" "$dir/crls" >>"$LOGS_DIR/crl.log" 2>&1 || return 1
  [[ -f "$dir/crls/0.pem" && ! -f "$dir/crls/1.pem" ]] && cmp -s "$dir/crls/0.pem" "$crl"
}

cmd_crl() {
  reset_clock
  local org="${1:-}"
  [[ -n "$org" ]] || die "usage: network.sh crl <member>; members: ${ORGS[*]}"
  local known=0 o
  for o in "${ORGS[@]}"; do [[ "$o" == "$org" ]] && known=1; done
  ((known)) || die "unknown member '$org'; members: ${ORGS[*]}"
  require_network
  is_running "ca-${org,,}" || die "ca-${org,,} is not running; run \`network.sh start\`"
  is_running "orderer1" || die "orderer1 is not running; run \`network.sh start\`"
  command -v openssl >/dev/null 2>&1 || die "crl needs openssl to read revocation lists; install it"
  command -v node >/dev/null 2>&1 || die "crl needs node to edit the channel configuration; install Node.js"

  local msp work
  msp="$(msp_id "$org")"
  work="$ARTIFACTS_DIR/crl/${org,,}"
  rm -rf "$work"
  mkdir -p "$work/configured"

  log "asking ca-${org,,} for a current CRL"
  local registrar="$CRYPTO_DIR/${org,,}/registrar"
  rm -f "$registrar/msp/crls/crl.pem"
  crl_step "generating the CRL at ca-${org,,} (fabric-ca-client gencrl as its registrar)" ca_client "$org" gencrl
  [[ -s "$registrar/msp/crls/crl.pem" ]] || die "crl: fabric-ca-client gencrl wrote no $registrar/msp/crls/crl.pem"
  cp "$registrar/msp/crls/crl.pem" "$work/crl.pem"
  local serials
  serials="$(crl_serials "$work/crl.pem")" || die "crl: openssl cannot read the CRL from ca-${org,,} ($work/crl.pem)"

  log "fetching the configuration of channel $CHANNEL_NAME"
  crl_step "fetching the channel configuration from the ordering service" config_fetch "$org" "$work/config.pb"
  crl_step "decoding the channel configuration (configtxlator)" config_decode "$work/config.pb" "$work/config.json"
  crl_step "reading $msp's revocation list from the configuration" crl_configured "$work/config.json" "$msp" "$work/configured"

  # A fresh CRL differs from the last one in its dates and signature even when nothing new was
  # revoked; comparing the serials it lists keeps a second run from adding a config block.
  local current="" f
  for f in "$work"/configured/*.pem; do
    [[ -e "$f" ]] || continue
    current+="$(crl_serials "$f")"$'\n'
  done
  current="$(printf '%s' "$current" | sed '/^$/d' | sort -u)"
  local count
  count="$(printf '%s' "$serials" | sed '/^$/d' | wc -l)"
  if [[ -n "$(ls -A "$work/configured")" && "$current" == "$serials" ]]; then
    log "$msp's revocation list in $CHANNEL_NAME is already current ($count revoked certificate(s)); nothing to do"
    return 0
  fi

  log "updating $msp's revocation list in $CHANNEL_NAME ($count revoked certificate(s))"
  local tx="$FABRIC_BIN/configtxlator"
  crl_step "putting the CRL into $msp's MSP definition" crl_edit "$work/config.json" "$msp" "$work/crl.pem" "$work/modified.json"
  crl_step "encoding the current configuration" "$tx" proto_encode --input "$work/config.json" --type common.Config --output "$work/config.cfg.pb"
  crl_step "encoding the modified configuration" "$tx" proto_encode --input "$work/modified.json" --type common.Config --output "$work/modified.cfg.pb"
  crl_step "computing the configuration update" "$tx" compute_update --channel_id "$CHANNEL_NAME" \
    --original "$work/config.cfg.pb" --updated "$work/modified.cfg.pb" --output "$work/update.pb"
  crl_step "decoding the configuration update" "$tx" proto_decode --input "$work/update.pb" --type common.ConfigUpdate --output "$work/update.json"
  crl_step "wrapping the update in an envelope" config_envelope "$work/update.json" "$work/envelope.json"
  crl_step "encoding the envelope" "$tx" proto_encode --input "$work/envelope.json" --type common.Envelope --output "$work/envelope.pb"
  crl_step "signing and submitting the update as $msp's admin" peer_cli "$org" "$(first_peer "$org")" channel update -f "$work/envelope.pb" \
    -c "$CHANNEL_NAME" -o "127.0.0.1:$(orderer_port 1)" --tls --cafile "$(ca_root orderer)"

  log "waiting until every peer's configuration of $CHANNEL_NAME carries the CRL"
  local deadline=$((SECONDS + HEALTH_TIMEOUT)) porg p
  for porg in "${ORGS[@]}"; do
    for p in $(peer_numbers "$porg"); do
      until crl_peer_has "$org" "$porg" "$p" "$work/crl.pem" "$work"; do
        ((SECONDS < deadline)) ||
          die "crl: peer$p-${porg,,} does not show the new CRL of $msp after ${HEALTH_TIMEOUT}s; see $LOGS_DIR/crl.log and $LOGS_DIR/peer$p-${porg,,}.log"
        sleep 0.5
      done
    done
  done
  log "$msp's CRL ($count revoked certificate(s)) is in the configuration of $CHANNEL_NAME on every peer"
}
