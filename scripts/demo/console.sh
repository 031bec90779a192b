#!/usr/bin/env bash
# The console the demo leaves running: `start` runs the operator console for one member in the
# background, bound to 127.0.0.1, waits until it answers and prints its URL; `stop` ends it.
#
# Its PID is recorded as pids/console.pid in the network's home, in the "<pid> <start time>" form
# test-network's own processes use, so `network.sh down` ends it by PID with the nodes, and a
# second `start` (a rerun of the demo) replaces it instead of failing on a taken port.
#
# The write token is generated per start into console.token in the network's home (mode 0600 under
# common.sh's umask) and passed in the environment, never on the command line (ps shows that to
# every user) nor printed: the demo's output lands in shared terminals and CI logs, and the token
# lets anyone who reads it write as the member's admin. Reading the pages needs no token.
#
# Settings: NETWORK_NAME / NETWORK_HOME / PORT_BASE as for network.sh; CONSOLE_MEMBER (Org1);
# CONSOLE_PORT (the previous run's port when it is free, else any free port the system gives).
#
# Usage: scripts/demo/console.sh start|stop
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=test-network/lib/common.sh
source test-network/lib/common.sh

TOKEN_FILE="$NETWORK_HOME/console.token"
URL_FILE="$NETWORK_HOME/console.url"
CONSOLE_LOG="$LOGS_DIR/console.log"
MAIN="console/dist/server/main.js"

# previous_port: the port of the console a previous start recorded, when nothing listens on it
# now, so a rerun of the demo keeps the URL the operator has open.
previous_port() {
  local url port
  [[ -f "$URL_FILE" ]] || return 0
  read -r url <"$URL_FILE" || true
  port="${url##*:}"
  port="${port%%/*}"
  if [[ "$port" =~ ^[0-9]+$ ]] && ! port_in_use "$port"; then
    echo "$port"
  fi
}

start() {
  local member="${CONSOLE_MEMBER:-Org1}" port pid url="" token
  [[ -f "$DESCRIPTION_FILE" ]] ||
    die "no network description at $DESCRIPTION_FILE: bring the network up first (network.sh up)"
  [[ -f "$MAIN" ]] || die "the console is not built ($MAIN): run npm run build"
  # A console left by an earlier run is ended first (by its recorded PID), freeing its port.
  stop_process console
  port="${CONSOLE_PORT:-$(previous_port)}"
  port="${port:-0}"
  [[ "$port" =~ ^[0-9]+$ ]] || die "CONSOLE_PORT must be a port number, got '$port'"
  if [[ "$port" != 0 ]] && port_in_use "$port"; then
    die "port $port (CONSOLE_PORT) is taken by another process; choose another or unset it"
  fi
  mkdir -p "$LOGS_DIR"
  token="$(od -An -tx1 -N24 /dev/urandom | tr -d ' \n')"
  printf '%s\n' "$token" >"$TOKEN_FILE"
  chmod 600 "$TOKEN_FILE"
  : >"$CONSOLE_LOG"
  export CONSOLE_TOKEN="$token" CONSOLE_MEMBER="$member" CONSOLE_HOST=127.0.0.1 \
    CONSOLE_PORT="$port" NETWORK_DESCRIPTION="$DESCRIPTION_FILE"
  start_process console node "$MAIN"
  pid="$(pid_of console)"
  # The console prints "console for <MSP> at <url>" once it listens; port 0 means only it knows.
  for _ in $(seq 1 600); do
    alive "$pid" || {
      tail -n 20 "$CONSOLE_LOG" >&2
      die "the console exited while starting (log: $CONSOLE_LOG)"
    }
    url="$(grep -m1 -o 'at http://[^ ]*' "$CONSOLE_LOG" | cut -c4- || true)"
    if [[ -n "$url" ]] && curl -fsS -o /dev/null --max-time 2 "${url}api/session"; then
      break
    fi
    url=""
    sleep 0.1
  done
  if [[ -z "$url" ]]; then
    stop_process console
    die "the console did not answer within 60 s (log: $CONSOLE_LOG)"
  fi
  printf '%s\n' "$url" >"$URL_FILE"
  printf 'The operator console for %s runs at %s (PID %s, recorded in %s)\n' \
    "$member" "$url" "$pid" "$PIDS_DIR/console.pid"
  printf 'Reading needs nothing; to write (proposals, votes) paste the token from %s\n' "$TOKEN_FILE"
  printf '  (readable by you only) into the page. Log: %s\n' "$CONSOLE_LOG"
  printf 'Stop it with: bash scripts/demo/console.sh stop   (network.sh down stops it too)\n'
}

stop() {
  if ! is_running console; then
    echo "no console running for network $NETWORK_NAME"
  else
    stop_process console
    echo "console stopped"
  fi
  rm -f "$PIDS_DIR/console.pid" "$TOKEN_FILE" "$URL_FILE"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  *)
    echo "usage: scripts/demo/console.sh start|stop" >&2
    exit 2
    ;;
esac
