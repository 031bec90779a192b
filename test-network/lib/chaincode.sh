#!/usr/bin/env bash
# Chaincode lifecycle for the local network: a chaincode-as-a-service package (the peer dials a
# chaincode server instead of building and launching code), installed on every peer, approved by
# every member and committed; one chaincode server per peer, restarted if it crashes.

orderer_tls_args() {
  echo -o "127.0.0.1:$(orderer_port 1)" --tls --cafile "$(ca_root orderer)"
}

cc_names() {
  local d
  [[ -d "$ARTIFACTS_DIR/chaincode" ]] || return 0
  for d in "$ARTIFACTS_DIR"/chaincode/*/; do
    [[ -f "$d/package-id" ]] && basename "$d"
  done
}

start_ccservers() {
  local cc org p slot
  for cc in $(cc_names); do
    slot="$(cat "$ARTIFACTS_DIR/chaincode/$cc/slot")"
    for org in "${ORGS[@]}"; do
      for p in $(seq 1 "$PEERS_PER_ORG"); do
        start_process "cc-$cc-peer$p-${org,,}" bash "$NETWORK_DIR/nodes/ccserver.sh" "$cc" "$org" "$p"
      done
    done
    for org in "${ORGS[@]}"; do
      for p in $(seq 1 "$PEERS_PER_ORG"); do
        wait_ccserver "cc-$cc-peer$p-${org,,}" "$(ccserver_port "$slot" "$org" "$p")"
      done
    done
  done
}

# wait_ccserver <name> <port>: a chaincode server listens on its port.
wait_ccserver() {
  wait_port "$1" "$2"
}

stop_ccservers() {
  local cc="$1" org p
  for org in "${ORGS[@]}"; do
    for p in $(seq 1 "$PEERS_PER_ORG"); do
      stop_process "cc-$cc-peer$p-${org,,}"
    done
  done
}

committed_sequence() {
  local out
  out="$(peer_cli "$2" "$3" lifecycle chaincode querycommitted --channelID "$CHANNEL_NAME" --name "$1" 2>/dev/null || true)"
  sed -n 's/.*Sequence: \([0-9]*\).*/\1/p' <<<"$out"
}

