/**
 * The bench's settings from the environment, checked: a value that is not a number in range, or a
 * workload name that does not exist, stops the run with a message naming the variable and what it
 * accepts, before the bench starts its network (`scripts/bench.sh` runs this file first).
 *
 * Run as a script it only checks: `npx ts-node --transpile-only scripts/bench/settings.ts`.
 */
import {
  VOTE_RESULT_FORMS,
  isVoteResultForm,
  type VoteResultForm,
} from '@oracle-consortium/protocol';
import { checkedNumber, type NumberRule } from '../lib/checked-number';

export type { NumberRule };

/**
 * Reads one numeric setting.
 *
 * @param env - the environment to read
 * @param name - the variable's name
 * @param fallback - its value when unset or empty
 * @param rule - what it accepts
 * @returns the value
 * @throws Error naming the variable, the value given and what it accepts
 */
export function envNumber(
  env: NodeJS.ProcessEnv,
  name: string,
  fallback: number,
  rule: NumberRule,
): number {
  const text = env[name];
  if (text === undefined || text.trim() === '') return fallback;
  return checkedNumber(name, text, rule);
}

/**
 * Every workload `npm run bench` knows, in the order it runs them. `BENCH_ONLY` is checked
 * against this list before the network starts; run.ts checks the list against the workloads it
 * builds, so the two cannot drift apart unnoticed.
 */
export const WORKLOAD_NAMES: readonly string[] = [
  'noop-submit',
  'noop-evaluate',
  'noop-submit-majority',
  'lib-noop-submit',
  'lib-noop-evaluate',
  'report-4-oracles',
  'report-16-oracles',
  'report-31-oracles',
  'membership-vote',
  'sign-file',
  'sign-kms',
  'sign-hsm',
  'kms-noop-submit',
  'hsm-noop-submit',
];

/** `BENCH_ONLY=none`: no workload (starts the network, writes an empty report; for a kept network). */
export const NO_WORKLOAD = 'none';

/** The knee search, latency and reporting settings of `npm run bench`. */
export interface BenchSettings {
  /** Each measured window (ms). */
  readonly durationMs: number;
  /** Warm-up before the windows of each knee-search level (ms). */
  readonly warmupMs: number;
  /** Windows per knee-search level. */
  readonly repeats: number;
  /** Largest number in flight the knee search tries. */
  readonly maxInFlight: number;
  /** Workloads to run (empty: all). */
  readonly only: readonly string[];
  /** Spread across a level's windows above which the run is called noisy. */
  readonly noisyThreshold: number;
  /** Offered load before each latency run's measurement (ms). */
  readonly latencyWarmupMs: number;
  /** Proposals the vote workload creates beforehand. */
  readonly proposals: number;
  /**
   * Rounds each report workload's oracles keep signed ahead of each feed's last reported round,
   * topped up between runs (`BENCH_PRESIGNED_ROUNDS`, default 96).
   */
  readonly presignedRounds: number;
  /** The answer the vote workload's votes ask for (`BENCH_VOTE_RESULT`, default `tally`). */
  readonly voteResult: VoteResultForm;
}

function voteResultSetting(value: string | undefined): VoteResultForm {
  if (value === undefined || value === '') return 'tally';
  if (isVoteResultForm(value)) return value;
  throw new Error(
    `BENCH_VOTE_RESULT must be ${VOTE_RESULT_FORMS.map((f) => `'${f}'`).join(' or ')}, got '${value}'`,
  );
}

/**
 * Reads and checks the bench's settings.
 *
 * @param env - the environment (default `process.env`)
 * @returns the settings
 * @throws Error naming the first variable with a value it does not accept, or the unknown workload
 *   names in `BENCH_ONLY` with the names it knows
 */
export function benchSettings(env: NodeJS.ProcessEnv = process.env): BenchSettings {
  const ms = { min: 1, integer: true, unit: 'milliseconds' };
  const only = (env.BENCH_ONLY ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  const unknown = only.filter((n) => n !== NO_WORKLOAD && !WORKLOAD_NAMES.includes(n));
  if (unknown.length > 0) {
    throw new Error(
      `BENCH_ONLY names no workload ${unknown.map((n) => `'${n}'`).join(', ')}; workloads: ${WORKLOAD_NAMES.join(', ')} (or '${NO_WORKLOAD}')`,
    );
  }
  return {
    durationMs: envNumber(env, 'BENCH_DURATION_MS', 5000, ms),
    warmupMs: envNumber(env, 'BENCH_WARMUP_MS', 3000, { ...ms, min: 0 }),
    repeats: envNumber(env, 'BENCH_REPEATS', 3, { min: 1, integer: true, unit: 'windows' }),
    maxInFlight: envNumber(env, 'BENCH_MAX_INFLIGHT', 256, {
      min: 1,
      integer: true,
      unit: 'transactions in flight',
    }),
    only,
    noisyThreshold: envNumber(env, 'BENCH_NOISY_SPREAD', 0.1, {
      min: 0,
      integer: false,
      unit: 'a fraction, e.g. 0.1 for 10%',
    }),
    latencyWarmupMs: envNumber(env, 'BENCH_LATENCY_WARMUP_MS', 2000, { ...ms, min: 0 }),
    proposals: envNumber(env, 'BENCH_PROPOSALS', 16000, {
      min: 1,
      integer: true,
      unit: 'proposals',
    }),
    presignedRounds: envNumber(env, 'BENCH_PRESIGNED_ROUNDS', 96, {
      min: 1,
      integer: true,
      unit: 'rounds',
    }),
    voteResult: voteResultSetting(env.BENCH_VOTE_RESULT),
  };
}

if (require.main === module) {
  try {
    benchSettings();
  } catch (err) {
    process.stderr.write(`bench: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(2);
  }
}
