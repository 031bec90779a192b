#!/usr/bin/env bash
# Commands that read the network without changing it: a node's log, the peer CLI settings of a
# member (`env`) and the topology.

cmd_logs() {
  local node="${1:-}"
  [[ -n "$node" ]] || die "usage: network.sh logs <node>; nodes: $(all_process_names | tr '\n' ' ')"
  [[ -f "$LOGS_DIR/$node.log" ]] || die "no log for '$node' in $LOGS_DIR; nodes: $(all_process_names | tr '\n' ' ')"
  if [[ "${FOLLOW:-1}" == 1 && -t 1 ]]; then
    tail -n 100 -f "$LOGS_DIR/$node.log"
  else
    tail -n "${LINES_SHOWN:-100}" "$LOGS_DIR/$node.log"
  fi
}

# cmd_env <member> [peer number]: the peer CLI settings of the member's admin, as shell exports,
# so `eval "$(network.sh env Org1)"` points a shell's `peer` at this network.
cmd_env() {
  local member="${1:-}" p="${2:-}" org=""
  [[ -n "$member" ]] || usage_error "usage: network.sh env <member> [peer number]; members: ${ORGS[*]}"
  require_network
  org="$(org_of "${member,,}")" || die "unknown member '$member'; members: ${ORGS[*]}"
  [[ -n "$p" ]] || p="$(first_peer "$org")"
  if ! peer_numbers "$org" | grep -xF -- "$p" >/dev/null; then
    die "$org has no peer '$p'; its peers: $(peer_numbers "$org" | paste -sd ' ')"
  fi
  local line
  for line in \
    "FABRIC_CFG_PATH=$CONFIG_DIR" \
    "CORE_PEER_BCCSP_DEFAULT=SW" \
    "CORE_PEER_LOCALMSPID=$(msp_id "$org")" \
    "CORE_PEER_MSPCONFIGPATH=$CRYPTO_DIR/${org,,}/admin/msp" \
    "CORE_PEER_ADDRESS=127.0.0.1:$(peer_port "$org" "$p")" \
    "CORE_PEER_TLS_ENABLED=true" \
    "CORE_PEER_TLS_ROOTCERT_FILE=$(ca_root "$org")" \
    "ORDERER_ADDRESS=127.0.0.1:$(orderer_port 1)" \
    "ORDERER_CA=$(ca_root orderer)" \
    "CHANNEL_NAME=$CHANNEL_NAME"; do
    printf 'export %s=%q\n' "${line%%=*}" "${line#*=}"
  done
  # PATH keeps the caller's own entries: its $PATH is expanded by the shell that evals this.
  # shellcheck disable=SC2016
  printf 'export PATH=%q:"$PATH"\n' "$FABRIC_BIN"
}

# cmd_topology: one member a line, "<member> <MSP id> <peer node names...>", for scripts (such as
# scripts/deploy-local.sh) that act on every member.
cmd_topology() {
  (($# == 0)) || usage_error "usage: network.sh topology"
  require_network
  local org p line
  for org in "${ORGS[@]}"; do
    line="$org $(msp_id "$org")"
    for p in $(peer_numbers "$org"); do line+=" peer$p-${org,,}"; done
    echo "$line"
  done
}