cmd_deploy() {
  reset_clock
  local dir="" name="" collections="" policy="" version=""
  while (($# > 0)); do
    case "$1" in
      --name) name="$2"; shift 2 ;;
      --collections) collections="$2"; shift 2 ;;
      --policy) policy="$2"; shift 2 ;;
      --version) version="$2"; shift 2 ;;
      -*) die "unknown deploy option $1; usage: network.sh deploy <chaincode dir> [--name n] [--collections file] [--policy expr] [--version v]" ;;
      *) dir="$1"; shift ;;
    esac
  done
  [[ -n "$dir" ]] || die "usage: network.sh deploy <chaincode dir> [--name n] [--collections file] [--policy expr] [--version v]"
  [[ -f "$dir/package.json" ]] || die "$dir has no package.json; deploy takes a Node chaincode package directory"
  [[ -f "$INIT_MARK" ]] || die "no network in $NETWORK_HOME; run \`network.sh up\` first"
  is_running "peer1-${ORGS[0],,}" || die "the network is not running; run \`network.sh start\`"
  dir="$(cd "$dir" && pwd)"
  [[ -z "$collections" || -f "$collections" ]] || die "collections file $collections not found"
  [[ -n "$collections" ]] && collections="$(cd "$(dirname "$collections")" && pwd)/$(basename "$collections")"
  [[ -n "$name" ]] || name="$(basename "$dir")"
  [[ "$name" =~ ^[a-zA-Z0-9][a-zA-Z0-9_-]*$ ]] || die "chaincode name '$name' may only hold letters, digits, _ and -"

  if grep -q '"build"' "$dir/package.json"; then
    log "building $dir"
    (cd "$dir" && npm run build --silent) >>"$LOGS_DIR/deploy.log" 2>&1 ||
      { tail -n 20 "$LOGS_DIR/deploy.log" >&2; die "building the chaincode failed"; }
  fi

  local state="$ARTIFACTS_DIR/chaincode/$name" seq slot
  mkdir -p "$state"
  if [[ -f "$state/slot" ]]; then
    slot="$(cat "$state/slot")"
  else
    slot="$(find "$ARTIFACTS_DIR/chaincode" -name slot | wc -l)"
    slot=$((slot))
    ((slot < 10)) || die "at most 10 chaincodes per local network"
  fi
  seq="$(committed_sequence "$name" "${ORGS[0]}" 1)"
  seq=$((${seq:-0} + 1))
  [[ -n "$version" ]] || version="$seq"
  local label="${name}_${version}"

  log "packaging $name as a chaincode service (label $label, sequence $seq)"
  local pkg="$state/pkg"
  rm -rf "$pkg"
  mkdir -p "$pkg/code"
  printf '{"address":"{{CCAAS_ADDRESS}}","dial_timeout":"10s","tls_required":false}\n' >"$pkg/code/connection.json"
  local org p
  for org in "${ORGS[@]}"; do
    for p in $(seq 1 "$PEERS_PER_ORG"); do
      printf 'peer%s-%s 127.0.0.1:%s\n' "$p" "${org,,}" "$(ccserver_port "$slot" "$org" "$p")" >>"$pkg/code/addresses.txt"
    done
  done
  printf '{"type":"ccaas","label":"%s"}\n' "$label" >"$pkg/metadata.json"
  tar -C "$pkg/code" -czf "$pkg/code.tar.gz" connection.json addresses.txt
  tar -C "$pkg" -czf "$state/$label.tgz" metadata.json code.tar.gz
  local package_id
  package_id="$(peer_cli "${ORGS[0]}" 1 lifecycle chaincode calculatepackageid "$state/$label.tgz")"

  log "installing $package_id on every peer"
  for org in "${ORGS[@]}"; do
    for p in $(seq 1 "$PEERS_PER_ORG"); do
      if ! peer_cli "$org" "$p" lifecycle chaincode queryinstalled 2>/dev/null | grep -q "$package_id"; then
        peer_cli "$org" "$p" lifecycle chaincode install "$state/$label.tgz" >>"$LOGS_DIR/deploy.log" 2>&1 ||
          { tail -n 10 "$LOGS_DIR/deploy.log" >&2; die "install on peer$p-${org,,} failed"; }
      fi
    done
  done

  log "starting one chaincode server per peer"
  stop_ccservers "$name"
  printf '%s' "$package_id" >"$state/package-id"
  printf '%s' "$dir" >"$state/module-path"
  printf '%s' "$slot" >"$state/slot"
  start_ccservers

  local common=(--channelID "$CHANNEL_NAME" --name "$name" --version "$version" --sequence "$seq")
  [[ -n "$policy" ]] && common+=(--signature-policy "$policy")
  [[ -n "$collections" ]] && common+=(--collections-config "$collections")
  local orderer
  read -r -a orderer <<<"$(orderer_tls_args)"
  for org in "${ORGS[@]}"; do
    log "approving for $(msp_id "$org")"
    peer_cli "$org" 1 lifecycle chaincode approveformyorg "${common[@]}" --package-id "$package_id" "${orderer[@]}" \
      >>"$LOGS_DIR/deploy.log" 2>&1 || { tail -n 10 "$LOGS_DIR/deploy.log" >&2; die "approval by $(msp_id "$org") failed"; }
  done
  local targets=()
  for org in "${ORGS[@]}"; do
    targets+=(--peerAddresses "127.0.0.1:$(peer_port "$org" 1)" --tlsRootCertFiles "$(ca_root "$org")")
  done
  log "committing $name sequence $seq"
  peer_cli "${ORGS[0]}" 1 lifecycle chaincode commit "${common[@]}" "${orderer[@]}" "${targets[@]}" \
    >>"$LOGS_DIR/deploy.log" 2>&1 || { tail -n 10 "$LOGS_DIR/deploy.log" >&2; die "commit failed"; }
  local deadline=$((SECONDS + HEALTH_TIMEOUT)) got
  for org in "${ORGS[@]}"; do
    for p in $(seq 1 "$PEERS_PER_ORG"); do
      while true; do
        got="$(committed_sequence "$name" "$org" "$p")"
        [[ "$got" == "$seq" ]] && break
        ((SECONDS < deadline)) || die "peer$p-${org,,} does not show $name sequence $seq after ${HEALTH_TIMEOUT}s"
        sleep 0.3
      done
    done
  done
  log "deployed $name (version $version, sequence $seq, package $package_id)"
}
