#!/usr/bin/env bash
# `npm run bench:cost`: the cost of a report, a vote, a read and a list page as the state grows
# (stored rounds, feeds, members' worth of proposals and votes), one dimension per fresh network
# (NETWORK_NAME=bench-cost, PORT_BASE=25000 unless set, apart from `npm run bench`'s 29000), seeded through the real contracts. Writes
# bench/results/cost.json (BENCH_OUT elsewhere) and prints the curves. Not part of CI.
# BENCH_COST_DIMENSIONS picks dimensions (default "rounds feeds members"); the sizes and timings
# are in scripts/bench/cost.ts (BENCH_COST_ROUNDS=1,100 BENCH_COST_FEEDS=10,200 ... for a smoke run).
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib/network-session.sh
source scripts/lib/network-session.sh
network_session bench-cost 25000
bash scripts/bootstrap.sh
npm run build --silent

BENCH_COST_RUN_ID="${BENCH_COST_RUN_ID:-$(date -u +%Y-%m-%dT%H:%M:%SZ)}"
export BENCH_COST_RUN_ID
read -r -a dimensions <<<"${BENCH_COST_DIMENSIONS:-rounds feeds members}"
for dimension in "${dimensions[@]}"; do
  # Each dimension starts from an empty ledger, so only its own state grows.
  bash test-network/network.sh down >/dev/null 2>&1 || true
  bash test-network/network.sh up
  bash scripts/deploy-local.sh
  BENCH_COST_DIMENSION="$dimension" npx ts-node --transpile-only scripts/bench/cost.ts
done
npx ts-node --transpile-only scripts/bench/cost.ts --print
