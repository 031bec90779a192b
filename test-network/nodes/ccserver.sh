#!/usr/bin/env bash
# The chaincode server one peer dials (chaincode as a service):
# ccserver.sh <chaincode> <org> <p> [state dir]. The state dir (default: the deployed chaincode's)
# gives package ID, module, slot and port variant; an upgrade starts servers from the new version's
# state beside the running ones. Everything is read once, at start.
# Restarts the chaincode if it crashes; the supervisor and its child share one process group, so
# stopping the group stops both.
set -euo pipefail
# shellcheck source=test-network/lib/common.sh
source "$(dirname "$0")/../lib/common.sh"
cc="$1"
org="$2"
p="$3"
state="${4:-$ARTIFACTS_DIR/chaincode/$cc}"
package_id="$(cat "$state/package-id")"
module="$(cat "$state/module-path")"
variant=0
[[ -f "$state/variant" ]] && variant="$(cat "$state/variant")"
address="127.0.0.1:$(ccserver_port "$(cat "$state/slot")" "$org" "$p" "$variant")"
# The Node that runs it: recorded by deploy when not the machine's (Node 12 for a package on the amb
# profile). First on PATH, so a bin link's `#!/usr/bin/env node` finds it too.
if [[ -f "$state/node-bin" ]]; then
  PATH="$(cat "$state/node-bin"):$PATH"
  export PATH
fi
# A package carries no bin links (scripts/package-chaincode.sh), so the shim's own cli.js.
server=(node "$module/node_modules/fabric-shim/cli.js")
if [[ ! -f "${server[1]}" ]]; then
  server=("$module/node_modules/.bin/fabric-chaincode-node")
  [[ -x "${server[0]}" ]] || server=("$REPO_DIR/node_modules/.bin/fabric-chaincode-node")
fi
# CHAINCODE_INSPECT=1 (at up or start): the server's V8 inspector port is its own port + 1000 (past
# the network's ports), closed until SIGUSR1 opens it; scripts/bench/probe.ts opens it to profile
# the server under load (BENCH_PROBE_CHAINCODE) and closes it again.
if [[ "${CHAINCODE_INSPECT:-0}" == 1 ]]; then
  NODE_OPTIONS="${NODE_OPTIONS:+$NODE_OPTIONS }--inspect-port=127.0.0.1:$((${address##*:} + 1000))"
  export NODE_OPTIONS
fi
# fabric-shim answers ctx.stub.getMspID() from this variable: the MSP of the peer this server serves.
CORE_PEER_LOCALMSPID="$(msp_id "$org")"
export CORE_PEER_LOCALMSPID
# fabric-shim logs every invocation at info; warnings and errors are what a log reader needs.
export CORE_CHAINCODE_LOGGING_LEVEL="${CHAINCODE_LOGGING_LEVEL:-WARNING}"
child=0
delay=1
trap 'kill -TERM "$child" 2>/dev/null; exit 0' TERM INT
while true; do
  started=$SECONDS
  "${server[@]}" server --chaincode-address "$address" --chaincode-id "$package_id" --module-path "$module" &
  child=$!
  wait "$child" || true
  # Back off while it keeps crashing at start-up; a server that ran a minute starts afresh.
  if ((SECONDS - started >= 60)); then delay=1; fi
  echo "chaincode server exited; restarting in ${delay} s" >&2
  # In the background, so a TERM during the back-off is acted on at once, not after the sleep.
  sleep "$delay" &
  wait "$!" || true
  delay=$((delay < 30 ? delay * 2 : 30))
done
