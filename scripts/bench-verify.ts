/**
 * CPU cost of verifying one report in the chaincode: every signature plus the median, exactly the
 * `verifyReport` the contract runs, with parsed keys already cached (as in a warm chaincode
 * process). Measured with process.cpuUsage (user + system) over many iterations, for 4, 16 and 31
 * oracles, each all P-256 and all Ed25519. Target: at most 6 ms for 31 signatures.
 *
 * Run: npx ts-node --transpile-only scripts/bench-verify.ts [--iterations N]
 */
import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import {
  computeConfigDigest,
  encodeReport,
  type FeedRecord,
  type OracleKeyType,
  type SignedReport as ReportInput,
} from '@oracle-consortium/protocol';
import { verifyReport } from '../chaincode/src/feeds/verify-report';

const TARGET_MS_FOR_31 = 6;
const iterArg = process.argv.indexOf('--iterations');
const ITERATIONS = iterArg > 0 ? Number(process.argv[iterArg + 1]) : 200;

interface Case {
  feed: Pick<
    FeedRecord,
    'feedId' | 'oracles' | 'minSignatures' | 'minObservations' | 'configDigest'
  >;
  report: ReportInput;
}

function buildCase(n: number, keyType: OracleKeyType): Case {
  const keys: KeyObject[] = [];
  const oracles = Array.from({ length: n }, (_, i) => {
    const pair =
      keyType === 'ed25519'
        ? generateKeyPairSync('ed25519')
        : generateKeyPairSync('ec', { namedCurve: 'P-256' });
    keys.push(pair.privateKey);
    return {
      id: `oracle-${i}`,
      keyType,
      publicKey: pair.publicKey.export({ format: 'der', type: 'spki' }).toString('base64'),
    };
  });
  const f = Math.floor((n - 1) / 3);
  const thresholds = { f, minSignatures: f + 1, minObservations: 2 * f + 1 };
  const configDigest = computeConfigDigest({
    feedId: 'bench',
    configVersion: 1,
    oracles,
    ...thresholds,
  });
  const body = {
    feedId: 'bench',
    roundId: '1',
    observationsTimestamp: 1_767_225_600,
    configDigest,
    observations: oracles.map((_, i) => ({
      oracle: i,
      value: String(350_000_000_000n + BigInt((i * 7919) % 101)),
    })),
  };
  const bytes = encodeReport(body);
  const signatures = keys.map((key, i) => ({
    oracle: i,
    signature: (keyType === 'ed25519'
      ? sign(null, bytes, key)
      : sign('sha256', bytes, { key, dsaEncoding: 'der' })
    ).toString('base64'),
  }));
  return {
    feed: { feedId: 'bench', oracles, configDigest, ...thresholds },
    report: { ...body, signatures },
  };
}

function cpuMsPerReport(c: Case, iterations: number): number {
  verifyReport(c.feed, c.report); // warm: parses and caches the keys, JIT-compiles the path
  for (let i = 0; i < 20; i++) verifyReport(c.feed, c.report);
  const start = process.cpuUsage();
  for (let i = 0; i < iterations; i++) verifyReport(c.feed, c.report);
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000 / iterations;
}

const rows: { keyType: OracleKeyType; oracles: number; ms: number }[] = [];
for (const keyType of ['p256', 'ed25519'] as const) {
  for (const n of [4, 16, 31]) {
    rows.push({ keyType, oracles: n, ms: cpuMsPerReport(buildCase(n, keyType), ITERATIONS) });
  }
}

console.log(
  `CPU time to verify one report (all signatures + median), cached keys, ${ITERATIONS} iterations each`,
);
console.log(`node ${process.version}, ${process.platform}/${process.arch}`);
console.log('key type  oracles  ms/report  µs/signature');
for (const r of rows) {
  console.log(
    `${r.keyType.padEnd(8)}  ${String(r.oracles).padStart(7)}  ${r.ms.toFixed(3).padStart(9)}  ${((r.ms * 1000) / r.oracles).toFixed(1).padStart(12)}`,
  );
}
const worst = Math.max(...rows.filter((r) => r.oracles === 31).map((r) => r.ms));
console.log(
  `31 oracles: worst ${worst.toFixed(3)} ms, target ≤ ${TARGET_MS_FOR_31} ms: ${worst <= TARGET_MS_FOR_31 ? 'met' : 'MISSED'}`,
);
