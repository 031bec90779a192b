#!/usr/bin/env bash
# Builds the pinned Fabric, Fabric CA and local-kms binaries with the Go toolchain into a cache
# outside the clone, keyed by version, so later runs (and CI on the same machine) reuse them.
#
# Why a throwaway module instead of `go install pkg@version`: `go install` at a version also asks
# the module proxy for the module's version list (to report deprecations), and a proxy that only
# serves pinned versions refuses that list, which fails the install. Requiring the exact version
# from a scratch module builds the same code with the same dependency versions (the module's own
# go.mod decides them) without that lookup.
#
# Sourced by network.sh; the functions print what they do on stderr.
# shellcheck disable=SC2034 # the paths here are read by the scripts that source this file

# Versions. Fabric is pinned by the commit of its release tag, expressed as the Go pseudo-version
# (the module path has no major-version suffix, so `@v2.5.x` is not a valid Go version).
FABRIC_VERSION="${FABRIC_VERSION:-2.5.9}"
FABRIC_CA_VERSION="${FABRIC_CA_VERSION:-1.5.21}"
LOCAL_KMS_COMMIT="${LOCAL_KMS_COMMIT:-e4d9425700fe}"

fabric_pseudo_version() {
  case "$1" in
    2.5.9) echo "v1.4.0-rc1.0.20240618194258-7c3876255bf0" ;;
    2.5.16) echo "v1.4.0-rc1.0.20260617221605-f871cf92a026" ;;
    2.5.0) echo "v1.4.0-rc1.0.20230401164317-bd8e24856939" ;;
    *) return 1 ;;
  esac
}

local_kms_pseudo_version() {
  case "$1" in
    e4d9425700fe) echo "v0.0.0-20231025161602-e4d9425700fe" ;;
    *) return 1 ;;
  esac
}

TOOLKIT_CACHE="${TOOLKIT_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/fabric-oracle-consortium}"
FABRIC_BIN="$TOOLKIT_CACHE/fabric-$FABRIC_VERSION/bin"
FABRIC_CA_BIN="$TOOLKIT_CACHE/fabric-ca-$FABRIC_CA_VERSION/bin"
# fabric-ca-server built with the `pkcs11` Go build tag, so its BCCSP can keep the CA's signing key
# in an HSM. A directory of its own: the untagged build above stays as it is for networks that use it.
FABRIC_CA_PKCS11_BIN="$TOOLKIT_CACHE/fabric-ca-$FABRIC_CA_VERSION-pkcs11/bin"
# peer and orderer built with the `pkcs11` Go build tag: Fabric 2.5 compiles its BCCSP PKCS11
# factory only under that tag, and a node whose MSP signing key lives in the HSM (NODE_KEYS=hsm)
# needs it. Built only when such a network is brought up; the untagged build above stays as it is.
FABRIC_PKCS11_BIN="$TOOLKIT_CACHE/fabric-$FABRIC_VERSION-pkcs11/bin"
LOCAL_KMS_BIN="$TOOLKIT_CACHE/local-kms-$LOCAL_KMS_COMMIT/bin"
FABRIC_SAMPLECONFIG="$TOOLKIT_CACHE/fabric-$FABRIC_VERSION/sampleconfig"

require_go() {
  if ! command -v go >/dev/null 2>&1; then
    echo "error: Go is not installed. Install Go 1.22 or newer (https://go.dev/doc/install) and run this again." >&2
    return 1
  fi
}

# require_cgo <what>: Go and a C compiler, for a build that needs cgo (Fabric CA, the PKCS#11
# builds); names what needs them when gcc is missing. Creates the cache directory.
require_cgo() {
  require_go || return 1
  if ! command -v gcc >/dev/null 2>&1; then
    echo "error: $1 needs cgo and a C compiler; install gcc" >&2
    return 1
  fi
  mkdir -p "$TOOLKIT_CACHE"
}

