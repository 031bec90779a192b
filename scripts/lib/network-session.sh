#!/usr/bin/env bash
# A network session for scripts that start a local network and must remove it afterwards:
# `network_session <name> <default port base>` selects the network (NETWORK_NAME, PORT_BASE,
# NETWORK_HOME and NETWORK_DESCRIPTION, each overridable) and arranges that, whatever happens,
# the network is removed on exit (unless KEEP_NETWORK=1) and the node logs of a failed run are kept
# beside it in <NETWORK_HOME>.failed-logs.

network_session() {
  export NETWORK_NAME="${NETWORK_NAME:-$1}"
  export PORT_BASE="${PORT_BASE:-$2}"
  export NETWORK_HOME="${NETWORK_HOME:-$PWD/.network/$NETWORK_NAME}"
  export NETWORK_DESCRIPTION="$NETWORK_HOME/network.json"
  trap end_network_session EXIT INT TERM
}

end_network_session() {
  local rc=$?
  trap - EXIT INT TERM
  if ((rc != 0)) && [[ -d "$NETWORK_HOME/logs" ]]; then
    # The network's state goes with `down`; its logs are what explains the failure, so keep them.
    rm -rf "$NETWORK_HOME.failed-logs"
    cp -r "$NETWORK_HOME/logs" "$NETWORK_HOME.failed-logs"
    echo "node logs of the failed run kept in $NETWORK_HOME.failed-logs" >&2
  fi
  if [[ "${KEEP_NETWORK:-0}" != 1 ]]; then
    bash test-network/network.sh down >/dev/null 2>&1 || true
  fi
  exit "$rc"
}
