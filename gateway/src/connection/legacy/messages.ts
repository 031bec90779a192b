/**
 * The legacy flow's messages, built and read locally (nothing here sends anything): the signed
 * proposal inside the library's proposal bytes, the transaction envelope assembled from agreeing
 * proposal responses, the deliver seek request that waits for a commit, and the reading of
 * filtered and full blocks. The library keeps the Gateway flow's containers (a
 * `gateway.ProposedTransaction` around the proposal, a `gateway.PreparedTransaction` around the
 * envelope), so offline signing's steps and bytes-in/bytes-out API stay the same on both
 * transports; only the bytes inside differ.
 */
import { createHash, randomBytes } from 'node:crypto';
import {
  common,
  gateway as gatewayProtos,
  ledger,
  msp,
  orderer as ordererProtos,
  peer as peerProtos,
} from '@hyperledger/fabric-protos';
import { Timestamp } from 'google-protobuf/google/protobuf/timestamp_pb';
import type { PeerErrorDetail } from '../../errors';

/** A failure the legacy transport raises, shaped as the error boundary reads gRPC errors. */
export class LegacyCallError extends Error {
  /** Always `LegacyCallError`. */
  override name = 'LegacyCallError';
  /** gRPC status code the failure corresponds to. */
  readonly code: number;
  /** What each peer said. */
  readonly details: readonly PeerErrorDetail[];

  /**
   * @param code - gRPC status code
   * @param message - what failed
   * @param details - per-peer answers
   */
  constructor(code: number, message: string, details: readonly PeerErrorDetail[] = []) {
    super(message);
    this.code = code;
    this.details = details;
  }
}

/** A proposal as the legacy transport needs it. */
export interface ParsedProposal {
  /** The signed proposal to hand to endorsers. */
  readonly signed: peerProtos.SignedProposal;
  /** The proposal itself. */
  readonly proposal: peerProtos.Proposal;
  /** Transaction id. */
  readonly transactionId: string;
  /** Channel. */
  readonly channelName: string;
  /** Chaincode invoked. */
  readonly chaincodeName: string;
  /** Whether the proposal carries transient (private) data. */
  readonly hasTransientData: boolean;
  /** Organisations the caller asked to endorse, when it named any. */
  readonly endorsingOrganizations: readonly string[];
}

/**
 * Reads the library's proposal bytes (a `gateway.ProposedTransaction`) with the caller's signature.
 *
 * @param bytes - proposal bytes as the library builds them
 * @param signature - the signature over their digest
 * @returns the signed proposal and what it invokes
 * @throws LegacyCallError INVALID_ARGUMENT (3) when the bytes are not a proposal
 */
export function parseProposal(bytes: Uint8Array, signature: Uint8Array): ParsedProposal {
  let proposed: gatewayProtos.ProposedTransaction;
  try {
    proposed = gatewayProtos.ProposedTransaction.deserializeBinary(bytes);
  } catch (cause) {
    throw new LegacyCallError(3, `the proposal bytes do not decode: ${String(cause)}`);
  }
  const inner = proposed.getProposal();
  if (inner === undefined) throw new LegacyCallError(3, 'the proposal bytes hold no proposal');
  const proposal = peerProtos.Proposal.deserializeBinary(inner.getProposalBytes_asU8());
  const header = common.Header.deserializeBinary(proposal.getHeader_asU8());
  const channelHeader = common.ChannelHeader.deserializeBinary(header.getChannelHeader_asU8());
  const extension = peerProtos.ChaincodeHeaderExtension.deserializeBinary(
    channelHeader.getExtension_asU8(),
  );
  const payload = peerProtos.ChaincodeProposalPayload.deserializeBinary(proposal.getPayload_asU8());
  const transient = payload.getTransientmapMap() as { getLength(): number };
  const signed = new peerProtos.SignedProposal();
  signed.setProposalBytes(inner.getProposalBytes_asU8());
  signed.setSignature(signature);
  return {
    signed,
    proposal,
    transactionId: channelHeader.getTxId(),
    channelName: channelHeader.getChannelId(),
    chaincodeName: extension.getChaincodeId()?.getName() ?? '',
    hasTransientData: transient.getLength() > 0,
    endorsingOrganizations: proposed.getEndorsingOrganizationsList(),
  };
}

