/**
 * In-process fakes of Fabric peers' Gateway service (gateway.Gateway Endorse, Submit, CommitStatus,
 * Evaluate) over real gRPC with TLS, sharing one fake ledger, for connection tests whose faults are
 * hard to time on real processes: a peer that stalls on one stage, an ordering service that takes
 * an envelope and loses it or refuses it, a ledger that holds a duplicate copy. The ledger behaves
 * as a peer's does: the first copy of a transaction id is the one its index answers with, later
 * copies are marked DUPLICATE_TXID.
 */
import * as grpc from '@grpc/grpc-js';
import { common, gateway, peer } from '@hyperledger/fabric-protos';
import type { PeerConfig } from '@oracle-consortium/gateway';
import { tlsServer } from '../../../scripts/lib/openssl-ca';

/** The TLS name every fake peer's certificate carries. */
export const FAKE_HOSTNAME = 'peer.fake.local';

let tls: { key: string; cert: string } | undefined;

/** A self-signed P-256 certificate for FAKE_HOSTNAME, made once per test process. */
export function fakeTls(): { key: string; cert: string } {
  if (tls !== undefined) return tls;
  const { certPem, keyPem } = tlsServer('fake', `DNS:${FAKE_HOSTNAME},IP:127.0.0.1`, 1);
  tls = { key: keyPem, cert: certPem };
  return tls;
}

/** What the ordering service does with the next envelopes it is handed. */
export type OrdererMode =
  /** Orders and commits every envelope. */
  | 'ok'
  /** Answers success and loses the envelope, as a Raft leader killed before replicating it. */
  | 'lose'
  /** Orders the envelope but commits it only when the next copy of it arrives (a slow block). */
  | 'late'
  /** Refuses, as followers do with no Raft leader: the peer answers UNAVAILABLE. */
  | 'unavailable';

/** One copy of an envelope the fake ordering service took. */
export interface Received {
  /** Transaction id. */
  readonly transactionId: string;
  /** The envelope bytes exactly as sent. */
  readonly envelope: Uint8Array;
  /** Name of the peer it came through. */
  readonly via: string;
  /** Whether it was ordered (false when lost). */
  readonly ordered: boolean;
}

/** The channel's ledger and ordering service, shared by the fake peers. */
export class FakeFabric {
  /** What the ordering service does once `script` is used up; change it at any time. */
  ordererMode: OrdererMode = 'ok';
  /** What it does with the next envelopes, one entry each, before falling back to `ordererMode`. */
  readonly script: OrdererMode[] = [];
  readonly #late = new Set<string>();
  /** Validation code the next committed first copies get; 0 is VALID. */
  validationCode = 0;
  /** Every envelope the ordering service was handed, in order. */
  readonly received: Received[] = [];
  /** Blocks: each committed copy, in order, with its validation code. */
  readonly blocks: { transactionId: string; code: number }[] = [];
  readonly #waiters = new Map<string, ((s: { block: number; code: number }) => void)[]>();

  /** The ledger index's answer for a transaction id: its first copy, as a peer's index keeps. */
  lookup(transactionId: string): { block: number; code: number } | undefined {
    const block = this.blocks.findIndex((b) => b.transactionId === transactionId);
    return block < 0 ? undefined : { block, code: this.blocks[block]!.code };
  }

  /** Copies of a transaction id on the ledger (valid first copy plus duplicates). */
  copies(transactionId: string): number {
    return this.blocks.filter((b) => b.transactionId === transactionId).length;
  }

