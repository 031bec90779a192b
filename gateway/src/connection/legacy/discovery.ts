/**
 * Fabric's discovery service, read locally: the signed request (the client's identity and, under
 * mutual TLS, the hash of its TLS certificate, as the peer checks both) asking for the channel's
 * configuration, its peers and a chaincode's endorsement plan in one round trip, and the reading
 * of the answer into plain data (organisations with TLS roots, peers with endpoints and ledger
 * heights, orderers, layouts). A discovery request carries no nonce or timestamp, so one signature
 * serves every later call with the same question.
 */
import { discovery, gossip, msp, peer as peerProtos } from '@hyperledger/fabric-protos';
import { LegacyCallError, serializedIdentity, type Creator } from './messages';

/** A peer as discovery describes it. */
export interface DiscoveredPeer {
  /** `host:port` the peer publishes (its gossip external endpoint). */
  readonly endpoint: string;
  /** Its MSP. */
  readonly mspId: string;
  /** Its ledger height as gossip last reported it (0 when unknown). */
  readonly ledgerHeight: bigint;
}

/** An organisation of the channel. */
export interface DiscoveredOrg {
  /** MSP id. */
  readonly mspId: string;
  /** PEM TLS root and intermediate certificates of its nodes. */
  readonly tlsRootCerts: string;
}

/** An orderer endpoint from the channel configuration. */
export interface DiscoveredOrderer {
  /** The orderer organisation's MSP. */
  readonly mspId: string;
  /** Hostname. */
  readonly host: string;
  /** Port. */
  readonly port: number;
}

/** One way to satisfy the endorsement policy: how many peers of each group. */
export type Layout = ReadonlyMap<string, number>;

/** The endorsement plan of a chaincode. */
export interface EndorsementPlan {
  /** Endorsing peers by group. */
  readonly groups: ReadonlyMap<string, readonly DiscoveredPeer[]>;
  /** Alternative layouts, any one of which satisfies the policy. */
  readonly layouts: readonly Layout[];
}

/** Everything one discovery round trip answers. */
export interface DiscoveryResult {
  /** Channel organisations. */
  readonly orgs: ReadonlyMap<string, DiscoveredOrg>;
  /** Orderers. */
  readonly orderers: readonly DiscoveredOrderer[];
  /** Channel peers. */
  readonly peers: readonly DiscoveredPeer[];
  /** The plan, when a chaincode was asked about. */
  readonly plan?: EndorsementPlan;
}

/** A chaincode and the private data collections a transaction touches. */
export interface ChaincodeInterest {
  /** Chaincode name. */
  readonly chaincode: string;
  /** Collections of that chaincode the transaction reads or writes. */
  readonly collections?: readonly string[];
}

/**
 * The unsigned discovery request: config, peers and (when given) a chaincode's plan.
 *
 * @param creator - the client identity
 * @param channelName - the channel
 * @param interest - the chaincode to plan for, when endorsing
 * @param tlsCertHash - SHA-256 of the client TLS certificate under mutual TLS, else empty
 * @returns the request payload to sign
 */
export function newDiscoveryRequest(
  creator: Creator,
  channelName: string,
  interest?: ChaincodeInterest,
  tlsCertHash: Uint8Array = new Uint8Array(),
): Uint8Array {
  const auth = new discovery.AuthInfo();
  auth.setClientIdentity(serializedIdentity(creator));
  auth.setClientTlsCertHash(tlsCertHash);
  const query = (set: (q: discovery.Query) => void) => {
    const q = new discovery.Query();
    q.setChannel(channelName);
    set(q);
    return q;
  };
  const queries = [
    query((q) => {
      q.setConfigQuery(new discovery.ConfigQuery());
    }),
    query((q) => {
      q.setPeerQuery(new discovery.PeerMembershipQuery());
    }),
  ];
  if (interest !== undefined) {
    const call = new peerProtos.ChaincodeCall();
    call.setName(interest.chaincode);
    call.setCollectionNamesList([...(interest.collections ?? [])]);
    const chaincodeInterest = new peerProtos.ChaincodeInterest();
    chaincodeInterest.setChaincodesList([call]);
    const ccQuery = new discovery.ChaincodeQuery();
    ccQuery.setInterestsList([chaincodeInterest]);
    queries.push(
      query((q) => {
        q.setCcQuery(ccQuery);
      }),
    );
  }
  const request = new discovery.Request();
  request.setAuthentication(auth);
  request.setQueriesList(queries);
  return request.serializeBinary();
}

/**
 * @param payload - the request payload
 * @param signature - the signature over its digest
 * @returns the serialized `discovery.SignedRequest`
 */
export function signedDiscoveryRequest(payload: Uint8Array, signature: Uint8Array): Uint8Array {
  const signed = new discovery.SignedRequest();
  signed.setPayload(payload);
  signed.setSignature(signature);
  return signed.serializeBinary();
}