/** One endorser's answer. */
export interface EndorserAnswer {
  /** `host:port` of the endorser. */
  readonly address: string;
  /** Its MSP. */
  readonly mspId: string;
  /** Its proposal response. */
  readonly response: peerProtos.ProposalResponse;
}

/**
 * Checks that every endorser succeeded and that all signed the same response payload (the same
 * read/write set, events and result), as a valid transaction needs.
 *
 * @param answers - the endorsers' answers, at least one
 * @returns the payload they agree on
 * @throws LegacyCallError ABORTED (10) when one refused (its message in `details`) or when the
 *   payloads differ (each endorser's payload hash in `details`)
 */
export function checkAgreement(answers: readonly EndorserAnswer[]): Uint8Array {
  const first = answers[0];
  if (first === undefined) throw new LegacyCallError(10, 'no endorsement to check');
  const refused = answers.filter((a) => (a.response.getResponse()?.getStatus() ?? 500) >= 400);
  if (refused.length > 0) {
    const details = refused.map((a) => ({
      address: a.address,
      mspId: a.mspId,
      message: a.response.getResponse()?.getMessage() ?? 'no response',
    }));
    throw new LegacyCallError(
      10,
      `endorsement refused by ${details.map((d) => `${d.address} (${d.mspId}): ${d.message}`).join('; ')}`,
      details,
    );
  }
  const payload = first.response.getPayload_asU8();
  const hash = (b: Uint8Array) => createHash('sha256').update(b).digest('hex').slice(0, 16);
  if (answers.some((a) => !Buffer.from(a.response.getPayload_asU8()).equals(payload))) {
    throw new LegacyCallError(
      10,
      'the endorsers returned different results (read/write sets or return values differ): the chaincode is not deterministic or the peers hold different world states',
      answers.map((a) => ({
        address: a.address,
        mspId: a.mspId,
        message: `response payload ${hash(a.response.getPayload_asU8())}`,
      })),
    );
  }
  return payload;
}

/** An endorsed transaction, ready to sign. */
export interface PreparedEnvelope {
  /** `gateway.PreparedTransaction` bytes: what the library hands back to sign and submit. */
  readonly bytes: Uint8Array;
  /** The envelope payload the client signs. */
  readonly payload: Uint8Array;
  /** The chaincode's return value. */
  readonly result: Uint8Array;
}

/**
 * Assembles the transaction envelope's payload from a proposal and its agreeing endorsements.
 *
 * @param parsed - the proposal
 * @param answers - the endorsers' answers; {@link checkAgreement} must have passed
 * @returns the prepared transaction and the payload to sign
 */