# go_build_into <bin dir> <log file> <module@version> <package>... (GO_BUILD_TAGS: build tags)
go_build_into() {
  local bindir="$1" log="$2" modver="$3"
  shift 3
  local work
  work="$(mktemp -d)"
  mkdir -p "$bindir"
  local gets=()
  local pkg
  for pkg in "$@"; do gets+=("$pkg@${modver#*@}"); done
  if ! (
    cd "$work" &&
      go mod init toolkit-build >/dev/null 2>&1 &&
      go get "${gets[@]}" &&
      GOBIN="$bindir.partial" go install ${GO_BUILD_TAGS:+-tags "$GO_BUILD_TAGS"} "$@"
  ) >"$log" 2>&1; then
    rm -rf "$work" "$bindir.partial"
    echo "error: building ${modver} failed; the last lines of $log:" >&2
    tail -n 15 "$log" >&2
    echo "Check that the Go module proxy is reachable (go env GOPROXY) and that a C compiler is installed (gcc, needed by fabric-ca-server)." >&2
    return 1
  fi
  rm -rf "$work"
  # Move into place only when every binary built, so a half-built cache is never mistaken for a good one.
  cp "$bindir.partial"/* "$bindir"/
  rm -rf "$bindir.partial"
}

build_fabric() {
  local want=(peer orderer configtxgen osnadmin configtxlator discover)
  local missing=0 b
  for b in "${want[@]}"; do [[ -x "$FABRIC_BIN/$b" ]] || missing=1; done
  if [[ "$missing" == 0 && -f "$FABRIC_SAMPLECONFIG/core.yaml" ]]; then return 0; fi
  require_go
  local pv
  if ! pv="$(fabric_pseudo_version "$FABRIC_VERSION")"; then
    echo "error: no pinned commit for Fabric $FABRIC_VERSION; add it to fabric_pseudo_version in $0" >&2
    return 1
  fi
  echo "building Fabric $FABRIC_VERSION ($pv) into $FABRIC_BIN; the first build takes several minutes" >&2
  local pkgs=()
  for b in "${want[@]}"; do pkgs+=("github.com/hyperledger/fabric/cmd/$b"); done
  mkdir -p "$TOOLKIT_CACHE"
  go_build_into "$FABRIC_BIN" "$TOOLKIT_CACHE/build-fabric-$FABRIC_VERSION.log" "github.com/hyperledger/fabric@$pv" "${pkgs[@]}"
  local modcache
  modcache="$(go env GOMODCACHE)"
  rm -rf "$FABRIC_SAMPLECONFIG"
  cp -r "$modcache/github.com/hyperledger/fabric@$pv/sampleconfig" "$FABRIC_SAMPLECONFIG"
  chmod -R u+w "$FABRIC_SAMPLECONFIG"
}

build_fabric_ca() {
  if [[ -x "$FABRIC_CA_BIN/fabric-ca-server" && -x "$FABRIC_CA_BIN/fabric-ca-client" ]]; then return 0; fi
  require_cgo fabric-ca-server || return 1
  echo "building Fabric CA $FABRIC_CA_VERSION into $FABRIC_CA_BIN" >&2
  CGO_ENABLED=1 go_build_into "$FABRIC_CA_BIN" "$TOOLKIT_CACHE/build-fabric-ca-$FABRIC_CA_VERSION.log" \
    "github.com/hyperledger/fabric-ca@v$FABRIC_CA_VERSION" \
    github.com/hyperledger/fabric-ca/cmd/fabric-ca-server github.com/hyperledger/fabric-ca/cmd/fabric-ca-client
}

# build_fabric_ca_pkcs11: fabric-ca-server with PKCS#11 support, for CAs whose keys live in the
# network's SoftHSM2 token (the client needs no HSM for that: the untagged one serves).
build_fabric_ca_pkcs11() {
  if [[ -x "$FABRIC_CA_PKCS11_BIN/fabric-ca-server" ]]; then return 0; fi
  require_cgo fabric-ca-server || return 1
  echo "building Fabric CA $FABRIC_CA_VERSION with PKCS#11 support into $FABRIC_CA_PKCS11_BIN" >&2
  CGO_ENABLED=1 GO_BUILD_TAGS=pkcs11 go_build_into "$FABRIC_CA_PKCS11_BIN" \
    "$TOOLKIT_CACHE/build-fabric-ca-$FABRIC_CA_VERSION-pkcs11.log" \
    "github.com/hyperledger/fabric-ca@v$FABRIC_CA_VERSION" github.com/hyperledger/fabric-ca/cmd/fabric-ca-server
}

# build_fabric_pkcs11: peer and orderer with PKCS#11 support, for networks whose nodes keep their
# MSP signing keys in the HSM (NODE_KEYS=hsm). The CLI tools (configtxgen, osnadmin...) and the peer
# CLI sign with the admin's file key, so the untagged build serves for them.
build_fabric_pkcs11() {
  if [[ -x "$FABRIC_PKCS11_BIN/peer" && -x "$FABRIC_PKCS11_BIN/orderer" ]]; then return 0; fi
  require_cgo "the PKCS#11 build of peer and orderer" || return 1
  local pv
  if ! pv="$(fabric_pseudo_version "$FABRIC_VERSION")"; then
    echo "error: no pinned commit for Fabric $FABRIC_VERSION; add it to fabric_pseudo_version in $0" >&2
    return 1
  fi
  echo "building Fabric $FABRIC_VERSION peer and orderer with PKCS#11 support into $FABRIC_PKCS11_BIN; the first build takes several minutes" >&2
  CGO_ENABLED=1 GO_BUILD_TAGS=pkcs11 go_build_into "$FABRIC_PKCS11_BIN" \
    "$TOOLKIT_CACHE/build-fabric-$FABRIC_VERSION-pkcs11.log" "github.com/hyperledger/fabric@$pv" \
    github.com/hyperledger/fabric/cmd/peer github.com/hyperledger/fabric/cmd/orderer
}

# build_fabric_ca_client_pkcs11: fabric-ca-client with PKCS#11 support, beside the PKCS#11 server,
# for enrollments whose key pair is generated in the HSM (a node's MSP key with NODE_KEYS=hsm). Its
# BCCSP (fabric-lib-go) compiles the PKCS11 factory only under the `pkcs11` tag, as Fabric's does.
build_fabric_ca_client_pkcs11() {
  if [[ -x "$FABRIC_CA_PKCS11_BIN/fabric-ca-client" ]]; then return 0; fi
  require_cgo "the PKCS#11 build of fabric-ca-client" || return 1
  echo "building fabric-ca-client $FABRIC_CA_VERSION with PKCS#11 support into $FABRIC_CA_PKCS11_BIN" >&2
  CGO_ENABLED=1 GO_BUILD_TAGS=pkcs11 go_build_into "$FABRIC_CA_PKCS11_BIN" \
    "$TOOLKIT_CACHE/build-fabric-ca-client-$FABRIC_CA_VERSION-pkcs11.log" \
    "github.com/hyperledger/fabric-ca@v$FABRIC_CA_VERSION" github.com/hyperledger/fabric-ca/cmd/fabric-ca-client
}

# local-kms's own server listens on every interface; test-network/kms/main.go (ours) serves its
# handlers and storage on 127.0.0.1 only, built against the pinned local-kms module.
build_local_kms() {
  if [[ -x "$LOCAL_KMS_BIN/local-kms-loopback" ]]; then return 0; fi
  require_go
  local pv
  if ! pv="$(local_kms_pseudo_version "$LOCAL_KMS_COMMIT")"; then
    echo "error: no pinned version for local-kms commit $LOCAL_KMS_COMMIT" >&2
    return 1
  fi
  echo "building local-kms $pv (loopback-only server) into $LOCAL_KMS_BIN" >&2
  mkdir -p "$TOOLKIT_CACHE" "$LOCAL_KMS_BIN"
  local work log="$TOOLKIT_CACHE/build-local-kms.log"
  work="$(mktemp -d)"
  if ! (
    cd "$work" &&
      go mod init local-kms-loopback >/dev/null 2>&1 &&
      cp "$NETWORK_DIR/kms/main.go" . &&
      go get "github.com/nsmithuk/local-kms@$pv" &&
      go mod tidy &&
      go build -o "$LOCAL_KMS_BIN/local-kms-loopback.partial" .
  ) >"$log" 2>&1; then
    rm -rf "$work" "$LOCAL_KMS_BIN/local-kms-loopback.partial"
    echo "error: building local-kms failed; the last lines of $log:" >&2
    tail -n 15 "$log" >&2
    return 1
  fi
  rm -rf "$work"
  mv "$LOCAL_KMS_BIN/local-kms-loopback.partial" "$LOCAL_KMS_BIN/local-kms-loopback"
}

build_all() {
  build_fabric
  build_fabric_ca
  # Only where SoftHSM2 is installed: without it the CAs keep their keys in files (see ca.sh).
  if command -v softhsm2-util >/dev/null 2>&1; then build_fabric_ca_pkcs11; fi
  # Only for a network whose nodes keep their signing keys in the HSM (NODE_KEYS=hsm, recorded).
  if [[ "${NODE_KEYS_MODE:-file}" == hsm ]]; then
    build_fabric_pkcs11
    build_fabric_ca_client_pkcs11
  fi
  build_local_kms
}
