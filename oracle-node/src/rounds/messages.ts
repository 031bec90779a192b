/**
 * What nodes say to each other in a round, and the signed observation. An observation is signed
 * with the oracle's report key over its own domain-separated bytes, so a leader cannot pass off a
 * value as another oracle's and a follower checks every observation of a report before it signs:
 *
 * ```
 * bytes = UTF-8("fabric-oracle-observation/v1\n") || canonical JSON of
 *         {attempt, configDigest, feedId, observedAt, oracle, roundId, value}
 * ```
 *
 * The signature scheme is the report's (ECDSA P-256 over SHA-256, DER; or Ed25519), made with the
 * gateway library's `reports.signReport`, so a KMS or HSM key signs observations too.
 */
import { createPublicKey, verify } from 'node:crypto';
import { canonicalJson } from '@oracle-consortium/protocol';
import {
  reports,
  type ReportBody,
  type ReportKey,
  type SignedReport,
} from '@oracle-consortium/gateway';

/** Domain of observation signatures. */
export const OBSERVATION_DOMAIN = 'fabric-oracle-observation/v1\n';

/** What an oracle observed for a round, before its signature. */
export interface ObservationBody {
  /** The feed. */
  readonly feedId: string;
  /** The round. */
  readonly roundId: string;
  /** The leader attempt it was asked in. */
  readonly attempt: number;
  /** The feed configuration it was made under. */
  readonly configDigest: string;
  /** The oracle's index in the feed. */
  readonly oracle: number;
  /** The value, scaled integer text. */
  readonly value: string;
  /** When it was made, Unix seconds. */
  readonly observedAt: number;
}

/** A signed observation. */
export interface SignedObservation extends ObservationBody {
  /** The signature, base64. */
  readonly signature: string;
}

/** A leader's request for observations. */
export interface ObserveRequest {
  /** The feed. */
  readonly feedId: string;
  /** The round. */
  readonly roundId: string;
  /** The leader attempt. */
  readonly attempt: number;
  /**
   * The feed configuration the leader works under. A follower that holds another reads the feed
   * again, and refuses `CONFIG_MISMATCH` if it still differs. Absent from nodes before it was added,
   * whose requests are taken as they were.
   */
  readonly configDigest?: string;
}

/** A leader's request for report signatures. */
export interface SignRequest extends ObserveRequest {
  /** The report body to sign. */
  readonly body: ReportBody;
  /** The signed observations the body was built from. */
  readonly observations: readonly SignedObservation[];
  /** Why the round reports (`first`, `heartbeat`, `deviation`, `cron`). */
  readonly reason: string;
}

/** A leader's announcement that a round attempt ended. */
export interface FinalMessage extends ObserveRequest {
  /** `idle` (nothing to report) or `report`. */
  readonly status: 'idle' | 'report';
  /** The attested report, for followers to transmit if the leader does not. */
  readonly report?: SignedReport;
}

/** A refusal a node answers with (HTTP 409). */
export interface Refusal {
  /** Why: `WRONG_FEED`, `NOT_READY` (the node cannot read the chain yet), `ROUND_MISMATCH`, `FAR_ATTEMPT` (more than one attempt ahead of the node), `OLD_ATTEMPT`, `NOT_LEADER`, `NO_OBSERVATION`, `BAD_REPORT`, `ALREADY_SIGNED`, `CONFIG_MISMATCH` (the leader works under another feed configuration than the chain's), `STANDBY` (the process does not hold its oracle's lease). */
  readonly refused: string;
  /** Explanation. */
  readonly message: string;
  /** The refusing node's round, so the leader can catch up. */
  readonly roundId?: string;
  /** The refusing node's attempt, so the leader can catch up. */
  readonly attempt?: number;
  /** The refusing node's feed configuration (with `CONFIG_MISMATCH`). */
  readonly configDigest?: string;
}

/**
 * The bytes an observation signature covers.
 *
 * @param body - the observation
 * @returns domain || canonical JSON
 */
export function observationBytes(body: Readonly<ObservationBody>): Uint8Array {
  const fields: ObservationBody = {
    feedId: body.feedId,
    roundId: body.roundId,
    attempt: body.attempt,
    configDigest: body.configDigest,
    oracle: body.oracle,
    value: body.value,
    observedAt: body.observedAt,
  };
  return Buffer.from(OBSERVATION_DOMAIN + canonicalJson(fields), 'utf8');
}

/**
 * Signs an observation.
 *
 * @param body - the observation
 * @param key - the oracle's report key
 * @returns the signed observation
 * @throws SignerError when the signer fails
 */
export async function signObservation(
  body: Readonly<ObservationBody>,
  key: ReportKey,
): Promise<SignedObservation> {
  const signature = await reports.signReport(observationBytes(body), key);
  return { ...body, signature: Buffer.from(signature).toString('base64') };
}

/**
 * Verifies a signature by a registered oracle key, as the feeds contract does.
 *
 * @param keyType - `p256` or `ed25519`
 * @param publicKey - base64 DER SPKI, as the feed records it
 * @param bytes - the signed bytes
 * @param signature - base64
 * @returns true when valid
 */
export function verifyOracleSignature(
  keyType: string,
  publicKey: string,
  bytes: Uint8Array,
  signature: string,
): boolean {
  try {
    const key = createPublicKey({
      key: Buffer.from(publicKey, 'base64'),
      format: 'der',
      type: 'spki',
    });
    const sig = Buffer.from(signature, 'base64');
    return keyType === 'ed25519'
      ? verify(null, bytes, key, sig)
      : verify('sha256', bytes, { key, dsaEncoding: 'der' }, sig);
  } catch {
    return false;
  }
}
