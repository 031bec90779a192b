#!/usr/bin/env bash
# Lints every shell script in the repository (tracked or new, never node_modules).
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v shellcheck >/dev/null 2>&1; then
  echo "error: shellcheck is not installed (Debian/Ubuntu: apt-get install shellcheck)" >&2
  exit 1
fi
mapfile -t files < <(git ls-files --cached --others --exclude-standard -- '*.sh' '.ci/run' 'test-network/builders/*/bin/*')
shellcheck -x "${files[@]}"
echo "shellcheck: ${#files[@]} files clean"
