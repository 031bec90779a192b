/**
 * In-process fakes of peers without the Gateway service (endorser, discovery and deliver services)
 * and of orderers (atomic broadcast) over real gRPC with TLS, sharing the fake ledger of
 * fake-gateway.ts, for the legacy transport's tests: peers that disagree, refuse or are down, an
 * orderer that takes an envelope and goes silent, one that answers SERVICE_UNAVAILABLE. The
 * ledger behaves as a peer's does: the first copy of a transaction id is the one its index
 * answers with, later copies are marked DUPLICATE_TXID.
 */
import { createHash } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import {
  common,
  discovery,
  gossip,
  msp,
  orderer,
  peer as peerProtos,
} from '@hyperledger/fabric-protos';
import type { PeerConfig } from '@oracle-consortium/gateway';
import type { OrdererEndpoint } from '../../../gateway/src/orderer/broadcast';
import type {
  DiscoveredPeer,
  DiscoveryResult,
} from '../../../gateway/src/connection/legacy/discovery';
import { FAKE_HOSTNAME, FakeFabric, fakeTls } from './fake-gateway';

function serverCredentials(): grpc.ServerCredentials {
  const { key, cert } = fakeTls();
  return grpc.ServerCredentials.createSsl(
    null,
    [{ private_key: Buffer.from(key), cert_chain: Buffer.from(cert) }],
    false,
  );
}

/**
 * A service definition that hands handlers raw bytes: the unit-test process also loads
 * fabric-shim's older copy of the protos, whose classes share the generated global namespace, so
 * the typed definitions' instanceof checks can fail on objects of the other copy.
 */
function rawService(
  methods: Record<string, { path: string; requestStream: boolean; responseStream: boolean }>,
): grpc.ServiceDefinition {
  const same = (b: Buffer) => b;
  return Object.fromEntries(
    Object.entries(methods).map(([name, m]) => [
      name,
      {
        ...m,
        requestSerialize: same,
        requestDeserialize: same,
        responseSerialize: same,
        responseDeserialize: same,
      },
    ]),
  );
}

const ENDORSER = rawService({
  processProposal: {
    path: '/protos.Endorser/ProcessProposal',
    requestStream: false,
    responseStream: false,
  },
});
const DISCOVERY = rawService({
  discover: { path: '/discovery.Discovery/Discover', requestStream: false, responseStream: false },
});
const DELIVER = rawService({
  deliver: { path: '/protos.Deliver/Deliver', requestStream: true, responseStream: true },
  deliverFiltered: {
    path: '/protos.Deliver/DeliverFiltered',
    requestStream: true,
    responseStream: true,
  },
});
const BROADCAST = rawService({
  broadcast: {
    path: '/orderer.AtomicBroadcast/Broadcast',
    requestStream: true,
    responseStream: true,
  },
});

type Duplex = grpc.ServerDuplexStream<Buffer, Buffer>;
type Unary = grpc.handleUnaryCall<Buffer, Buffer>;

async function bind(server: grpc.Server, port: number): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    server.bindAsync(`127.0.0.1:${port}`, serverCredentials(), (err, bound) => {
      if (err !== null) reject(err);
      else resolve(bound);
    });
  });
}

/** The generated map type does not resolve under the linter; setting entries is all that is needed. */
function setIn(map: unknown, key: string, value: unknown): void {
  (map as { set(k: string, v: unknown): unknown }).set(key, value);
}

function transactionIdOf(envelope: common.Envelope): string {
  const payload = common.Payload.deserializeBinary(envelope.getPayload_asU8());
  const header = payload.getHeader();
  if (header === undefined) return '';
  return common.ChannelHeader.deserializeBinary(header.getChannelHeader_asU8()).getTxId();
}

/**
 * Builds a `discovery.Response` from plain data: the inverse of the library's
 * `parseDiscoveryResponse`, for the fake discovery service.
 *
 * @param result - what to answer
 * @returns the serialized response
 */
