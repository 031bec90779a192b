/**
 * The gateway as an outside app gets it: `npm pack` in gateway/ (which builds the library and
 * bundles the protocol package), the tarball installed into an empty temporary project, and the
 * library used from a CommonJS script, an ES module and a strict TypeScript file. The scripts build
 * a report from the shared vectors and sign it with a signer made from a PEM; the assertions check
 * the bytes, digest and signature they print. Needs the registry or npm's cache for the
 * tarball's own dependencies (installed with --prefer-offline).
 */
import { execFile } from 'node:child_process';
import { createPublicKey, verify } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { reportVectors } from '../support/report-vectors';

const run = promisify(execFile);
const REPO = path.resolve(__dirname, '..', '..');
const vector = reportVectors.reports[0]!;
const digest = reportVectors.configDigests[0]!;

/** What each app script prints: the library's answers for the first report vector. */
interface AppOutput {
  readonly encodedHex: string;
  readonly configDigest: string;
  readonly signatureBase64: string;
  readonly signerAlgorithm: string;
  readonly feedsErrorCodes: readonly string[];
}

/** The app's code, the same for both module systems but for how it loads the library. */
function appBody(): string {
  return `
const vector = ${JSON.stringify(vector)};
const digestInput = ${JSON.stringify(digest.input)};
const pem = ${JSON.stringify(reportVectors.testKeys.p256.privateKeyPkcs8Pem)};
async function main() {
  const signer = gateway.signers.newPemSigner({ pem });
  const report = await gateway.reports.buildReport(vector.input, [{ oracle: 0, key: signer }]);
  const out = {
    encodedHex: Buffer.from(gateway.reports.encodeReport(vector.input)).toString('hex'),
    configDigest: gateway.reports.computeConfigDigest(digestInput),
    signatureBase64: report.signatures[0].signature,
    signerAlgorithm: signer.algorithm,
    feedsErrorCodes: gateway.FEEDS_ERROR_CODES,
  };
  process.stdout.write(JSON.stringify(out));
}
main().catch((err) => { console.error(err); process.exit(1); });
`;
}

async function node(cwd: string, file: string): Promise<AppOutput> {
  const { stdout } = await run(process.execPath, [file], { cwd });
  return JSON.parse(stdout) as AppOutput;
}

function expectRealResults(out: AppOutput): void {
  expect(out.encodedHex).to.equal(vector.expectedHex);
  expect(out.configDigest).to.equal(digest.expectedDigest);
  expect(out.signerAlgorithm).to.match(/^ECDSA/);
  const publicKey = createPublicKey({
    key: Buffer.from(reportVectors.testKeys.p256.publicKeySpkiBase64, 'base64'),
    format: 'der',
    type: 'spki',
  });
  const ok = verify(
    'sha256',
    Buffer.from(vector.expectedHex, 'hex'),
    { key: publicKey, dsaEncoding: 'der' },
    Buffer.from(out.signatureBase64, 'base64'),
  );
  expect(ok, 'the P-256 signature verifies over the vector bytes').to.equal(true);
  expect(out.feedsErrorCodes).to.include('FEED_NOT_FOUND');
}

