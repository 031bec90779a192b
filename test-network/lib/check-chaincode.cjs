'use strict';
// Checks `network.sh deploy` runs before it builds or starts anything, so a bad input fails with
// its cause named instead of half way through an upgrade:
//   node check-chaincode.cjs collections <file>   the file is a Fabric collections configuration
//   node check-chaincode.cjs module <dir>         the chaincode's dependencies resolve and it loads
// Exits 1 with one `error: ...` line on stderr when the check fails.
const fs = require('node:fs');
const path = require('node:path');
const { createRequire } = require('node:module');

function fail(message) {
  process.stderr.write(`error: ${message}\n`);
  process.exit(1);
}

function isCount(v) {
  return Number.isInteger(v) && v >= 0;
}

function checkCollections(file) {
  let parsed;
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    fail(`collections file ${file} is not valid JSON: ${err.message}`);
  }
  if (!Array.isArray(parsed) || parsed.length === 0) {
    fail(`collections file ${file} must hold a non-empty JSON array of collection definitions`);
  }
  const names = new Set();
  parsed.forEach((c, i) => {
    const where = `collections file ${file}, entry ${i + 1}`;
    if (c === null || typeof c !== 'object' || Array.isArray(c)) fail(`${where} is not an object`);
    if (typeof c.name !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9_-]*$/.test(c.name)) {
      fail(`${where}: "name" must be letters, digits, _ and -`);
    }
    if (names.has(c.name)) fail(`${where}: collection "${c.name}" is defined twice`);
    names.add(c.name);
    if (typeof c.policy !== 'string' || c.policy.trim() === '') {
      fail(`${where} (${c.name}): "policy" must be a signature policy string`);
    }
    for (const field of ['requiredPeerCount', 'maxPeerCount']) {
      if (!isCount(c[field])) fail(`${where} (${c.name}): "${field}" must be an integer >= 0`);
    }
    if (c.requiredPeerCount > c.maxPeerCount) {
      fail(`${where} (${c.name}): "requiredPeerCount" exceeds "maxPeerCount"`);
    }
    if (c.blockToLive !== undefined && !isCount(c.blockToLive)) {
      fail(`${where} (${c.name}): "blockToLive" must be an integer >= 0`);
    }
    for (const field of ['memberOnlyRead', 'memberOnlyWrite']) {
      if (c[field] !== undefined && typeof c[field] !== 'boolean') {
        fail(`${where} (${c.name}): "${field}" must be true or false`);
      }
    }
  });
}

function checkModule(dir) {
  const manifest = path.join(dir, 'package.json');
  let pkg;
  try {
    pkg = JSON.parse(fs.readFileSync(manifest, 'utf8'));
  } catch (err) {
    fail(`${manifest} is not valid JSON: ${err.message}`);
  }
  const load = createRequire(manifest);
  const missing = Object.keys(pkg.dependencies ?? {}).filter((dep) => {
    for (const request of [dep, `${dep}/package.json`]) {
      try {
        load.resolve(request);
        return false;
      } catch (err) {
        // Installed, but its exports map hides this entry point: it is there all the same.
        if (err.code === 'ERR_PACKAGE_PATH_NOT_EXPORTED') return false;
      }
    }
    return true;
  });
  if (missing.length > 0) {
    fail(
      `the dependencies of ${dir} are not installed (Cannot find module ${missing
        .map((m) => `'${m}'`)
        .join(', ')}); run \`npm install\` in ${dir} and deploy again`,
    );
  }
  // fabric-contract-api logs every decorator at info level as the module loads (80 lines for
  // these contracts) unless the peer's level variable says otherwise; the check wants errors only.
  process.env.CORE_CHAINCODE_LOGGING_LEVEL ??= 'WARNING';
  try {
    load(dir);
  } catch (err) {
    const first = String(err.message).split('\n')[0];
    const hint = err.code === 'MODULE_NOT_FOUND' ? `; run \`npm install\` in ${dir}` : '';
    fail(`the chaincode in ${dir} does not load: ${first}${hint}`);
  }
}

const [what, target] = process.argv.slice(2);
if (what === 'collections' && target) checkCollections(target);
else if (what === 'module' && target) checkModule(path.resolve(target));
else fail('usage: check-chaincode.cjs collections <file> | module <dir>');
// Loading a chaincode module may leave handles open (timers, sockets); the check is done.
process.exit(0);