export function newDiscoveryResponse(result: DiscoveryResult): Uint8Array {
  const toPeer = (p: DiscoveredPeer) => {
    const member = new gossip.Member();
    member.setEndpoint(p.endpoint);
    const alive = new gossip.AliveMessage();
    alive.setMembership(member);
    const aliveMsg = new gossip.GossipMessage();
    aliveMsg.setAliveMsg(alive);
    const aliveEnvelope = new gossip.Envelope();
    aliveEnvelope.setPayload(aliveMsg.serializeBinary());
    const props = new gossip.Properties();
    props.setLedgerHeight(Number(p.ledgerHeight));
    const state = new gossip.StateInfo();
    state.setProperties(props);
    const stateMsg = new gossip.GossipMessage();
    stateMsg.setStateInfo(state);
    const stateEnvelope = new gossip.Envelope();
    stateEnvelope.setPayload(stateMsg.serializeBinary());
    const identity = new msp.SerializedIdentity();
    identity.setMspid(p.mspId);
    const out = new discovery.Peer();
    out.setMembershipInfo(aliveEnvelope);
    out.setStateInfo(stateEnvelope);
    out.setIdentity(identity.serializeBinary());
    return out;
  };
  const peersOf = (list: readonly DiscoveredPeer[]) => {
    const peers = new discovery.Peers();
    peers.setPeersList(list.map(toPeer));
    return peers;
  };
  const config = new discovery.ConfigResult();
  for (const org of result.orgs.values()) {
    const cfg = new msp.FabricMSPConfig();
    cfg.setName(org.mspId);
    cfg.setTlsRootCertsList([Buffer.from(org.tlsRootCerts)]);
    setIn(config.getMspsMap(), org.mspId, cfg);
  }
  const byOrg = new Map<string, discovery.Endpoint[]>();
  for (const o of result.orderers) {
    const e = new discovery.Endpoint();
    e.setHost(o.host);
    e.setPort(o.port);
    byOrg.set(o.mspId, [...(byOrg.get(o.mspId) ?? []), e]);
  }
  for (const [mspId, list] of byOrg) {
    const endpoints = new discovery.Endpoints();
    endpoints.setEndpointList(list);
    setIn(config.getOrderersMap(), mspId, endpoints);
  }
  const members = new discovery.PeerMembershipResult();
  const peersByOrg = new Map<string, DiscoveredPeer[]>();
  for (const p of result.peers) peersByOrg.set(p.mspId, [...(peersByOrg.get(p.mspId) ?? []), p]);
  for (const [mspId, list] of peersByOrg) setIn(members.getPeersByOrgMap(), mspId, peersOf(list));
  const configResult = new discovery.QueryResult();
  configResult.setConfigResult(config);
  const membersResult = new discovery.QueryResult();
  membersResult.setMembers(members);
  const results = [configResult, membersResult];
  if (result.plan !== undefined) {
    const descriptor = new discovery.EndorsementDescriptor();
    for (const [group, list] of result.plan.groups) {
      setIn(descriptor.getEndorsersByGroupsMap(), group, peersOf(list));
    }
    descriptor.setLayoutsList(
      result.plan.layouts.map((l) => {
        const layout = new discovery.Layout();
        for (const [group, n] of l) setIn(layout.getQuantitiesByGroupMap(), group, n);
        return layout;
      }),
    );
    const ccResult = new discovery.ChaincodeQueryResult();
    ccResult.setContentList([descriptor]);
    const r = new discovery.QueryResult();
    r.setCcQueryRes(ccResult);
    results.push(r);
  }
  const response = new discovery.Response();
  response.setResultsList(results);
  return response.serializeBinary();
}

/** What a fake orderer does with the next envelope. */
export type FakeOrdererMode =
  /** Orders it and answers SUCCESS. */
  | 'ok'
  /** Orders it and never answers, like a leader that crashed after replicating. */
  | 'silent'
  /** Answers SERVICE_UNAVAILABLE without ordering it (no Raft leader). */
  | 'unavailable'
  /** Answers BAD_REQUEST. */
  | 'bad-request';