describe('gateway package from `npm pack`', function () {
  this.timeout(600_000);
  const dir = mkdtempSync(path.join(tmpdir(), 'gateway-pack-'));
  const app = path.join(dir, 'app');
  let tarball = '';
  /** What `npm install` of the tarball printed (npm warns on stderr). */
  let installOutput = '';

  before(async () => {
    await run('npm', ['pack', '--pack-destination', dir], {
      cwd: path.join(REPO, 'gateway'),
      maxBuffer: 16 * 1024 * 1024,
    });
    const packed = readdirSync(dir).find((f) => f.endsWith('.tgz'));
    if (packed === undefined) throw new Error(`npm pack left no tarball in ${dir}`);
    tarball = path.join(dir, packed);
    await run('mkdir', ['-p', app]);
    writeFileSync(
      path.join(app, 'package.json'),
      JSON.stringify({ name: 'outside-app', version: '1.0.0', private: true }),
    );
    const installed = await run(
      'npm',
      ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', tarball],
      { cwd: app, maxBuffer: 16 * 1024 * 1024 },
    );
    installOutput = `${installed.stdout}${installed.stderr}`;
  });

  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('packs JavaScript, declarations and the bundled protocol package, and no sources', async () => {
    const { stdout } = await run('tar', ['tzf', tarball]);
    const files = stdout.split('\n').filter((f) => f !== '');
    expect(files).to.include('package/dist/index.js');
    expect(files).to.include('package/dist/index.d.ts');
    expect(files).to.include('package/node_modules/@oracle-consortium/protocol/dist/index.js');
    expect(files).to.include('package/node_modules/@oracle-consortium/protocol/dist/index.d.ts');
    expect(
      files.filter((f) => f.includes('/src/') || (f.endsWith('.ts') && !f.endsWith('.d.ts'))),
    ).to.deep.equal([]);
  });

  it('installs dependencies whose engines accept the running Node', () => {
    // fabric-gateway 1.12 needs Node >= 22.12; the gateway's range admits it, and npm then picks
    // 1.11 under Node 20 and 1.12 under 22 and 24. A release picked against its engines would
    // make npm warn EBADENGINE here.
    expect(installOutput).to.not.include('EBADENGINE');
    const fabricGateway = JSON.parse(
      readFileSync(
        path.join(app, 'node_modules', '@hyperledger', 'fabric-gateway', 'package.json'),
        'utf8',
      ),
    ) as { version: string };
    console.log(`      fabric-gateway ${fabricGateway.version} under Node ${process.version}`);
  });

  it('installs with the protocol package bundled inside the gateway', () => {
    const installed = JSON.parse(
      readFileSync(
        path.join(
          app,
          'node_modules',
          '@oracle-consortium',
          'gateway',
          'node_modules',
          '@oracle-consortium',
          'protocol',
          'package.json',
        ),
        'utf8',
      ),
    ) as { name: string };
    expect(installed.name).to.equal('@oracle-consortium/protocol');
  });

  it('builds, encodes and signs a report from a CommonJS script', async () => {
    writeFileSync(
      path.join(app, 'app.cjs'),
      `const gateway = require('@oracle-consortium/gateway');\n${appBody()}`,
    );
    expectRealResults(await node(app, 'app.cjs'));
  });

  it('builds, encodes and signs a report from an ES module with named imports', async () => {
    writeFileSync(
      path.join(app, 'app.mjs'),
      `import { reports, signers, FEEDS_ERROR_CODES } from '@oracle-consortium/gateway';\n` +
        `const gateway = { reports, signers, FEEDS_ERROR_CODES };\n${appBody()}`,
    );
    expectRealResults(await node(app, 'app.mjs'));
  });

  it('type-checks a strict TypeScript app against the installed declarations', async () => {
    writeFileSync(
      path.join(app, 'app.ts'),
      [
        "import { reports, signers, type Feed, type FeedsErrorCode } from '@oracle-consortium/gateway';",
        "const code: FeedsErrorCode = 'FEED_NOT_FOUND';",
        'export async function sign(pem: string, feed: Feed): Promise<string> {',
        '  const signer = signers.newPemSigner({ pem });',
        '  const report = await reports.buildReport(',
        "    { configDigest: feed.configDigest, feedId: feed.feedId, roundId: '1',",
        "      observationsTimestamp: 0, observations: [{ oracle: 0, value: '1' }] },",
        '    [{ oracle: 0, key: signer }],',
        '  );',
        '  return `${code} ${report.signatures[0]?.signature ?? ""}`;',
        '}',
        '',
      ].join('\n'),
    );
    await run(
      process.execPath,
      [
        path.join(REPO, 'node_modules', 'typescript', 'bin', 'tsc'),
        '--noEmit',
        '--strict',
        '--module',
        'nodenext',
        '--moduleResolution',
        'nodenext',
        '--target',
        'es2022',
        '--skipLibCheck',
        '--typeRoots',
        path.join(REPO, 'node_modules', '@types'),
        '--types',
        'node',
        'app.ts',
      ],
      { cwd: app },
    );
  });
});
