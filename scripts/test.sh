#!/usr/bin/env bash
# The whole test suite: install what is missing, lint, type-check, unit tests with coverage, then
# the integration tests against real Fabric processes (networks started and removed here).
set -euo pipefail
cd "$(dirname "$0")/.."
start=$SECONDS
step() { printf '\n=== %s (%ss)\n' "$*" "$((SECONDS - start))"; }

step "dependencies"
bash scripts/bootstrap.sh

step "lint (eslint, prettier, shellcheck)"
npx eslint .
npx prettier --check .
bash scripts/shellcheck.sh

step "build and type-check"
npm run build --silent
npx tsc -p tsconfig.json

step "unit tests with coverage"
npx c8 --reporter=text-summary --reporter=text --include 'chaincode/src/**' --include 'gateway/src/**' \
  mocha --config test/.mocharc.unit.json

step "integration tests on a local network"
bash scripts/with-network.sh npx mocha --config test/.mocharc.integration.json

step "done in $((SECONDS - start)) s"
