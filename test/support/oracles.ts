/**
 * Oracles with real keys and the reports they sign, for tests that talk to a real peer. The bytes
 * come from the chaincode's own `encodeReport`, so a report built here verifies exactly when the
 * encoding documented in `report-encoding.ts` is what the chaincode checks.
 */
import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import {
  encodeReport,
  type OracleKeyType,
  type SignedReport as ReportInput,
} from '@oracle-consortium/protocol';

/** An oracle: its id, its private key and its public key as PEM. */
export interface Oracle {
  /** The oracle id registered in the feed. */
  readonly id: string;
  /** The signing key. */
  readonly privateKey: KeyObject;
  /** The SPKI public key, PEM. */
  readonly publicKeyPem: string;
}

/**
 * Generates one oracle per entry of `keyTypes`, in that order (so index `i` has `keyTypes[i]`).
 *
 * @param keyTypes - the key algorithm of each oracle
 * @param prefix - the oracle ids' prefix; ids are `<prefix><index>`
 * @returns the oracles
 */
export function newOracles(keyTypes: readonly OracleKeyType[], prefix = 'o'): Oracle[] {
  return keyTypes.map((keyType, i) => {
    const { privateKey, publicKey } =
      keyType === 'ed25519'
        ? generateKeyPairSync('ed25519')
        : generateKeyPairSync('ec', { namedCurve: 'P-256' });
    return {
      id: `${prefix}${i}`,
      privateKey,
      publicKeyPem: publicKey.export({ format: 'pem', type: 'spki' }).toString(),
    };
  });
}

/**
 * Signs bytes as an oracle does: ECDSA P-256 over SHA-256 (DER), or pure Ed25519.
 *
 * @param oracle - the signer
 * @param bytes - the encoded report
 * @returns the signature, base64
 */
export function signAs(oracle: Oracle, bytes: Uint8Array): string {
  const signature =
    oracle.privateKey.asymmetricKeyType === 'ed25519'
      ? sign(null, bytes, oracle.privateKey)
      : sign('sha256', bytes, { key: oracle.privateKey, dsaEncoding: 'der' });
  return signature.toString('base64');
}

/** What a report says; the signatures are added by {@link signedReport}. */
export interface ReportSpec {
  /** The feed id. */
  readonly feedId: string;
  /** The feed's current config digest (from `getFeed`). */
  readonly configDigest: string;
  /** The round, decimal string. */
  readonly roundId: string;
  /** Unix seconds. */
  readonly observationsTimestamp: number;
  /** Observed value (decimal string) per oracle index. */
  readonly values: readonly string[];
  /** Indices of the oracles that sign. */
  readonly signers: readonly number[];
}

/**
 * Builds a report in which oracle `i` observed `values[i]`, signed by `signers`.
 *
 * @param oracles - the feed's oracles, in registration order
 * @param spec - the report's content
 * @returns the report as `submitReport` takes it (before `JSON.stringify`)
 * @throws RangeError when a field is outside the report encoding
 */
export function signedReport(oracles: readonly Oracle[], spec: ReportSpec): ReportInput {
  const body = {
    feedId: spec.feedId,
    roundId: spec.roundId,
    observationsTimestamp: spec.observationsTimestamp,
    configDigest: spec.configDigest,
    observations: spec.values.map((value, oracle) => ({ oracle, value })),
  };
  const bytes = encodeReport(body);
  return {
    ...body,
    signatures: spec.signers.map((i) => {
      const oracle = oracles[i];
      if (oracle === undefined) throw new RangeError(`no oracle ${String(i)}`);
      return { oracle: i, signature: signAs(oracle, bytes) };
    }),
  };
}
