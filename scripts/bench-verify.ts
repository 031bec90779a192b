/**
 * CPU cost of verifying one report in the chaincode: every signature plus the median, exactly the
 * `verifyReport` the contract runs, with parsed keys already cached (as in a warm chaincode
 * process). Measured with process.cpuUsage (user + system) over many iterations, for 4, 16 and 31
 * oracles, each all P-256 and all Ed25519. Target: at most 6 ms for 31 signatures.
 *
 * Run: npx ts-node --transpile-only scripts/bench-verify.ts [--iterations N]
 */
import type { OracleKeyType } from '@oracle-consortium/protocol';
import { verifyReport } from '../chaincode/src/feeds/verify-report';
import { signedReportCase, type SignedReportCase } from './lib/signed-report-case';
import { checkedNumber } from './lib/checked-number';

const TARGET_MS_FOR_31 = 6;
const iterArg = process.argv.indexOf('--iterations');
const ITERATIONS =
  iterArg > 0
    ? checkedNumber('--iterations', process.argv[iterArg + 1] ?? '', { min: 1, integer: true })
    : 200;

function cpuMsPerReport(c: SignedReportCase, iterations: number): number {
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
    rows.push({
      keyType,
      oracles: n,
      ms: cpuMsPerReport(signedReportCase(n, keyType), ITERATIONS),
    });
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
