/**
 * The chaos run's options: two profiles (full and ci) and flags that override them, checked in
 * full before anything starts. Run directly (`ts-node scripts/chaos/options.ts <flags>`) it only
 * checks the flags, so scripts/chaos.sh can refuse bad input before it builds or starts a network.
 */
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { checkedNumber } from '../lib/checked-number';
import { buildSchedule, FAULT_KINDS, parseFaultKinds, type FaultKind } from './faults';

/** Usage text of `npm run chaos -- --help`. */
export const USAGE = `Usage: npm run chaos -- [options]

  --profile full|ci     full (default): at least 10,000 operations at 30/s, every fault kind held
                        8 s; ci: at least 1,000 operations at 10/s, faults held 5 s
  --ops N               operations to issue at least (the load also runs until the schedule ends)
  --rate R              operations offered per second
  --concurrency C       most operations in flight
  --faults a,b,...      fault kinds in order (${FAULT_KINDS.join(', ')})
  --quorum-loss         add orderer-quorum-loss (two of three orderers killed) at the end
  --warmup S            load before the first fault, seconds
  --hold S              how long each node stays down or paused, seconds
  --gap S               load after each repair before the next fault, seconds
  --max-wait S          longest further wait, after the gap, for throughput to come back and the
                        fault's stragglers to settle before the next fault, seconds
  --window-ms MS        length of a throughput window (1000)
  --peer NAME           the Org1 peer the peer and chaincode faults hit (default: the peer the
                        client prefers when the fault starts)
  --out DIR             results directory (bench/results/chaos-<profile>)
`;

/** A run's settings, every one resolved. */
export interface ChaosOptions {
  readonly profile: string;
  readonly minOps: number;
  readonly rate: number;
  readonly concurrency: number;
  readonly kinds: readonly FaultKind[];
  readonly warmupS: number;
  readonly holdS: number;
  readonly gapS: number;
  readonly maxWaitS: number;
  readonly windowMs: number;
  /** The peer the peer faults hit; undefined: the client's preferred peer at each fault. */
  readonly peer: string | undefined;
  readonly outDir: string;
  /** The longest the fault schedule can take, seconds. */
  readonly longestS: number;
}

interface Profile {
  ops: number;
  rate: number;
  concurrency: number;
  faults: string;
  warmup: number;
  hold: number;
  gap: number;
  maxWait: number;
}

// The leader faults come last: with today's library they can stall a few operations for 65 s,
// which the schedule waits out before going on.
const ALL =
  'peer-kill,peer-pause,chaincode-kill,orderer-follower-kill,orderer-pause,orderer-leader-kill';
const PROFILES: Readonly<Record<string, Profile>> = {
  full: {
    ops: 10000,
    rate: 30,
    concurrency: 32,
    faults: ALL,
    warmup: 15,
    hold: 8,
    gap: 20,
    maxWait: 75,
  },
  ci: {
    ops: 1000,
    rate: 10,
    concurrency: 16,
    faults: ALL,
    warmup: 10,
    hold: 5,
    gap: 10,
    maxWait: 75,
  },
};

function positive(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  return checkedNumber(`--${name}`, text, { min: 0, minExclusive: true, integer: false });
}

function whole(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  return checkedNumber(`--${name}`, text, { min: 0, minExclusive: true, integer: true });
}

/**
 * Parses and checks the flags of `npm run chaos`.
 *
 * @param argv - the flags (without node and the script)
 * @param repoDir - repository root, for the default results directory
 * @returns the resolved options, or `help` when --help was asked
 * @throws Error naming the flag for an unknown flag, profile or fault kind, or a value that is not
 *   a positive number (a whole one for counts)
 */
export function parseOptions(argv: readonly string[], repoDir: string): ChaosOptions | 'help' {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      profile: { type: 'string', default: 'full' },
      ops: { type: 'string' },
      rate: { type: 'string' },
      concurrency: { type: 'string' },
      faults: { type: 'string' },
      'quorum-loss': { type: 'boolean', default: false },
      warmup: { type: 'string' },
      hold: { type: 'string' },
      gap: { type: 'string' },
      'max-wait': { type: 'string' },
      'window-ms': { type: 'string' },
      peer: { type: 'string' },
      out: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return 'help';
  const profile = PROFILES[values.profile];
  if (profile === undefined) {
    throw new Error(
      `unknown --profile '${values.profile}'; known: ${Object.keys(PROFILES).join(', ')}`,
    );
  }
  const kinds = parseFaultKinds(values.faults ?? profile.faults);
  if (values['quorum-loss']) kinds.push('orderer-quorum-loss');
  const peer = values.peer;
  if (peer !== undefined && !/^peer\d+-org1$/.test(peer)) {
    throw new Error(`--peer must name a peer of Org1 like peer1-org1, got '${peer}'`);
  }
  const timing = {
    warmupS: positive('warmup', values.warmup, profile.warmup),
    holdS: positive('hold', values.hold, profile.hold),
    gapS: positive('gap', values.gap, profile.gap),
    maxWaitS: positive('max-wait', values['max-wait'], profile.maxWait),
  };
  const { longestS } = buildSchedule({ kinds, ...timing });
  return {
    profile: values.profile,
    minOps: whole('ops', values.ops, profile.ops),
    rate: positive('rate', values.rate, profile.rate),
    concurrency: whole('concurrency', values.concurrency, profile.concurrency),
    kinds,
    ...timing,
    windowMs: whole('window-ms', values['window-ms'], 1000),
    peer,
    outDir: values.out ?? path.join(repoDir, 'bench', 'results', `chaos-${values.profile}`),
    longestS,
  };
}

if (require.main === module) {
  try {
    const o = parseOptions(process.argv.slice(2), path.resolve(__dirname, '..', '..'));
    if (o === 'help') process.stdout.write(USAGE);
  } catch (err) {
    process.stderr.write(`error: ${err instanceof Error ? err.message : String(err)}\n${USAGE}`);
    process.exit(2);
  }
}