function pem(der: Uint8Array): string {
  const text = Buffer.from(der).toString('utf8');
  // Fabric keeps MSP certificates as PEM bytes already.
  if (text.includes('-----BEGIN')) return text.endsWith('\n') ? text : `${text}\n`;
  const b64 = Buffer.from(der)
    .toString('base64')
    .replace(/(.{64})/g, '$1\n');
  return `-----BEGIN CERTIFICATE-----\n${b64}\n-----END CERTIFICATE-----\n`;
}

function readPeer(p: discovery.Peer, fallbackMsp: string): DiscoveredPeer {
  const aliveEnvelope = p.getMembershipInfo();
  const alive =
    aliveEnvelope === undefined
      ? undefined
      : gossip.GossipMessage.deserializeBinary(aliveEnvelope.getPayload_asU8()).getAliveMsg();
  const stateEnvelope = p.getStateInfo();
  const state =
    stateEnvelope === undefined
      ? undefined
      : gossip.GossipMessage.deserializeBinary(stateEnvelope.getPayload_asU8()).getStateInfo();
  let mspId = fallbackMsp;
  const identity = p.getIdentity_asU8();
  if (identity.length > 0) {
    mspId = msp.SerializedIdentity.deserializeBinary(identity).getMspid();
  }
  return {
    endpoint: alive?.getMembership()?.getEndpoint() ?? '',
    mspId,
    ledgerHeight: BigInt(state?.getProperties()?.getLedgerHeight() ?? 0),
  };
}

/** The generated map type does not resolve under the linter; iterating is all that is needed. */
interface MapLike<V> {
  forEach(fn: (value: V, key: string) => void): void;
}

function mapEntries<V>(map: unknown): [string, V][] {
  const out: [string, V][] = [];
  (map as MapLike<V>).forEach((value, key) => {
    out.push([key, value]);
  });
  return out;
}

/**
 * Reads a discovery response to the request {@link newDiscoveryRequest} builds.
 *
 * @param bytes - the serialized `discovery.Response`
 * @param withPlan - whether the request asked for a chaincode's plan
 * @returns the channel's organisations, orderers, peers and the plan
 * @throws LegacyCallError FAILED_PRECONDITION (9) when the service answered a query with an error
 *   (access denied, chaincode not found, no peers satisfy the policy)
 */
export function parseDiscoveryResponse(bytes: Uint8Array, withPlan: boolean): DiscoveryResult {
  const results = discovery.Response.deserializeBinary(bytes).getResultsList();
  const expected = withPlan ? 3 : 2;
  for (const r of results) {
    const error = r.getError();
    if (error !== undefined) {
      throw new LegacyCallError(9, `discovery refused: ${error.getContent()}`);
    }
  }
  if (results.length < expected) {
    throw new LegacyCallError(9, `discovery answered ${results.length} of ${expected} queries`);
  }
  const config = results[0]?.getConfigResult();
  const members = results[1]?.getMembers();
  if (config === undefined || members === undefined) {
    throw new LegacyCallError(9, 'discovery answered without the channel config or its peers');
  }
  const orgs = new Map<string, DiscoveredOrg>();
  for (const [mspId, cfg] of mapEntries<msp.FabricMSPConfig>(config.getMspsMap())) {
    orgs.set(mspId, {
      mspId,
      tlsRootCerts: [...cfg.getTlsRootCertsList_asU8(), ...cfg.getTlsIntermediateCertsList_asU8()]
        .map(pem)
        .join(''),
    });
  }
  const orderers: DiscoveredOrderer[] = [];
  for (const [mspId, endpoints] of mapEntries<discovery.Endpoints>(config.getOrderersMap())) {
    for (const e of endpoints.getEndpointList()) {
      orderers.push({ mspId, host: e.getHost(), port: e.getPort() });
    }
  }
  const peers: DiscoveredPeer[] = [];
  for (const [mspId, list] of mapEntries<discovery.Peers>(members.getPeersByOrgMap())) {
    for (const p of list.getPeersList()) peers.push(readPeer(p, mspId));
  }
  if (!withPlan) return { orgs, orderers, peers };
  const descriptor = results[2]?.getCcQueryRes()?.getContentList()[0];
  if (descriptor === undefined) {
    throw new LegacyCallError(9, 'discovery returned no endorsement plan');
  }
  const groups = new Map<string, DiscoveredPeer[]>();
  for (const [group, list] of mapEntries<discovery.Peers>(descriptor.getEndorsersByGroupsMap())) {
    groups.set(
      group,
      list.getPeersList().map((p) => readPeer(p, '')),
    );
  }
  const layouts = descriptor
    .getLayoutsList()
    .map((l) => new Map(mapEntries<number>(l.getQuantitiesByGroupMap())) as Layout);
  return { orgs, orderers, peers, plan: { groups, layouts } };
}
