/**
 * Carrying a signed config update to the ordering service: the CONFIG_UPDATE envelope
 * (Payload{Header{ChannelHeader, SignatureHeader}, ConfigUpdateEnvelope{update, signatures}})
 * signed by the submitting member, the broadcast, and a bounded wait until the member's peers
 * show the new config. The orderer's refusals are read once, here: signatures short of the
 * policy become `CONFIG_POLICY_NOT_SATISFIED` naming the policy, an update computed on an older
 * config `STALE_CONFIG`.
 */
import { common } from '@hyperledger/fabric-protos';
import type { Connection } from '../connection/connection';
import { GovernanceError, InputError, OrdererError } from '../errors';
import {
  broadcast,
  type BroadcastOptions,
  type BroadcastResult,
  type OrdererEndpoint,
} from '../orderer/broadcast';
import { readChannelConfig, type ChannelConfig } from './channel-config';
import {
  signatureHeaderFor,
  signFabricMessage,
  type ConfigSignatureParts,
  type ConfigSigningIdentity,
} from './config-signature';
import { Timestamp } from 'google-protobuf/google/protobuf/timestamp_pb';

/** What goes into a config update envelope. */
export interface ConfigUpdateEnvelopeInput {
  /** The channel. */
  readonly channelName: string;
  /** The serialized `common.ConfigUpdate`. */
  readonly configUpdate: Uint8Array;
  /** The collected config signatures. */
  readonly signatures: readonly ConfigSignatureParts[];
  /** The identity that signs the envelope (a writer of the channel: any member admin or client). */
  readonly submitter: ConfigSigningIdentity;
}

/**
 * Assembles and signs a CONFIG_UPDATE envelope.
 *
 * @param input - channel, update, signatures and submitter
 * @returns the serialized `common.Envelope`
 * @throws InputError `INVALID_INPUT` when the update is empty
 * @throws SignerError when the submitter's KMS or HSM fails
 */
export async function configUpdateEnvelope(
  input: Readonly<ConfigUpdateEnvelopeInput>,
): Promise<Uint8Array> {
  if (input.configUpdate.length === 0) {
    throw new InputError({ code: 'INVALID_INPUT', message: 'the config update is empty' });
  }
  const updateEnvelope = new common.ConfigUpdateEnvelope();
  updateEnvelope.setConfigUpdate(input.configUpdate);
  updateEnvelope.setSignaturesList(
    input.signatures.map((s) => {
      const signature = new common.ConfigSignature();
      signature.setSignatureHeader(s.signatureHeader);
      signature.setSignature(s.signature);
      return signature;
    }),
  );
  const channelHeader = new common.ChannelHeader();
  channelHeader.setType(common.HeaderType.CONFIG_UPDATE);
  channelHeader.setChannelId(input.channelName);
  const now = Date.now();
  const timestamp = new Timestamp();
  timestamp.setSeconds(Math.floor(now / 1000));
  timestamp.setNanos((now % 1000) * 1_000_000);
  channelHeader.setTimestamp(timestamp);
  const header = new common.Header();
  header.setChannelHeader(channelHeader.serializeBinary());
  header.setSignatureHeader(signatureHeaderFor(input.submitter.mspId, input.submitter.certificate));
  const payload = new common.Payload();
  payload.setHeader(header);
  payload.setData(updateEnvelope.serializeBinary());
  const payloadBytes = payload.serializeBinary();
  const envelope = new common.Envelope();
  envelope.setPayload(payloadBytes);
  envelope.setSignature(await signFabricMessage(input.submitter.signer, payloadBytes));
  return envelope.serializeBinary();
}

const POLICY_FAILURE = /policy for \[(?:Group|Value|Policy)\]\s+(\S+) not satisfied/;
const STALE_READ_SET =
  /(?:proposed update requires that key \[\w+\]\s+(\S+) be at version \d+, but it is currently at version \d+|config sequence|readset expected key)/i;

/**
 * Reads an orderer's refusal of a config update: policy failure or stale read set become
 * {@link GovernanceError}s; anything else is returned as it was.
 *
 * @param err - what the broadcast threw
 * @param baseSequence - the sequence the update was built on
 * @returns the typed error
 */
export function classifyConfigRefusal(err: unknown, baseSequence?: bigint): unknown {
  if (!(err instanceof OrdererError)) return err;
  const policy = POLICY_FAILURE.exec(err.info);
  if (policy !== null) {
    return new GovernanceError({
      code: 'CONFIG_POLICY_NOT_SATISFIED',
      message: `the orderer refused the config update: the signatures do not satisfy the policy of ${policy[1] ?? '?'} (${err.info})`,
      cause: err,
      policyPath: policy[1] ?? '',
      ...(baseSequence !== undefined ? { baseSequence } : {}),
    });
  }
  if (STALE_READ_SET.test(err.info)) {
    return new GovernanceError({
      code: 'STALE_CONFIG',
      message: `the orderer refused the config update: the channel config moved since it was built${baseSequence !== undefined ? ` on sequence ${baseSequence}` : ''} (${err.info})`,
      cause: err,
      ...(baseSequence !== undefined ? { baseSequence } : {}),
    });
  }
  return err;
}

