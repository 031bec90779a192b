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
# Under `set -o pipefail` a reader that stops early (head, grep -q, grep -m) kills a writer that is
# still writing with SIGPIPE, and the pipeline fails with 141 now and then (bash's printf writes each
# argument separately): a network.sh deploy died that way. Read the whole input instead
# (sed -n 1p, grep ... >/dev/null).
if early="$(grep -nE '\|[[:space:]]*(head|grep[[:space:]]+-[a-zA-Z]*[qm])' "${files[@]}")"; then
  echo "error: a pipeline reader that stops early (see the comment in scripts/shellcheck.sh):" >&2
  echo "$early" >&2
  exit 1
fi
echo "shellcheck: ${#files[@]} files clean"
