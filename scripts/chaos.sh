#!/usr/bin/env bash
# `npm run chaos`: a network of its own (NETWORK_NAME=chaos, PORT_BASE=28000) with only the kv
# chaincode deployed, then the chaos run (scripts/chaos/run.ts): a load through the gateway library
# with faults injected on a schedule and a verification from the ledger. Options go to the run
# (`npm run chaos -- --profile ci`, `--help`); results go to bench/results/chaos-<profile>/.
# The network is removed afterwards unless KEEP_NETWORK=1; with KEEP_NETWORK=1 a running chaos
# network is reused as it is.
set -euo pipefail
cd "$(dirname "$0")/.."
# Bad flags are refused before anything is built or started; --help prints the options.
npx ts-node --transpile-only scripts/chaos/options.ts "$@"
for arg in "$@"; do
  [[ "$arg" == --help || "$arg" == -h ]] && exit 0
done
# shellcheck source=scripts/lib/network-session.sh
source scripts/lib/network-session.sh
network_session chaos 28000
start=$SECONDS
bash scripts/bootstrap.sh
# The run imports the library by its package name, which resolves to the built gateway/dist.
npm run build --silent --workspace gateway

bash test-network/network.sh up
if ! bash test-network/network.sh chaincode list | awk 'NR > 1 { print $1 }' | grep -x kv >/dev/null; then
  bash test-network/network.sh deploy test/fixtures/kv-chaincode --name kv --policy "OR('Org1MSP.peer','Org2MSP.peer')"
fi
set +e
npx ts-node --transpile-only scripts/chaos/run.ts "$@"
rc=$?
set -e
echo "chaos: finished in $((SECONDS - start)) s (network set-up included), exit code $rc" >&2
exit "$rc"
