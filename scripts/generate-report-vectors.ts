/**
 * Writes test/vectors/report-encoding.json: the report-encoding and config-digest vectors that the
 * chaincode and the gateway both test against. The two test keys are generated on the first run
 * and reused afterwards (they are committed test keys, never used for anything else), so rerunning
 * changes only the randomised ECDSA signatures.
 *
 * Run: npx ts-node --transpile-only scripts/generate-report-vectors.ts
 */
import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  sign,
  type KeyObject,
} from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  computeConfigDigest,
  encodeReport,
  reportBodyText,
  type OracleConfig,
  type ReportBody,
} from '@oracle-consortium/protocol';
import { flipS, isHighS } from '../test/support/ecdsa-der';

const OUT = join(__dirname, '..', 'test', 'vectors', 'report-encoding.json');

interface TestKey {
  privateKeyPkcs8Pem: string;
  publicKeySpkiBase64: string;
}

function exportKey(priv: KeyObject): TestKey {
  return {
    privateKeyPkcs8Pem: priv.export({ format: 'pem', type: 'pkcs8' }).toString(),
    publicKeySpkiBase64: createPublicKey(priv)
      .export({ format: 'der', type: 'spki' })
      .toString('base64'),
  };
}

function loadOrCreateKeys(): { p256: TestKey; ed25519: TestKey } {
  if (existsSync(OUT)) {
    const old = JSON.parse(readFileSync(OUT, 'utf8')) as {
      testKeys: { p256: TestKey; ed25519: TestKey };
    };
    return old.testKeys;
  }
  return {
    p256: exportKey(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey),
    ed25519: exportKey(generateKeyPairSync('ed25519').privateKey),
  };
}

const keys = loadOrCreateKeys();
const p256 = createPrivateKey(keys.p256.privateKeyPkcs8Pem);
const ed25519 = createPrivateKey(keys.ed25519.privateKeyPkcs8Pem);

const configs: { name: string; input: OracleConfig }[] = [
  {
    name: 'two oracles, f=0',
    input: {
      feedId: 'eth-usd',
      configVersion: 1,
      f: 0,
      minSignatures: 1,
      minObservations: 1,
      oracles: [
        { id: 'oracle-p256', keyType: 'p256', publicKey: keys.p256.publicKeySpkiBase64 },
        { id: 'oracle-ed25519', keyType: 'ed25519', publicKey: keys.ed25519.publicKeySpkiBase64 },
      ],
    },
  },
  {
    name: 'same oracles, next config version',
    input: {
      feedId: 'eth-usd',
      configVersion: 2,
      f: 0,
      minSignatures: 2,
      minObservations: 2,
      oracles: [
        { id: 'oracle-p256', keyType: 'p256', publicKey: keys.p256.publicKeySpkiBase64 },
        { id: 'oracle-ed25519', keyType: 'ed25519', publicKey: keys.ed25519.publicKeySpkiBase64 },
      ],
    },
  },
];

const [firstConfig] = configs;
if (firstConfig === undefined) throw new Error('no configs');
const digest = computeConfigDigest(firstConfig.input);

const reports: { name: string; input: ReportBody }[] = [
  {
    name: 'two observations',
    input: {
      configDigest: digest,
      feedId: 'eth-usd',
      roundId: '1',
      observationsTimestamp: 1767225600,
      observations: [
        { oracle: 1, value: '350012345678' },
        { oracle: 0, value: '350000000000' },
      ],
    },
  },
  {
    name: 'single observation, negative value, largest round id',
    input: {
      configDigest: digest,
      feedId: 'temp.c_x-1',
      roundId: '18446744073709551615',
      observationsTimestamp: 0,
      observations: [{ oracle: 0, value: '-273150000' }],
    },
  },
  {
    name: 'int192 extremes, sparse oracle indices',
    input: {
      configDigest: digest,
      feedId: 'x',
      roundId: '42',
      observationsTimestamp: 9007199254740991,
      observations: [
        { oracle: 30, value: (2n ** 191n - 1n).toString() },
        { oracle: 2, value: (-(2n ** 191n)).toString() },
        { oracle: 3, value: '0' },
      ],
    },
  },
  {
    name: 'no observations',
    input: {
      configDigest: digest,
      feedId: 'eth-usd',
      roundId: '7',
      observationsTimestamp: 1767225600,
      observations: [],
    },
  },
];

const [firstReport] = reports;
if (firstReport === undefined) throw new Error('no reports');
const base = firstReport.input;

const invalid: { name: string; input: unknown }[] = [
  { name: 'upper-case feed id', input: { ...base, feedId: 'ETH-USD' } },
  { name: 'round id 0', input: { ...base, roundId: '0' } },
  {
    name: 'round id above 2^64-1',
    input: { ...base, roundId: '18446744073709551616' },
  },
  {
    name: 'leading zero in value',
    input: { ...base, observations: [{ oracle: 0, value: '01' }] },
  },
  {
    name: 'negative zero',
    input: { ...base, observations: [{ oracle: 0, value: '-0' }] },
  },
  {
    name: 'value above int192',
    input: { ...base, observations: [{ oracle: 0, value: (2n ** 191n).toString() }] },
  },
  {
    name: 'oracle index 31',
    input: { ...base, observations: [{ oracle: 31, value: '1' }] },
  },
  { name: 'fractional timestamp', input: { ...base, observationsTimestamp: 1.5 } },
  {
    name: 'upper-case digest',
    input: { ...base, configDigest: digest.toUpperCase() },
  },
];

const vectors = {
  comment:
    'Report encoding v1 and config digest v1 test vectors (chaincode/src/feeds/report-encoding.ts). The private keys are TEST KEYS ONLY. ECDSA signatures are randomised: check that they verify; Ed25519 signatures are deterministic: check the exact bytes.',
  reportDomain: 'fabric-oracle-report/v1\n',
  configDomain: 'fabric-oracle-config/v1\n',
  testKeys: keys,
  configDigests: configs.map((c) => ({ ...c, expectedDigest: computeConfigDigest(c.input) })),
  reports: reports.map((r) => {
    const bytes = encodeReport(r.input);
    let der: Buffer = sign('sha256', bytes, { key: p256, dsaEncoding: 'der' });
    if (isHighS(der)) der = flipS(der);
    return {
      ...r,
      expectedBodyText: reportBodyText(r.input),
      expectedHex: bytes.toString('hex'),
      signatures: {
        p256LowS: der.toString('base64'),
        p256HighS: flipS(der).toString('base64'),
        ed25519: sign(null, bytes, ed25519).toString('base64'),
      },
    };
  }),
  invalid,
};

writeFileSync(OUT, `${JSON.stringify(vectors, null, 2)}\n`);
console.log(`wrote ${OUT}`);
