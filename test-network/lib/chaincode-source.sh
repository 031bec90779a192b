#!/usr/bin/env bash
# What `deploy` serves: a built chaincode directory (its dependencies installed there or in the
# repository), or a chaincode package of type node (metadata.json + code.tar.gz with src/, as `peer
# lifecycle chaincode package --lang node` writes it and scripts/package-chaincode.sh writes the AMB
# build), whose src/ must carry its node_modules, as a peer without internet access needs. A
# package is unpacked into artifacts/chaincode-code/<name>/ and served from there; on the amb
# profile its servers run under Node 12.22.12, Fabric 2.2's Node chaincode runtime. A directory is
# served by the machine's Node on every profile.

# chaincode_source <dir or package>: "dir <absolute path>" or "package <absolute path>"; anything
# else is refused, naming it.
chaincode_source() {
  local arg="$1"
  if [[ -f "$arg" ]]; then
    tar -tzf "$arg" metadata.json >/dev/null 2>&1 ||
      die "$arg is neither a chaincode directory nor a chaincode package (.tar.gz with metadata.json)"
    echo "package $(cd "$(dirname "$arg")" && pwd)/$(basename "$arg")"
    return 0
  fi
  [[ -d "$arg" ]] || die "chaincode directory $arg does not exist"
  [[ -f "$arg/package.json" ]] || die "$arg has no package.json; deploy takes a Node chaincode package directory"
  echo "dir $(cd "$arg" && pwd)"
}

# unpack_node_package <package> <dir>: the src/ of a node-type chaincode package, checked, in <dir>.
unpack_node_package() {
  local pkg="$1" dir="$2" meta
  meta="$(tar -xzOf "$pkg" metadata.json 2>/dev/null)" ||
    die "$pkg is not a chaincode package (no metadata.json in a tar.gz)"
  tr -d ' \n\t' <<<"$meta" | grep -i '"type":"node"' >/dev/null ||
    die "$pkg is a chaincode package of another type ($meta); deploy takes type node"
  rm -rf "$dir"
  mkdir -p "$dir"
  tar -xzOf "$pkg" code.tar.gz | tar -xzf - -C "$dir" ||
    die "could not unpack code.tar.gz of $pkg"
  [[ -f "$dir/src/package.json" ]] || die "$pkg has no src/package.json"
  [[ -d "$dir/src/node_modules" ]] ||
    die "$pkg carries no src/node_modules: a package the local network (or a peer without internet access) runs must bundle its dependencies (scripts/package-chaincode.sh does)"
}

# unpack_for_servers <package> <chaincode name>: unpacks the package where its servers run it and
# prints that src/ directory. Keyed by the package's content, so an upgrade never overwrites the
# code the running servers use.
unpack_for_servers() {
  local dir
  dir="$ARTIFACTS_DIR/chaincode-code/$2/$(sha256sum "$1" | cut -c1-16)"
  log "unpacking $1"
  unpack_node_package "$1" "$dir"
  echo "$dir/src"
}

# package_node_bin: the bin/ of the Node that serves packages on this network's profile, or
# nothing for the machine's Node.
package_node_bin() {
  if [[ "$PROFILE" == amb ]]; then node_bin "$AMB_NODE_VERSION"; fi
}
