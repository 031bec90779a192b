/**
 * What one report costs the chaincode itself and how much it writes to world state, before and
 * after the round record stopped repeating the observations (issue 16): the record is written
 * twice per report (the round's key and the feed's latest copy), and each of the four peers
 * validates and commits those bytes. For 4, 16 and 31 P-256 oracles it prints the bytes written
 * per report in each layout and the CPU of the contract's own steps (parsing the report JSON,
 * verifying it, serialising the record), measured with process.cpuUsage over many iterations
 * with warm key caches. Figures, not a pass/fail test; on a shared machine they move run to run.
 *
 * Run: npx ts-node --transpile-only scripts/bench/report-state.ts [--iterations N]
 */
import { canonicalJson, type RoundRecord } from '@oracle-consortium/protocol';
import { parseReport } from '../../chaincode/src/feeds/lib/report-inputs';
import { verifyReport } from '../../chaincode/src/feeds/verify-report';
import { signedReportCase } from '../lib/signed-report-case';
import { checkedNumber } from '../lib/checked-number';

const iterArg = process.argv.indexOf('--iterations');
const ITERATIONS =
  iterArg > 0
    ? checkedNumber('--iterations', process.argv[iterArg + 1] ?? '', { min: 1, integer: true })
    : 300;

/** CPU microseconds per call of `fn`, after a warm-up. */
function cpuMicros(fn: () => unknown): number {
  for (let i = 0; i < 20; i++) fn();
  const start = process.cpuUsage();
  for (let i = 0; i < ITERATIONS; i++) fn();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / ITERATIONS;
}

console.log(
  `one report in the feeds chaincode: state written and CPU of its own steps (${ITERATIONS} iterations, node ${process.version}, ${process.platform}/${process.arch})`,
);
console.log(
  'oracles  tx arg B  state B before  state B now  parse µs  verify µs  record µs before  record µs now',
);
for (const n of [4, 16, 31]) {
  const { feed, report } = signedReportCase(n);
  const text = JSON.stringify(report);
  const verified = verifyReport(feed, report);
  const now: RoundRecord = {
    feedId: feed.feedId,
    roundId: report.roundId,
    answer: verified.answer.toString(),
    startedAt: report.observationsTimestamp,
    updatedAt: report.observationsTimestamp + 2,
    answeredInRound: report.roundId,
    reportDigest: verified.reportDigest,
    signers: verified.signers,
    configDigest: feed.configDigest,
    txId: 'f'.repeat(64),
  };
  // The landed layout: the same record with the observations instead of the report's digest.
  const before: Record<string, unknown> = { ...now, observations: report.observations };
  delete before.reportDigest;
  // Written twice per report: under the round's key and as the feed's latest round.
  const bytesBefore = 2 * Buffer.byteLength(canonicalJson(before));
  const bytesNow = 2 * Buffer.byteLength(canonicalJson(now));
  const parse = cpuMicros(() => parseReport(text));
  const verify = cpuMicros(() => verifyReport(feed, report));
  const recordBefore = cpuMicros(() => [canonicalJson(before), canonicalJson(before)]);
  const recordNow = cpuMicros(() => [canonicalJson(now), canonicalJson(now)]);
  console.log(
    [
      String(n).padStart(7),
      String(Buffer.byteLength(text)).padStart(9),
      String(bytesBefore).padStart(15),
      String(bytesNow).padStart(12),
      parse.toFixed(0).padStart(9),
      verify.toFixed(0).padStart(10),
      recordBefore.toFixed(0).padStart(17),
      recordNow.toFixed(0).padStart(14),
    ].join(' '),
  );
}