  /** Commits a copy: DUPLICATE_TXID when the id is already on the ledger. */
  commit(transactionId: string): void {
    const first = this.lookup(transactionId) === undefined;
    this.blocks.push({ transactionId, code: first ? this.validationCode : 9 });
    const status = this.lookup(transactionId)!;
    if (!first) return;
    for (const wake of this.#waiters.get(transactionId) ?? []) wake(status);
    this.#waiters.delete(transactionId);
  }

  /** Orders a copy whose block is cut only when another copy of the transaction arrives. */
  holdLate(transactionId: string): void {
    this.#late.add(transactionId);
  }

  /** Commits a held copy ahead of the copy now arriving. */
  releaseLate(transactionId: string): void {
    if (this.#late.delete(transactionId)) this.commit(transactionId);
  }

  /** Resolves when the transaction's first copy commits. */
  wait(transactionId: string): Promise<{ block: number; code: number }> {
    const known = this.lookup(transactionId);
    if (known !== undefined) return Promise.resolve(known);
    return new Promise((resolve) => {
      this.#waiters.set(transactionId, [...(this.#waiters.get(transactionId) ?? []), resolve]);
    });
  }
}

/** The stages a fake peer can stall on. */
export type Stage = 'endorse' | 'submit' | 'commitStatus' | 'evaluate';

function envelopeWithResult(channel: string, transactionId: string, result: Uint8Array) {
  const response = new peer.Response();
  response.setStatus(200);
  response.setPayload(result);
  const action = new peer.ChaincodeAction();
  action.setResponse(response);
  const prp = new peer.ProposalResponsePayload();
  prp.setExtension$(action.serializeBinary());
  const endorsed = new peer.ChaincodeEndorsedAction();
  endorsed.setProposalResponsePayload(prp.serializeBinary());
  const cap = new peer.ChaincodeActionPayload();
  cap.setAction(endorsed);
  const txAction = new peer.TransactionAction();
  txAction.setPayload(cap.serializeBinary());
  const tx = new peer.Transaction();
  tx.setActionsList([txAction]);
  const channelHeader = new common.ChannelHeader();
  channelHeader.setChannelId(channel);
  channelHeader.setTxId(transactionId);
  const header = new common.Header();
  header.setChannelHeader(channelHeader.serializeBinary());
  const payload = new common.Payload();
  payload.setHeader(header);
  payload.setData(tx.serializeBinary());
  const envelope = new common.Envelope();
  envelope.setPayload(payload.serializeBinary());
  return envelope;
}

function grpcError(code: grpc.status, details: string): grpc.ServiceError {
  return Object.assign(new Error(details), { code, details, metadata: new grpc.Metadata() });
}

/** One fake peer: a gRPC server with the Gateway service on 127.0.0.1. */
export class FakePeer {
  readonly name: string;
  readonly mspId: string;
  /** Stages this peer accepts and never answers, like a stopped process. */
  readonly stalled = new Set<Stage>();
  /** Commit-status answers still to give as DUPLICATE_TXID of a later copy (a misreporting peer). */
  duplicateAnswers = 0;
  /**
   * Endorse calls still to refuse as Fabric does when the endorsers' results differ (one peer a
   * block behind): ABORTED, "ProposalResponsePayloads do not match".
   */
  disagreements = 0;
  /** Signatures of the chaincode-events requests received. */
  readonly eventRequests: Uint8Array[] = [];
  /** Calls per stage, in order. */
  readonly calls: Stage[] = [];
  port = 0;
  readonly #fabric: FakeFabric;
  readonly #channel: string;
  #server: grpc.Server | undefined;

  constructor(fabric: FakeFabric, name: string, mspId: string, channel = 'fake-channel') {
    this.#fabric = fabric;
    this.name = name;
    this.mspId = mspId;
    this.#channel = channel;
  }

  /** Starts serving (again, on the same port after a stop). */
  async start(): Promise<void> {
    const server = new grpc.Server();
    server.addService(gateway.GatewayService, this.#handlers());
    const { key, cert } = fakeTls();
    const creds = grpc.ServerCredentials.createSsl(
      null,
      [{ private_key: Buffer.from(key), cert_chain: Buffer.from(cert) }],
      false,
    );
    this.port = await new Promise<number>((resolve, reject) => {
      server.bindAsync(`127.0.0.1:${this.port}`, creds, (err, port) => {
        if (err !== null) reject(err);
        else resolve(port);
      });
    });
    this.#server = server;
  }

  /** Stops serving at once: connections drop and new ones are refused. */
  stop(): void {
    this.#server?.forceShutdown();
    this.#server = undefined;
  }

  /** The peer as a network config lists it. */
  config(): PeerConfig {
    return {
      name: this.name,
      mspId: this.mspId,
      endpoint: { hostname: FAKE_HOSTNAME, port: this.port, address: '127.0.0.1' },
      tlsRootCerts: fakeTls().cert,
    };
  }

  #handlers(): gateway.IGatewayServer {
    const fabric = this.#fabric;
    // A stalled stage keeps the call open until the client gives up, like a SIGSTOPped process.
    const stall = (stage: Stage): boolean => {
      this.calls.push(stage);
      return this.stalled.has(stage);
    };
    return {
      evaluate: (_call, callback) => {
        if (stall('evaluate')) return;
        const response = new peer.Response();
        response.setStatus(200);
        response.setPayload(Buffer.from(`evaluated by ${this.name}`));
        const out = new gateway.EvaluateResponse();
        out.setResult(response);
        callback(null, out);
      },
      endorse: (call, callback) => {
        if (stall('endorse')) return;
        if (this.disagreements > 0) {
          this.disagreements--;
          callback(
            grpcError(
              grpc.status.ABORTED,
              'failed to collect enough transaction endorsements, see attached details for more info; 127.0.0.1:1 (Org2MSP): ProposalResponsePayloads do not match',
            ),
          );
          return;
        }
        const id = call.request.getTransactionId();
        const out = new gateway.EndorseResponse();
        out.setPreparedTransaction(
          envelopeWithResult(this.#channel, id, Buffer.from(`endorsed by ${this.name}`)),
        );
        callback(null, out);
      },
      submit: (call, callback) => {
        if (stall('submit')) return;
        const id = call.request.getTransactionId();
        const envelope =
          call.request.getPreparedTransaction()?.serializeBinary() ?? new Uint8Array();
        const mode = fabric.script.shift() ?? fabric.ordererMode;
        fabric.received.push({
          transactionId: id,
          envelope,
          via: this.name,
          ordered: mode !== 'lose' && mode !== 'unavailable',
        });
        fabric.releaseLate(id);
        if (mode === 'late') fabric.holdLate(id);
        if (mode === 'unavailable') {
          callback(
            grpcError(
              grpc.status.UNAVAILABLE,
              'no orderers could successfully process transaction',
            ),
          );
          return;
        }
        if (mode === 'ok') {
          setImmediate(() => {
            fabric.commit(id);
          });
        }
        callback(null, new gateway.SubmitResponse());
      },
      commitStatus: (call, callback) => {
        if (stall('commitStatus')) return;
        const request = gateway.CommitStatusRequest.deserializeBinary(
          call.request.getRequest_asU8(),
        );
        void fabric.wait(request.getTransactionId()).then((status) => {
          const out = new gateway.CommitStatusResponse();
          const duplicate = this.duplicateAnswers > 0;
          if (duplicate) this.duplicateAnswers--;
          out.setResult(
            (duplicate
              ? 9
              : status.code) as peer.TxValidationCodeMap[keyof peer.TxValidationCodeMap],
          );
          out.setBlockNumber(status.block);
          callback(null, out);
        });
      },
      chaincodeEvents: (call) => {
        this.eventRequests.push(call.request.getSignature_asU8());
        call.end();
      },
    };
  }
}