export function newTransaction(
  parsed: ParsedProposal,
  answers: readonly EndorserAnswer[],
): PreparedEnvelope {
  const responsePayload = checkAgreement(answers);
  const header = common.Header.deserializeBinary(parsed.proposal.getHeader_asU8());
  const proposalPayload = peerProtos.ChaincodeProposalPayload.deserializeBinary(
    parsed.proposal.getPayload_asU8(),
  );
  // Private inputs never go into the ledger: the transaction keeps the invocation only.
  const ledgerPayload = new peerProtos.ChaincodeProposalPayload();
  ledgerPayload.setInput(proposalPayload.getInput_asU8());
  const endorsed = new peerProtos.ChaincodeEndorsedAction();
  endorsed.setProposalResponsePayload(responsePayload);
  endorsed.setEndorsementsList(
    answers.flatMap((a) => {
      const e = a.response.getEndorsement();
      return e === undefined ? [] : [e];
    }),
  );
  const actionPayload = new peerProtos.ChaincodeActionPayload();
  actionPayload.setChaincodeProposalPayload(ledgerPayload.serializeBinary());
  actionPayload.setAction(endorsed);
  const action = new peerProtos.TransactionAction();
  action.setHeader(header.getSignatureHeader_asU8());
  action.setPayload(actionPayload.serializeBinary());
  const transaction = new peerProtos.Transaction();
  transaction.setActionsList([action]);
  const payload = new common.Payload();
  payload.setHeader(header);
  payload.setData(transaction.serializeBinary());
  const payloadBytes = payload.serializeBinary();
  const envelope = new common.Envelope();
  envelope.setPayload(payloadBytes);
  const prepared = new gatewayProtos.PreparedTransaction();
  prepared.setTransactionId(parsed.transactionId);
  prepared.setEnvelope(envelope);
  const result = answers[0]?.response.getResponse()?.getPayload_asU8() ?? new Uint8Array();
  return { bytes: prepared.serializeBinary(), payload: payloadBytes, result };
}

/**
 * The signed envelope inside prepared-transaction bytes.
 *
 * @param bytes - `gateway.PreparedTransaction` bytes
 * @param signature - the client's signature over the envelope payload's digest
 * @returns the serialized signed `common.Envelope`
 * @throws LegacyCallError INVALID_ARGUMENT (3) when the bytes hold no envelope
 */
export function signedEnvelope(bytes: Uint8Array, signature: Uint8Array): Uint8Array {
  const envelope = gatewayProtos.PreparedTransaction.deserializeBinary(bytes).getEnvelope();
  if (envelope === undefined)
    throw new LegacyCallError(3, 'the transaction bytes hold no envelope');
  const signed = new common.Envelope();
  signed.setPayload(envelope.getPayload_asU8());
  signed.setSignature(signature);
  return signed.serializeBinary();
}

/**
 * The private data collections a proposal response touched, so the endorsement plan can be asked
 * for peers that may hold them.
 *
 * @param response - an endorser's response
 * @returns collection names per namespace
 */
export function collectionsOf(response: peerProtos.ProposalResponse): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const payload = peerProtos.ProposalResponsePayload.deserializeBinary(response.getPayload_asU8());
  const action = peerProtos.ChaincodeAction.deserializeBinary(payload.getExtension_asU8());
  const rwset = ledger.rwset.TxReadWriteSet.deserializeBinary(action.getResults_asU8());
  for (const ns of rwset.getNsRwsetList()) {
    const names = ns.getCollectionHashedRwsetList().map((c) => c.getCollectionName());
    if (names.length > 0) out.set(ns.getNamespace(), names);
  }
  return out;
}

/** Largest block number a seek may name (JavaScript numbers are exact up to here). */
const MAX_BLOCK = Number.MAX_SAFE_INTEGER;

/** The identity and signature scheme every signed legacy request carries. */
export interface Creator {
  /** MSP id. */
  readonly mspId: string;
  /** PEM certificate. */
  readonly certificate: string;
  /** Whether the signer signs the whole message (Ed25519) instead of its SHA-256. */
  readonly ed25519: boolean;
}

/**
 * @param creator - the client identity
 * @returns its serialized `msp.SerializedIdentity`
 */
export function serializedIdentity(creator: Creator): Uint8Array {
  const identity = new msp.SerializedIdentity();
  identity.setMspid(creator.mspId);
  identity.setIdBytes(Buffer.from(creator.certificate));
  return identity.serializeBinary();
}

/**
 * What the signer is handed for a message: its SHA-256, or the message itself for Ed25519.
 *
 * @param creator - the client identity
 * @param message - the bytes to sign
 * @returns the digest to sign
 */
export function digestOf(creator: Creator, message: Uint8Array): Uint8Array {
  return creator.ed25519 ? message : createHash('sha256').update(message).digest();
}

