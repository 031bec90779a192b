#!/usr/bin/env bash
# `npm pack` (prepack) of the gateway: builds the protocol package and the gateway, then stages a
# real copy of the protocol in gateway/node_modules so npm packs it as the bundled dependency.
# In the workspace the protocol is only a symlink in the root node_modules, which npm does not
# bundle; postpack removes the copy again so development keeps resolving the live workspace.
set -euo pipefail
cd "$(dirname "$0")/.."
(cd ../protocol && npm run build --silent)
npm run build --silent
staged="node_modules/@oracle-consortium/protocol"
rm -rf "$staged"
mkdir -p "$staged"
cp ../protocol/package.json "$staged/"
cp -R ../protocol/dist "$staged/dist"
