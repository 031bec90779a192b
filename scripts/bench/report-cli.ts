/**
 * `npm run bench:report`: rewrites the benchmark's report from the stored results, without
 * measuring anything: bench/results/results.md and the charts from results.json, and the README's
 * headline table (between its marker comments) from results.json and, when present, cost.json.
 * `npm run bench` ends with it, so one command measures and reports.
 *
 * Environment: BENCH_OUT (the results directory, default bench/results), BENCH_README (the file
 * whose section is rewritten, default README.md, or `-` to print the section instead, which is the
 * default when BENCH_OUT is set).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import * as prettier from 'prettier';
import type { CostReport } from './cost-curve';
import { headlineSection, replaceSection } from './readme';
import { completeReport, writeReport } from './report';
import type { BenchReport } from './results';

const REPO_DIR = path.resolve(__dirname, '..', '..');
const outDir = process.env.BENCH_OUT ?? path.join(REPO_DIR, 'bench', 'results');
// A run written elsewhere (a smoke run's BENCH_OUT) never rewrites the README unless asked to.
const readmePath =
  process.env.BENCH_README ??
  (process.env.BENCH_OUT === undefined ? path.join(REPO_DIR, 'README.md') : '-');

async function main(): Promise<void> {
  const resultsFile = path.join(outDir, 'results.json');
  if (!existsSync(resultsFile)) throw new Error(`no ${resultsFile}; run npm run bench first`);
  const report = completeReport(JSON.parse(readFileSync(resultsFile, 'utf8')) as BenchReport);
  const costFile = path.join(outDir, 'cost.json');
  const cost = existsSync(costFile)
    ? (JSON.parse(readFileSync(costFile, 'utf8')) as CostReport)
    : undefined;
  const files = writeReport(outDir, report);
  const options = (await prettier.resolveConfig(path.join(REPO_DIR, 'README.md'))) ?? {};
  const section = await prettier.format(headlineSection(report, cost), {
    ...options,
    parser: 'markdown',
  });
  if (readmePath === '-') {
    process.stdout.write(section);
  } else {
    writeFileSync(readmePath, replaceSection(readFileSync(readmePath, 'utf8'), section));
    files.push(readmePath);
  }
  process.stderr.write(`[bench:report] wrote ${files.join(', ')}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
