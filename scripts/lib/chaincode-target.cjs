/**
 * The chaincode package's manifest for one build target. The AMB target (Fabric 2.2 peers, Node 12
 * chaincode runtime) runs the same contracts as the 2.5 target, so its package.json is derived
 * from chaincode/package.json: the same name, version and dependencies, with only what
 * chaincode/amb/target.json pins (fabric-contract-api, fabric-shim, their transitive overrides,
 * the Node engine) changed. A dependency another change adds to the chaincode thus reaches the
 * AMB bundle without anyone editing a second list.
 *
 *   node scripts/lib/chaincode-target.cjs amb   prints the derived chaincode/amb/package.json
 */
'use strict';
const fs = require('fs');
const path = require('path');

const CHAINCODE_DIR = path.resolve(__dirname, '..', '..', 'chaincode');

/**
 * @param {Record<string, string>} deps
 * @returns {Record<string, string>} the same entries, sorted by name as npm writes them
 */
function sorted(deps) {
  return Object.fromEntries(Object.entries(deps).sort(([a], [b]) => (a < b ? -1 : 1)));
}

/**
 * The AMB package.json from the chaincode's own and the target's pins.
 *
 * @param {any} chaincode - chaincode/package.json, parsed
 * @param {any} target - chaincode/amb/target.json, parsed
 * @returns {object} the manifest that goes into the package (src/package.json)
 */
function deriveAmbManifest(chaincode, target) {
  for (const name of Object.keys(target.dependencies || {})) {
    if (!(name in (chaincode.dependencies || {}))) {
      throw new Error(
        `chaincode/amb/target.json pins ${name}, which chaincode/package.json does not depend on; remove the pin`,
      );
    }
  }
  return {
    name: chaincode.name,
    version: chaincode.version,
    description: `${chaincode.description} (AMB build: Fabric 2.2, Node 12; generated from chaincode/package.json and chaincode/amb/target.json)`,
    license: chaincode.license,
    private: true,
    main: chaincode.main,
    engines: target.engines,
    // Through node, not node_modules/.bin: the package carries no bin links (symlinks), so a
    // builder that runs `npm start` finds the shim all the same.
    scripts: {
      start: 'node node_modules/fabric-shim/cli.js start',
      server: 'node node_modules/fabric-shim/cli.js server',
    },
    dependencies: sorted({ ...chaincode.dependencies, ...target.dependencies }),
    overrides: sorted(target.overrides || {}),
  };
}

/**
 * The derived manifest as the text written to chaincode/amb/package.json.
 *
 * @returns {string} JSON with two-space indents and a final newline
 */
function ambManifestText() {
  const read = (f) => JSON.parse(fs.readFileSync(path.join(CHAINCODE_DIR, f), 'utf8'));
  return `${JSON.stringify(deriveAmbManifest(read('package.json'), read('amb/target.json')), null, 2)}\n`;
}

module.exports = { deriveAmbManifest, ambManifestText, CHAINCODE_DIR };

if (require.main === module) {
  if (process.argv[2] !== 'amb') {
    process.stderr.write('usage: node scripts/lib/chaincode-target.cjs amb\n');
    process.exit(2);
  }
  process.stdout.write(ambManifestText());
}
