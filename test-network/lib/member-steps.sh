#!/usr/bin/env bash
# The steps of `member create` (lib/member-admin.sh) that talk to the channel: the invitee's MSP
# definition and its hash, reading and checking the invitation on the chain, waiting until the
# channel configuration has the member's MSP, approving the deployed chaincodes for the new
# organisation and accepting the invitation as its admin.

# The hash domain of the protocol package's mspDefinitionHash (protocol/src/msp-definition.ts).
MSP_DEFINITION_DOMAIN='oracle-consortium/msp-definition/v1'

# definition_json <Name>: the member's MSP definition in the protocol's canonical form (keys sorted,
# certificates as base64 DER, node OUs on as the member's CA issues them).
definition_json() {
  local msp="$CRYPTO_DIR/${1,,}/msp"
  [[ -f "$msp/cacerts/ca.pem" && -f "$msp/tlscacerts/ca.pem" ]] || die "$1 has no MSP folder ($msp); is it prepared?"
  node -e '
    const fs = require("fs");
    const { X509Certificate } = require("crypto");
    const [mspId, root, tlsRoot] = process.argv.slice(1);
    const der = (f) => new X509Certificate(fs.readFileSync(f)).raw.toString("base64");
    console.log(JSON.stringify({ mspId, nodeOUs: true, rootCerts: [der(root)], tlsRootCerts: [der(tlsRoot)] }));
  ' "$(msp_id "$1")" "$msp/cacerts/ca.pem" "$msp/tlscacerts/ca.pem"
}

# definition_hash <Name>: mspDefinitionHash of its definition.
definition_hash() {
  local json
  json="$(definition_json "$1")"
  printf '%s\n%s' "$MSP_DEFINITION_DOMAIN" "$json" | sha256sum | cut -d' ' -f1
}

# query_invitation <org> <p> <id>: the invitation record as JSON, read as that member's admin.
query_invitation() {
  local out rc=0
  out="$(peer_cli "$1" "$2" chaincode query -C "$CHANNEL_NAME" -n "$MEMBERSHIP_CHAINCODE" \
    -c "{\"function\":\"membership:getInvitation\",\"Args\":[\"$3\"]}" 2>&1)" || rc=$?
  if ((rc != 0)); then
    # The contract's own message ("[INVITATION_NOT_FOUND] ...") is inside the CLI's error line.
    local why
    why="$(grep -o '\[[A-Z_]*\][^"]*' <<<"$out" | sed -n 1p)"
    die "invitation $3 cannot be read from $CHANNEL_NAME: ${why:-$(grep '^Error' <<<"$out" | sed -n 1p)}"
  fi
  printf '%s' "$out"
}

# check_invitation <json> <Name> <id>: the invitation is pending, unexpired, for the member's MSP id
# and bound to its definition; otherwise the problem, named.
check_invitation() {
  node -e '
    const [json, mspId, hash, id] = process.argv.slice(1);
    const inv = JSON.parse(json);
    const fail = (m) => { console.error("error: invitation " + id + " " + m); process.exit(1); };
    if (inv.principal !== mspId) fail("is for " + inv.principal + ", not " + mspId);
    if (inv.status !== "PENDING") fail("is " + inv.status + ", not PENDING" + (inv.status === "ACCEPTED" ? " (already used)" : ""));
    if (!(Date.parse(inv.expirationDate) > Date.now())) fail("expired at " + inv.expirationDate);
    if (inv.mspDefinitionHash !== hash)
      fail("was voted for the MSP definition with hash " + inv.mspDefinitionHash + ", but this " + mspId +
        " has " + hash + " (network.sh member definition prints it): a new vote must carry this definition");
  ' "$1" "$(msp_id "$2")" "$(definition_hash "$2")" "$3" || exit 1
}

# wait_channel_has <Name> <voter org> <timeout>: polls the config block until the channel's
# Application group has the member's MSP, with the member's CA as its root.
wait_channel_has() {
  local name="$1" voter="$2" timeout="$3" msp work started=$SECONDS next_note=$((SECONDS + 15)) roots rc
  msp="$(msp_id "$name")"
  work="$ARTIFACTS_DIR/member-${name,,}"
  mkdir -p "$work"
  log "waiting (at most ${timeout}s) until the channel configuration has $msp: the members' governance agents add it once the invitation's proposal is approved"
  while true; do
    rc=0
    if config_fetch "$voter" "$work/config.pb" >>"$LOGS_DIR/members.log" 2>&1 &&
      config_decode "$work/config.pb" "$work/config.json" >>"$LOGS_DIR/members.log" 2>&1; then
      roots="$(config_org_roots "$work/config.json" "$msp")" || rc=$?
      if ((rc == 0)); then
        grep -qxF "$(cert_fingerprint "$(ca_root "$name")")" <<<"$roots" ||
          die "the channel's $msp does not trust ca-${name,,} (its root certificates are not this member's CA): it was added with another definition"
        log "the channel configuration has $msp (after $((SECONDS - started))s)"
        return 0
      fi
    fi
    ((SECONDS - started < timeout)) || die "the channel configuration still has no $msp after ${timeout}s; is the invitation's proposal approved and are the members' governance agents running? Run \`member create\` again to go on waiting"
    if ((SECONDS >= next_note)); then
      log "still waiting for $msp in the channel configuration ($((SECONDS - started))s of ${timeout}s)"
      next_note=$((SECONDS + 15))
    fi
    sleep 3
  done
}

