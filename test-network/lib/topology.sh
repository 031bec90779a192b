#!/usr/bin/env bash
# shellcheck disable=SC2034 # the settings here are read by the scripts that source this file
# Topology: the members and each member's peers, recorded in $TOPOLOGY_FILE by `up` and read from
# there by every later command, so a network keeps the shape it was brought up with whatever the
# environment says later. One member a line, in the order members joined:
#   <member name> <port slot 1-8> <peer numbers 1-4, comma-separated>
# A member or a peer is added by add_member / add_peer and write_topology; nothing else needs to
# know how many there are.
#
# A member being prepared (`network.sh member prepare`: its CA runs, it is not on the channel yet)
# is recorded apart, in $PREPARED_FILE ("<member name> <port slot>" lines): it holds a port slot and
# its CA is a node of the network, but it is no member yet, so ORGS (which deploys, descriptions
# and policies iterate) does not list it.
MAX_MEMBERS=8
MAX_PEERS=4
TOPOLOGY_FILE="$NETWORK_HOME/topology"
PREPARED_FILE="$NETWORK_HOME/prepared-members"
# ORGS: member names in order; MEMBER_SLOT[name]: its port slot (prepared members too);
# MEMBER_PEERS[name]: its peer numbers, space-separated; PREPARED: prepared members, in order.
ORGS=()
PREPARED=()
declare -A MEMBER_SLOT=() MEMBER_PEERS=()

