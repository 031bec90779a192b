/**
 * The leader's collection of signed observations for one round attempt: its own and every
 * peer's, each checked as it arrives. It ends when every node answered or failed, a grace period
 * after the feed's `minObservations` arrived (slow nodes get a chance to be in the report), or at
 * a deadline.
 */
import type { Feed } from '@oracle-consortium/gateway';
import type { Logger } from '../ops/logger';
import type { SignedObservation } from './messages';

/** What {@link collectObservations} works with. */
export interface CollectInput {
  /** The feed. */
  readonly feed: Readonly<Feed>;
  /** The round. */
  readonly roundId: bigint;
  /** The leader attempt. */
  readonly attempt: number;
  /** How long to wait for more after the quorum. */
  readonly graceMs: number;
  /** How long to wait at most. */
  readonly timeoutMs: number;
  /** The job's logger. */
  readonly log: Logger;
  /** Oracles of the feed (not this node) without a configured address: never asked. */
  readonly unreachable: number;
  /** This node's own signed observation. */
  own(): Promise<SignedObservation | undefined>;
  /** Asks every peer; each answer or failure is handed over as it arrives. */
  ask(
    onAnswer: (from: string, answer: unknown) => void,
    onError: (from: string, err: unknown) => void,
  ): Promise<void>[];
  /** Checks an observation's round, attempt and signature. */
  check(o: SignedObservation): boolean;
  /** Learns a later round or attempt from a peer's refusal. */
  learnFrom(from: string, err: unknown): void;
}

/**
 * Collects the round's signed observations.
 *
 * @param d - the feed, the round, the timings and how to ask
 * @returns the valid observations, at most one per oracle
 */
export async function collectObservations(d: Readonly<CollectInput>): Promise<SignedObservation[]> {
  const { feed, roundId, attempt, log } = d;
  const got: SignedObservation[] = [];
  let pending = feed.oracles.length;
  let settle: () => void = () => undefined;
  const done = new Promise<void>((resolve) => {
    settle = resolve;
  });
  let graceTimer: NodeJS.Timeout | undefined;
  const arrived = (o: SignedObservation | undefined): void => {
    pending--;
    if (o !== undefined) got.push(o);
    if (pending === 0) settle();
    else if (got.length >= feed.minObservations && graceTimer === undefined) {
      log.log('info', 'round.quorum', { roundId, attempt, observations: got.length });
      graceTimer = setTimeout(settle, d.graceMs);
    }
  };
  // Peers without a configured address count as settled at once.
  pending -= d.unreachable;
  const deadline = setTimeout(settle, d.timeoutMs);
  void d.own().then(arrived, (err: unknown) => {
    log.log('warn', 'round.own_observation_failed', { error: err });
    arrived(undefined);
  });
  void Promise.all(
    d.ask(
      (from, answer) => {
        const o = answer as SignedObservation;
        const index = feed.oracles.findIndex((x) => x.id === from);
        if (o.oracle === index && d.check(o)) arrived(o);
        else {
          log.log('warn', 'round.bad_observation', { roundId, from });
          arrived(undefined);
        }
      },
      (from, err) => {
        d.learnFrom(from, err);
        log.log('warn', 'round.observe_failed', { roundId, from, error: err });
        arrived(undefined);
      },
    ),
  );
  if (pending === 0) settle();
  await done;
  clearTimeout(deadline);
  if (graceTimer !== undefined) clearTimeout(graceTimer);
  return [...got];
}
