/**
 * The shared report-encoding test vectors (test/vectors/report-encoding.json), read once for both
 * sides that must agree byte for byte: the feeds chaincode and the gateway's report builder. The
 * shapes here are the JSON's; each side's own ReportBody and OracleConfig types accept them.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** A report body as the vectors write it. */
export interface VectorReportBody {
  readonly configDigest: string;
  readonly feedId: string;
  readonly roundId: string;
  readonly observationsTimestamp: number;
  readonly observations: readonly { readonly oracle: number; readonly value: string }[];
}

/** An oracle configuration as the vectors write it. */
export interface VectorOracleConfig {
  readonly feedId: string;
  readonly configVersion: number;
  readonly f: number;
  readonly minSignatures: number;
  readonly minObservations: number;
  readonly oracles: readonly {
    readonly id: string;
    readonly keyType: 'p256' | 'ed25519';
    readonly publicKey: string;
  }[];
}

/** The whole vectors file. */
export interface ReportVectors {
  reportDomain: string;
  configDomain: string;
  testKeys: Record<'p256' | 'ed25519', { privateKeyPkcs8Pem: string; publicKeySpkiBase64: string }>;
  configDigests: { name: string; input: VectorOracleConfig; expectedDigest: string }[];
  reports: {
    name: string;
    input: VectorReportBody;
    expectedBodyText: string;
    expectedHex: string;
    signatures: { p256LowS: string; p256HighS: string; ed25519: string };
  }[];
  invalid: { name: string; input: VectorReportBody }[];
}

/** The vectors, parsed. */
export const reportVectors = JSON.parse(
  readFileSync(join(__dirname, '..', 'vectors', 'report-encoding.json'), 'utf8'),
) as ReportVectors;