/**
 * An unsigned deliver request: blocks from `startBlock` on, waiting for new ones. Its signature
 * stays valid for the peer's time window (15 minutes by default) and may be reused within it.
 * A commit-status request names the transaction it waits for in the channel header's
 * transaction id, which the deliver service ignores.
 *
 * @param creator - the client identity
 * @param channelName - the channel
 * @param startBlock - first block to deliver
 * @param transactionId - the transaction waited for, or empty for an event stream
 * @returns the envelope payload to sign
 */
export function newSeekPayload(
  creator: Creator,
  channelName: string,
  startBlock: bigint,
  transactionId = '',
): Uint8Array {
  const specified = (n: number) => {
    const s = new ordererProtos.SeekSpecified();
    s.setNumber(n);
    const p = new ordererProtos.SeekPosition();
    p.setSpecified(s);
    return p;
  };
  const seek = new ordererProtos.SeekInfo();
  seek.setStart(specified(Number(startBlock)));
  seek.setStop(specified(MAX_BLOCK));
  seek.setBehavior(ordererProtos.SeekInfo.SeekBehavior.BLOCK_UNTIL_READY);
  const now = Date.now();
  const timestamp = new Timestamp();
  timestamp.setSeconds(Math.floor(now / 1000));
  timestamp.setNanos((now % 1000) * 1e6);
  const channelHeader = new common.ChannelHeader();
  channelHeader.setType(common.HeaderType.DELIVER_SEEK_INFO);
  channelHeader.setChannelId(channelName);
  channelHeader.setTxId(transactionId);
  channelHeader.setTimestamp(timestamp);
  const signatureHeader = new common.SignatureHeader();
  signatureHeader.setCreator(serializedIdentity(creator));
  signatureHeader.setNonce(randomBytes(24));
  const header = new common.Header();
  header.setChannelHeader(channelHeader.serializeBinary());
  header.setSignatureHeader(signatureHeader.serializeBinary());
  const payload = new common.Payload();
  payload.setHeader(header);
  payload.setData(seek.serializeBinary());
  return payload.serializeBinary();
}

/**
 * @param payload - an envelope payload
 * @param signature - the signature over its digest
 * @returns the serialized signed envelope
 */
export function envelopeOf(payload: Uint8Array, signature: Uint8Array): Uint8Array {
  const envelope = new common.Envelope();
  envelope.setPayload(payload);
  envelope.setSignature(signature);
  return envelope.serializeBinary();
}

/** What a commit-status seek request asks for. */
export interface SeekRequest {
  /** First block it reads. */
  readonly startBlock: bigint;
  /** The transaction it waits for. */
  readonly transactionId: string;
  /** The envelope payload that was signed. */
  readonly payload: Uint8Array;
}

/**
 * Reads a deliver seek request, when the bytes are one (an unsigned envelope whose header says
 * DELIVER_SEEK_INFO); the library's other commit-status form is a qscc proposal.
 *
 * @param bytes - candidate `common.Envelope` bytes
 * @returns the request, or undefined when the bytes are no deliver seek request
 */
export function readSeek(bytes: Uint8Array): SeekRequest | undefined {
  try {
    const envelope = common.Envelope.deserializeBinary(bytes);
    const payload = common.Payload.deserializeBinary(envelope.getPayload_asU8());
    const header = payload.getHeader();
    if (header === undefined) return undefined;
    const channelHeader = common.ChannelHeader.deserializeBinary(header.getChannelHeader_asU8());
    if (channelHeader.getType() !== (common.HeaderType.DELIVER_SEEK_INFO as number)) {
      return undefined;
    }
    const start = ordererProtos.SeekInfo.deserializeBinary(payload.getData_asU8()).getStart();
    return {
      startBlock: BigInt(start?.getSpecified()?.getNumber() ?? 0),
      transactionId: channelHeader.getTxId(),
      payload: envelope.getPayload_asU8(),
    };
  } catch {
    return undefined;
  }
}
