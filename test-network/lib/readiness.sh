#!/usr/bin/env bash
# When a started network is usable, not merely alive: every peer holds the channel, every orderer
# serves it (a restarted one answers /healthz before its Raft chain is back in step), and every
# peer sees the others through gossip (until then a gateway cannot plan an endorsement that needs
# another member). `up`, `start` and the per-node `start` wait on these.

wait_channel_height() {
  local deadline=$((SECONDS + HEALTH_TIMEOUT)) org p h
  for org in "${ORGS[@]}"; do
    for p in $(peer_numbers "$org"); do
      while true; do
        h="$(peer_height "$org" "$p")"
        [[ "$h" =~ ^[0-9]+$ && "$h" -ge 1 ]] && break
        ((SECONDS < deadline)) || die "peer$p-${org,,} has no block of $CHANNEL_NAME after ${HEALTH_TIMEOUT}s"
        sleep 0.3
      done
    done
  done
}

# wait_peer_sees <org> <p> <count> <what>: waits until the peer's discovery lists at least <count>
# peers of the channel (gossip membership as discovery reports it). Until a peer sees the others,
# the gateway of its member finds no peers of another member, and a transaction whose endorsement
# policy needs them is refused ("no combination of peers"). <what> names the peers counted, for the
# error.
wait_peer_sees() {
  local org="$1" p="$2" want="$3" what="$4" deadline=$((SECONDS + HEALTH_TIMEOUT)) seen
  while true; do
    seen="$(peer_discover "$org" "$p" peers --channel "$CHANNEL_NAME" 2>/dev/null | grep -c '"Endpoint"' || true)"
    ((${seen:-0} >= want)) && return 0
    ((SECONDS < deadline)) ||
      die "peer$p-${org,,} sees ${seen:-0} of the $want $what after ${HEALTH_TIMEOUT}s; see $LOGS_DIR/peer$p-${org,,}.log"
    sleep 0.5
  done
}

# wait_gossip: every peer sees every peer of the channel.
wait_gossip() {
  local org p want
  want="$(peer_count)"
  for org in "${ORGS[@]}"; do
    for p in $(peer_numbers "$org"); do
      wait_peer_sees "$org" "$p" "$want" "channel's peers"
    done
  done
}

# wait_orderer_serves <n>: a restarted orderer answers /healthz before its Raft chain is back in
# step with the others; until then it refuses deliver and broadcast with SERVICE_UNAVAILABLE. Wait
# until it serves the channel's newest block, so `start` returns a network that takes
# transactions and config updates (tests and `crl` used to meet SERVICE_UNAVAILABLE right after).
wait_orderer_serves() {
  local n="$1" deadline=$((SECONDS + HEALTH_TIMEOUT)) out="$NETWORK_HOME/.orderer$1-probe.block"
  until peer_cli "${ORGS[0]}" "$(first_peer "${ORGS[0]}")" channel fetch newest "$out" -c "$CHANNEL_NAME" \
    -o "127.0.0.1:$(orderer_port "$n")" --tls --cafile "$(ca_root orderer)" >/dev/null 2>&1; do
    ((SECONDS < deadline)) || die "orderer$n does not serve channel $CHANNEL_NAME after ${HEALTH_TIMEOUT}s (see $LOGS_DIR/orderer$n.log)"
    sleep 0.5
  done
  rm -f "$out"
}