/** One envelope a fake orderer was handed. */
export interface Broadcasted {
  /** The transaction id. */
  readonly transactionId: string;
  /** The orderer's name. */
  readonly via: string;
  /** The signed envelope exactly as sent. */
  readonly envelope: Uint8Array;
}

/** The fake legacy network: its peers, orderers and the order of events the tests check. */
export class FakeLegacyNetwork {
  readonly fabric = new FakeFabric();
  readonly peers: FakeLegacyPeer[] = [];
  readonly orderers: FakeOrderer[] = [];
  /** Every broadcast and every commit-status stream, in the order they happened. */
  readonly log: string[] = [];
  /** Layouts the discovery service answers: group name → quantity; one of each org unless set. */
  layouts: Record<string, number>[] | undefined;

  /** The discovery answer for the current peers and orderers. */
  discoveryResult(withPlan: boolean): DiscoveryResult {
    const peers = this.peers
      .filter((p) => p.running)
      .map((p) => ({
        endpoint: `127.0.0.1:${p.port}`,
        mspId: p.mspId,
        ledgerHeight: BigInt(this.fabric.blocks.length),
      }));
    const orgs = new Map(
      [...new Set(this.peers.map((p) => p.mspId))].map((m) => [
        m,
        { mspId: m, tlsRootCerts: fakeTls().cert },
      ]),
    );
    const orderers = this.orderers.map((o) => ({
      mspId: 'OrdererMSP',
      host: FAKE_HOSTNAME,
      port: o.port,
    }));
    if (!withPlan) return { orgs, orderers, peers };
    const groups = new Map(
      [...orgs.keys()].map((m) => [`G_${m}`, peers.filter((p) => p.mspId === m)]),
    );
    const layouts = (
      this.layouts ?? [Object.fromEntries([...orgs.keys()].map((m) => [`G_${m}`, 1]))]
    ).map((l) => new Map(Object.entries(l)));
    return { orgs, orderers, peers, plan: { groups, layouts } };
  }

  /** The orderers as a network config lists them. */
  ordererConfig(): OrdererEndpoint[] {
    return this.orderers.map((o) => ({
      name: o.name,
      endpoint: { hostname: FAKE_HOSTNAME, port: o.port, address: '127.0.0.1' },
      tlsRootCerts: fakeTls().cert,
    }));
  }

  /** Stops every server. */
  stop(): void {
    for (const p of this.peers) p.stop();
    for (const o of this.orderers) o.stop();
  }
}

/** A fake peer without the Gateway service. */
export class FakeLegacyPeer {
  readonly name: string;
  readonly mspId: string;
  port = 0;
  running = false;
  /** Whether this peer's endorsements carry its own name, so they disagree with other peers'. */
  divergent = false;
  /** Chaincode answer status (200 unless set) and message. */
  refuse: { status: number; message: string } | undefined;
  /**
   * How many of the next chaincode proposals to refuse as Fabric does while it is still
   * simulating an earlier copy of the same transaction ("txid: <id>(<channel>) exists").
   */
  stillSimulating = 0;
  /** Proposals received. */
  proposals = 0;
  /** Discovery requests received. */
  discoveries = 0;
  /** Probes of the Gateway service it answered UNIMPLEMENTED. */
  readonly #network: FakeLegacyNetwork;
  #server: grpc.Server | undefined;

  constructor(network: FakeLegacyNetwork, name: string, mspId: string) {
    this.#network = network;
    this.name = name;
    this.mspId = mspId;
    network.peers.push(this);
  }