# load_topology: the recorded topology, or none (no network yet, or `up` has not recorded it).
load_topology() {
  local name slot peers line
  ORGS=()
  PREPARED=()
  MEMBER_SLOT=()
  MEMBER_PEERS=()
  load_prepared
  [[ -f "$TOPOLOGY_FILE" ]] || return 0
  while read -r line; do
    [[ -z "$line" || "$line" == \#* ]] && continue
    read -r name slot peers <<<"$line"
    if [[ ! "$name" =~ ^[A-Za-z][A-Za-z0-9]*$ || ! "$slot" =~ ^[1-8]$ || ! "$peers" =~ ^[1-4](,[1-4])*$ ]]; then
      die "malformed line in $TOPOLOGY_FILE: '$line' (expected <member> <slot 1-$MAX_MEMBERS> <peer numbers 1-$MAX_PEERS, comma-separated>)"
    fi
    ORGS+=("$name")
    MEMBER_SLOT[$name]="$slot"
    MEMBER_PEERS[$name]="${peers//,/ }"
  done <"$TOPOLOGY_FILE"
}

# load_prepared: the prepared members, into PREPARED and MEMBER_SLOT.
load_prepared() {
  local name slot line
  [[ -f "$PREPARED_FILE" ]] || return 0
  while read -r line; do
    [[ -z "$line" || "$line" == \#* ]] && continue
    read -r name slot <<<"$line"
    if [[ ! "$name" =~ ^[A-Za-z][A-Za-z0-9]*$ || ! "$slot" =~ ^[1-8]$ ]]; then
      die "malformed line in $PREPARED_FILE: '$line' (expected <member> <slot 1-$MAX_MEMBERS>)"
    fi
    PREPARED+=("$name")
    MEMBER_SLOT[$name]="$slot"
  done <"$PREPARED_FILE"
}

# is_prepared <name>: the name is a prepared member, not (yet) a member.
is_prepared() { [[ " ${PREPARED[*]} " == *" $1 "* ]]; }

# add_prepared <name>: a prepared member in the lowest free port slot; drop_prepared <name> forgets
# it (when it becomes a member, add_member keeps its slot). write_prepared records the list.
add_prepared() {
  add_member "$1"
  ORGS=("${ORGS[@]:0:${#ORGS[@]}-1}")
  unset 'MEMBER_PEERS[$1]'
  PREPARED+=("$1")
}
drop_prepared() {
  local kept=() n
  for n in "${PREPARED[@]}"; do [[ "$n" == "$1" ]] || kept+=("$n"); done
  PREPARED=("${kept[@]}")
}
write_prepared() {
  local name
  if ((${#PREPARED[@]} == 0)); then
    rm -f "$PREPARED_FILE"
    return 0
  fi
  {
    echo "# Prepared members of network $NETWORK_NAME (CA running, not on the channel yet):"
    echo "# <member name> <port slot 1-$MAX_MEMBERS>"
    for name in "${PREPARED[@]}"; do echo "$name ${MEMBER_SLOT[$name]}"; done
  } >"$PREPARED_FILE.tmp"
  mv "$PREPARED_FILE.tmp" "$PREPARED_FILE"
}

# drop_member <name>: forgets a member (its slot becomes free); write_topology records it.
drop_member() {
  local kept=() n
  for n in "${ORGS[@]}"; do [[ "$n" == "$1" ]] || kept+=("$n"); done
  ORGS=("${kept[@]}")
  unset 'MEMBER_SLOT[$1]' 'MEMBER_PEERS[$1]'
}

# drop_peer <member> <p>: forgets one peer of a member.
drop_peer() {
  local kept=() n
  for n in $(peer_numbers "$1"); do [[ "$n" == "$2" ]] || kept+=("$n"); done
  MEMBER_PEERS[$1]="${kept[*]}"
}

# add_member <name>: a new member with no peers yet, in the lowest free port slot; a prepared
# member keeps its slot and stops being prepared.
add_member() {
  local name="$1" slot org used=" "
  if is_prepared "$name"; then
    drop_prepared "$name"
    ORGS+=("$name")
    MEMBER_PEERS[$name]=""
    return 0
  fi
  [[ -z "${MEMBER_SLOT[$name]:-}" ]] || die "member $name already exists"
  for org in "${!MEMBER_SLOT[@]}"; do used+="${MEMBER_SLOT[$org]} "; done
  for slot in $(seq 1 "$MAX_MEMBERS"); do
    if [[ "$used" != *" $slot "* ]]; then
      ORGS+=("$name")
      MEMBER_SLOT[$name]="$slot"
      MEMBER_PEERS[$name]=""
      return 0
    fi
  done
  die "a local network has at most $MAX_MEMBERS members (one port slot each)"
}

# add_peer <member>: one more peer for the member, with the lowest free peer number.
add_peer() {
  local org="$1" p
  for p in $(seq 1 "$MAX_PEERS"); do
    if [[ " ${MEMBER_PEERS[$org]} " != *" $p "* ]]; then
      MEMBER_PEERS[$org]="$({ peer_numbers "$org"; echo "$p"; } | sort -n | paste -sd ' ')"
      return 0
    fi
  done
  die "member $org already has $MAX_PEERS peers, the most a member has on a local network"
}

# write_topology: records the topology held in ORGS, MEMBER_SLOT and MEMBER_PEERS.
write_topology() {
  local org peers
  {
    echo "# Members of network $NETWORK_NAME and their peers, one member a line:"
    echo "# <member name> <port slot 1-$MAX_MEMBERS> <peer numbers 1-$MAX_PEERS, comma-separated>"
    for org in "${ORGS[@]}"; do
      peers="${MEMBER_PEERS[$org]}"
      echo "$org ${MEMBER_SLOT[$org]} ${peers// /,}"
    done
  } >"$TOPOLOGY_FILE.tmp"
  mv "$TOPOLOGY_FILE.tmp" "$TOPOLOGY_FILE"
}

member_slot() {
  [[ -n "${MEMBER_SLOT[$1]:-}" ]] || die "unknown member '$1'; members: ${ORGS[*]:-none}"
  echo "${MEMBER_SLOT[$1]}"
}
# peer_numbers <member>: the member's peer numbers, one a line.
peer_numbers() {
  local ps=()
  read -r -a ps <<<"${MEMBER_PEERS[$1]:-}"
  ((${#ps[@]} == 0)) || printf '%s\n' "${ps[@]}"
}
# first_peer <member>: the peer that acts for the member where one peer is enough (admin CLI
# calls, the anchor peer).
first_peer() { peer_numbers "$1" | sed -n 1p; }
# peer_count: every peer of every member.
peer_count() {
  local org n=0
  for org in "${ORGS[@]}"; do n=$((n + $(peer_numbers "$org" | wc -l))); done
  echo "$n"
}