# check_chaincode_states <org> <p>: every deployed chaincode can be installed by a new member as it
# is: its policy and package were recorded by `deploy`, and the channel holds the sequence this
# network deployed or a later one (the members' governance agents move a definition whose policies
# are over every member to the new member set, with the same package), read through that member's
# peer. Checked before anything starts.
check_chaincode_states() {
  local cc state committed
  for cc in $(cc_names); do
    state="$(cc_state "$cc")"
    [[ -f "$state/policy" && -f "$(cc_package "$cc")" ]] ||
      die "chaincode $cc was deployed by an older network.sh that did not record its policy and package; deploy it again before adding members"
    committed="$(committed_sequence "$cc" "$1" "$2")"
    if [[ -z "$committed" ]] || (("$committed" < "$(cat "$state/sequence")")); then
      die "chaincode $cc is at sequence ${committed:-none} on the channel but this network deployed sequence $(cat "$state/sequence"); deploy it again before adding members"
    fi
  done
}

# Chaincodes whose committed definition `approve_chaincodes` left to the member's governance agent.
AGENT_APPROVES=()

# approve_chaincodes <Name>: the member's approval of every deployed chaincode's current definition
# (the same fields the founders approved, with its own package ID), so its peers run and endorse it.
# A definition the members' agents moved past the deployed one (its policies rewritten over the new
# member set) has fields this network did not record: the new member's own agent approves it
# (`npm run agent -- --member <Name> --once`), as every member approves only for itself.
approve_chaincodes() {
  local org="$1" p cc state seq committed orderer args
  p="$(first_peer "$org")"
  read -r -a orderer <<<"$(orderer_tls_args)"
  AGENT_APPROVES=()
  for cc in $(cc_names); do
    state="$(cc_state "$cc")"
    seq="$(cat "$state/sequence")"
    committed="$(committed_sequence "$cc" "$org" "$p")"
    if [[ -n "$committed" ]] && (("$committed" > "$seq")); then
      log "$cc is at sequence $committed on the channel (deployed at $seq; the members' agents moved it with the membership): $(msp_id "$org")'s governance agent approves it (npm run agent -- --member $org --once)"
      AGENT_APPROVES+=("$cc")
      continue
    fi
    [[ "$committed" == "$seq" ]] ||
      die "chaincode $cc is at sequence ${committed:-none} on the channel but this network deployed sequence $seq; deploy it again before adding members"
    args=(--channelID "$CHANNEL_NAME" --name "$cc" --version "$(cat "$state/version")" --sequence "$seq")
    [[ -z "$(cat "$state/policy" 2>/dev/null)" ]] || args+=(--signature-policy "$(cat "$state/policy")")
    [[ ! -f "$state/collections.json" ]] || args+=(--collections-config "$state/collections.json")
    if peer_cli "$org" "$p" lifecycle chaincode queryapproved -C "$CHANNEL_NAME" -n "$cc" --sequence "$seq" >/dev/null 2>&1; then
      log "$(msp_id "$org") has approved $cc sequence $seq already"
      continue
    fi
    log "approving $cc sequence $seq for $(msp_id "$org")"
    cli_step "approval of $cc by $(msp_id "$org")" members peer_cli "$org" "$p" lifecycle chaincode approveformyorg \
      "${args[@]}" --package-id "$(cat "$state/package-id")" "${orderer[@]}"
  done
}

# accept_invitation <Name> <id>: acceptInvitation as the member's admin, endorsed by one peer of
# every member (the membership chaincode's policy is a majority of the members), waiting for commit.
accept_invitation() {
  local org="$1" id="$2" def targets=() o orderer
  def="$(definition_json "$org")"
  for o in "${ORGS[@]}"; do
    is_running "peer$(first_peer "$o")-${o,,}" || continue
    # Until its agent approves the membership definition, the new member's peers do not run it.
    if [[ "$o" == "$org" && " ${AGENT_APPROVES[*]} " == *" $MEMBERSHIP_CHAINCODE "* ]]; then continue; fi
    targets+=(--peerAddresses "127.0.0.1:$(peer_port "$o" "$(first_peer "$o")")" --tlsRootCertFiles "$(ca_root "$o")")
  done
  read -r -a orderer <<<"$(orderer_tls_args)"
  local args
  args="$(node -e 'console.log(JSON.stringify({ function: "membership:acceptInvitation", Args: process.argv.slice(1) }))' "$id" "$def")"
  cli_step "acceptInvitation $id as $(msp_id "$org")'s admin" members peer_cli "$org" "$(first_peer "$org")" chaincode invoke \
    -C "$CHANNEL_NAME" -n "$MEMBERSHIP_CHAINCODE" -c "$args" --waitForEvent "${orderer[@]}" "${targets[@]}"
}

# wait_all_see_running: every running peer's discovery lists every running peer.
wait_all_see_running() {
  local want=0 name org p
  for name in $(peer_names); do [[ "$(node_state "$name")" == running ]] && want=$((want + 1)); done
  for org in "${ORGS[@]}"; do
    for p in $(peer_numbers "$org"); do
      [[ "$(node_state "peer$p-${org,,}")" == running ]] && wait_peer_sees "$org" "$p" "$want" "running peers"
    done
  done
  return 0
}