/** Options of {@link applyConfigUpdate}. */
export interface ApplyConfigUpdateOptions extends ConfigUpdateEnvelopeInput {
  /** A connection to the submitter's peers, to watch the config move. */
  readonly connection: Connection;
  /** The orderers to broadcast to. */
  readonly orderers: readonly OrdererEndpoint[];
  /** The sequence the update was built on. */
  readonly baseSequence: bigint;
  /**
   * Whether a config shows the change done; when the sequence moves but this says no, another
   * update won the race and this one is reported `STALE_CONFIG`. Any new sequence counts when absent.
   */
  readonly applied?: (config: ChannelConfig) => boolean;
  /** How long to wait for the peers to show the new config, in ms; 60000 when absent. */
  readonly waitMs?: number;
  /** How often to ask, in ms; 500 when absent. */
  readonly pollMs?: number;
  /** Broadcast options. */
  readonly broadcast?: BroadcastOptions;
}

/** The outcome of {@link applyConfigUpdate}. */
export interface AppliedConfigUpdate {
  /** The orderer's acceptance. */
  readonly broadcast: BroadcastResult;
  /** The channel config after the update. */
  readonly config: ChannelConfig;
}

/**
 * Submits a signed config update and waits until the member's peers hold the new config.
 *
 * @param options - the update, signatures, submitter, orderers and wait bounds
 * @returns the orderer's answer and the new config (its sequence above `baseSequence`)
 * @throws GovernanceError `CONFIG_POLICY_NOT_SATISFIED` when the signatures do not satisfy the
 *   policy (`policyPath` names which)
 * @throws GovernanceError `STALE_CONFIG` when the config moved since the update was built
 * @throws GovernanceError `CONFIG_NOT_APPLIED` when the peers do not show a new config in time
 * @throws OrdererError `ORDERER_REFUSED` for any other refusal
 * @throws ConnectionError when no orderer takes the envelope
 * @example
 * ```ts
 * const { config } = await governance.applyConfigUpdate({ connection: conn, orderers,
 *   channelName: conn.channelName, configUpdate: update.configUpdate, signatures,
 *   submitter, baseSequence: update.baseSequence });
 * ```
 */
export async function applyConfigUpdate(
  options: Readonly<ApplyConfigUpdateOptions>,
): Promise<AppliedConfigUpdate> {
  const envelope = await configUpdateEnvelope(options);
  let accepted: BroadcastResult;
  try {
    // A second copy of a config update is refused by the orderer (its read set no longer
    // matches), so moving on past an orderer that may hold the first copy is safe here.
    accepted = await broadcast(envelope, options.orderers, {
      failoverWhenUncertain: true,
      ...options.broadcast,
    });
  } catch (err) {
    throw classifyConfigRefusal(err, options.baseSequence);
  }
  const waitMs = options.waitMs ?? 60000;
  const pollMs = options.pollMs ?? 500;
  const deadline = Date.now() + waitMs;
  let last: ChannelConfig | undefined;
  let lastError: unknown;
  for (;;) {
    try {
      last = await readChannelConfig(options.connection);
      if (last.sequence > options.baseSequence) {
        if (options.applied !== undefined && !options.applied(last)) {
          throw new GovernanceError({
            code: 'STALE_CONFIG',
            message: `channel ${options.channelName} moved to sequence ${last.sequence} without this update: another config update was ordered first`,
            baseSequence: options.baseSequence,
            currentSequence: last.sequence,
          });
        }
        return { broadcast: accepted, config: last };
      }
    } catch (err) {
      if (err instanceof GovernanceError) throw err;
      lastError = err;
    }
    if (Date.now() + pollMs > deadline) break;
    await new Promise((r) => setTimeout(r, pollMs));
  }
  throw new GovernanceError({
    code: 'CONFIG_NOT_APPLIED',
    message: `orderer ${accepted.endpoint} accepted the config update, but the peers of ${options.connection.mspId} did not show a config sequence above ${options.baseSequence} within ${waitMs} ms${last !== undefined ? ` (still ${last.sequence})` : ''}`,
    cause: lastError,
    baseSequence: options.baseSequence,
    ...(last !== undefined ? { currentSequence: last.sequence } : {}),
  });
}