  /** Starts serving (again, on the same port after a stop). */
  async start(): Promise<void> {
    const server = new grpc.Server();
    server.addService(ENDORSER, this.#endorser());
    server.addService(DISCOVERY, this.#discovery());
    server.addService(DELIVER, this.#deliver());
    this.port = await bind(server, this.port);
    this.#server = server;
    this.running = true;
  }

  /** Stops serving at once. */
  stop(): void {
    this.#server?.forceShutdown();
    this.#server = undefined;
    this.running = false;
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

  #endorser(): { processProposal: Unary } {
    const fabric = this.#network.fabric;
    return {
      processProposal: (call, callback) => {
        this.proposals++;
        const proposalBytes = peerProtos.SignedProposal.deserializeBinary(
          call.request,
        ).getProposalBytes_asU8();
        const proposal = peerProtos.Proposal.deserializeBinary(proposalBytes);
        const input = peerProtos.ChaincodeInvocationSpec.deserializeBinary(
          peerProtos.ChaincodeProposalPayload.deserializeBinary(
            proposal.getPayload_asU8(),
          ).getInput_asU8(),
        )
          .getChaincodeSpec()
          ?.getInput()
          ?.getArgsList_asU8()
          .map((a) => Buffer.from(a).toString());
        const response = new peerProtos.Response();
        if (input?.[0] === 'GetBlockByTxID') {
          const found = fabric.lookup(input[2] ?? '');
          if (found === undefined) {
            response.setStatus(500);
            response.setMessage(`no such transaction ID [${input[2] ?? ''}] in index`);
          } else {
            response.setStatus(200);
            response.setPayload(
              fakeBlock(found.block, input[2] ?? '', found.code).serializeBinary(),
            );
          }
        } else if (this.stillSimulating > 0) {
          this.stillSimulating--;
          const txId = common.ChannelHeader.deserializeBinary(
            common.Header.deserializeBinary(proposal.getHeader_asU8()).getChannelHeader_asU8(),
          ).getTxId();
          response.setStatus(500);
          response.setMessage(
            `error in simulation: failed to execute transaction ${txId}: error sending: txid: ${txId}(fake-channel) exists`,
          );
        } else if (this.refuse !== undefined) {
          response.setStatus(this.refuse.status);
          response.setMessage(this.refuse.message);
        } else {
          response.setStatus(200);
          response.setPayload(
            Buffer.from(`${input?.[0] ?? ''} ${this.divergent ? this.name : 'ok'}`),
          );
        }
        const action = new peerProtos.ChaincodeAction();
        action.setResponse(response);
        const prp = new peerProtos.ProposalResponsePayload();
        prp.setProposalHash(createHash('sha256').update(proposalBytes).digest());
        prp.setExtension$(action.serializeBinary());
        const endorsement = new peerProtos.Endorsement();
        endorsement.setEndorser(Buffer.from(this.mspId));
        endorsement.setSignature(Buffer.from(`signed by ${this.name}`));
        const out = new peerProtos.ProposalResponse();
        out.setResponse(response);
        out.setPayload(prp.serializeBinary());
        out.setEndorsement(endorsement);
        callback(null, Buffer.from(out.serializeBinary()));
      },
    };
  }

  #discovery(): { discover: Unary } {
    return {
      discover: (call, callback) => {
        this.discoveries++;
        const signed = discovery.SignedRequest.deserializeBinary(call.request);
        const request = discovery.Request.deserializeBinary(signed.getPayload_asU8());
        const withPlan = request.getQueriesList().some((q) => q.getCcQuery() !== undefined);
        callback(null, Buffer.from(newDiscoveryResponse(this.#network.discoveryResult(withPlan))));
      },
    };
  }

  #deliver(): { deliver: (call: Duplex) => void; deliverFiltered: (call: Duplex) => void } {
    const fabric = this.#network.fabric;
    return {
      deliver: (call) => {
        call.end();
      },
      deliverFiltered: (call) => {
        call.once('data', (bytes: Buffer) => {
          const envelope = common.Envelope.deserializeBinary(bytes);
          const payload = common.Payload.deserializeBinary(envelope.getPayload_asU8());
          const seek = orderer.SeekInfo.deserializeBinary(payload.getData_asU8());
          let next = seek.getStart()?.getSpecified()?.getNumber() ?? 0;
          this.#network.log.push(`status ${transactionIdOf(envelope)} via ${this.name}`);
          const timer = setInterval(() => {
            while (next < fabric.blocks.length) {
              const b = fabric.blocks[next];
              const tx = new peerProtos.FilteredTransaction();
              tx.setTxid(b?.transactionId ?? '');
              tx.setTxValidationCode(
                (b?.code ??
                  0) as peerProtos.TxValidationCodeMap[keyof peerProtos.TxValidationCodeMap],
              );
              const block = new peerProtos.FilteredBlock();
              block.setNumber(next);
              block.setFilteredTransactionsList([tx]);
              const out = new peerProtos.DeliverResponse();
              out.setFilteredBlock(block);
              call.write(Buffer.from(out.serializeBinary()));
              next++;
            }
          }, 10);
          const stop = () => {
            clearInterval(timer);
          };
          call.on('cancelled', stop);
          call.on('close', stop);
          call.on('error', stop);
          call.on('finish', stop);
        });
      },
    };
  }
}

function fakeBlock(number: number, transactionId: string, code: number): common.Block {
  const channelHeader = new common.ChannelHeader();
  channelHeader.setTxId(transactionId);
  const header = new common.Header();
  header.setChannelHeader(channelHeader.serializeBinary());
  const payload = new common.Payload();
  payload.setHeader(header);
  const envelope = new common.Envelope();
  envelope.setPayload(payload.serializeBinary());
  const data = new common.BlockData();
  data.setDataList([envelope.serializeBinary()]);
  const metadata = new common.BlockMetadata();
  metadata.setMetadataList([new Uint8Array(), new Uint8Array(), Uint8Array.from([code])]);
  const blockHeader = new common.BlockHeader();
  blockHeader.setNumber(number);
  const block = new common.Block();
  block.setHeader(blockHeader);
  block.setData(data);
  block.setMetadata(metadata);
  return block;
}

/** A fake orderer node. */
export class FakeOrderer {
  readonly name: string;
  port = 0;
  /** What it does with envelopes once `script` is used up. */
  mode: FakeOrdererMode = 'ok';
  /** What it does with the next envelopes, one entry each. */
  readonly script: FakeOrdererMode[] = [];
  /** Envelopes it was handed. */
  readonly received: Broadcasted[] = [];
  readonly #network: FakeLegacyNetwork;
  #server: grpc.Server | undefined;

  constructor(network: FakeLegacyNetwork, name: string) {
    this.#network = network;
    this.name = name;
    network.orderers.push(this);
  }

  /** Starts serving. */
  async start(): Promise<void> {
    const server = new grpc.Server();
    const impl = {
      broadcast: (call: Duplex) => {
        call.on('data', (bytes: Buffer) => {
          const envelope = common.Envelope.deserializeBinary(bytes);
          const id = transactionIdOf(envelope);
          const mode = this.script.shift() ?? this.mode;
          this.received.push({
            transactionId: id,
            via: this.name,
            envelope: envelope.serializeBinary(),
          });
          this.#network.log.push(`broadcast ${id} via ${this.name} (${mode})`);
          const answer = (status: number) => {
            const out = new orderer.BroadcastResponse();
            out.setStatus(status as common.StatusMap[keyof common.StatusMap]);
            call.write(Buffer.from(out.serializeBinary()));
          };
          if (mode === 'ok' || mode === 'silent') {
            setImmediate(() => {
              this.#network.fabric.commit(id);
            });
          }
          if (mode === 'ok') answer(common.Status.SUCCESS);
          if (mode === 'unavailable') answer(common.Status.SERVICE_UNAVAILABLE);
          if (mode === 'bad-request') answer(common.Status.BAD_REQUEST);
        });
        call.on('end', () => {
          call.end();
        });
      },
    };
    server.addService(BROADCAST, impl);
    this.port = await bind(server, this.port);
    this.#server = server;
  }

  /** Stops serving at once. */
  stop(): void {
    this.#server?.forceShutdown();
    this.#server = undefined;
  }
}
