/**
 * Governance that acts, end to end on real processes (issue 13): two founders approve inviting
 * Org3 with the definition `member prepare` printed; their governance agents (Org1's through the
 * `npm run agent` command, Org2's in-process with a KMS-held admin key) post, sign on the chain and
 * submit the channel update; `member create` joins Org3, whose client transacts and votes on a
 * proposal counted against N = 3, reports on a feed and reads a premium value it subscribes to; then
 * Org1 and Org3 remove Org2 and their agents carry it out, after which Org2's client is refused, its
 * peers are no longer endorsers, the others go on transacting and `member delete Org2` stops its
 * processes. After each change the agents also move the chaincode definitions whose policies are
 * an OR over every member (`consortium`, `kv`, the `membershipPrivate` collection) to the new member
 * set, each approving only for its own organisation: Org3's peer then endorses alone and reads
 * membershipPrivate, and after the removal no definition names Org2. No signed files travel between
 * members and the test-only channel helper is not used.
 * A network of its own on NETTEST_PORT_BASE (one network at a time: network-members uses the same
 * range, mocha runs the files one after the other), removed at the end.
 */
import { expect } from 'chai';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  canonicalJson,
  canonicalMspDefinition,
  premiumHash,
  type ChannelUpdateRecord,
  type PremiumRecord,
  type MspDefinition,
} from '@oracle-consortium/protocol';
import {
  clients,
  connection,
  governance,
  orderer,
  signers,
  ConsortiumError,
  ContractError,
  type AgentPass,
  type ChaincodeDefinition,
  type ConfigSigningIdentity,
  type Connection,
  type MembershipClient,
  type NetworkConfig,
  type PolicyReading,
} from '@oracle-consortium/gateway';
import { peer as fabricPeer } from '@hyperledger/fabric-protos';
import { selfSigned } from '../../scripts/lib/openssl-ca';
import { localConfigtxlator } from '../../scripts/lib/fabric-tools';
import {
  describedMembers,
  networkCommands,
  processAlive,
  REPO_DIR,
  type NetworkEnv,
} from '../support/network';
import { newOracles, signedReport } from '../support/oracles';
import { enrollKmsAdmin } from '../support/ca-identities';
import { committedOn } from '../support/gateway/committed';
import { chainHeight } from '../support/gateway/faults';

const scratch = mkdtempSync(path.join(os.tmpdir(), 'fabric-gove2e-'));

const env: NetworkEnv = {
  NETWORK_NAME: 'gove2e',
  NETWORK_HOME: path.join(scratch, 'net'),
  PORT_BASE: process.env.NETTEST_PORT_BASE ?? '24000',
};
const DESCRIPTION = path.join(env.NETWORK_HOME, 'network.json');

const { run, ok, status, peersAtOneHeight } = networkCommands(env, {
  NETWORK_DESCRIPTION: DESCRIPTION,
});

/** Waits until every running peer reports the same height, and returns the peers' names. */
async function sameHeight(): Promise<string[]> {
  return (await peersAtOneHeight()).map((p) => p.name);
}

const open: Connection[] = [];
const utf8 = (b: Uint8Array): string => Buffer.from(b).toString('utf8');

/** A connection as a described identity of a member (the description as it is now). */
async function connectAs(member: string, identity: string): Promise<Connection> {
  const network: NetworkConfig = await connection.loadNetworkDescription({
    path: DESCRIPTION,
    member,
  });
  const files = network.identities[identity];
  if (files === undefined) throw new Error(`no ${identity} identity for ${member}`);
  const c = connection.connect({
    network,
    identity: { certificate: readFileSync(files.certificatePath, 'utf8') },
    signer: await signers.newFileSigner({ path: files.privateKeyPath }),
  });
  open.push(c);
  return c;
}

/** A member admin's file-key signing identity, from the description. */
async function fileAdmin(member: string): Promise<ConfigSigningIdentity> {
  const network = await connection.loadNetworkDescription({ path: DESCRIPTION, member });
  const files = network.identities.admin!;
  return {
    mspId: network.mspId,
    certificate: readFileSync(files.certificatePath, 'utf8'),
    signer: await signers.newFileSigner({ path: files.privateKeyPath }),
  };
}

/**
 * A second admin of a member whose key is held in local-kms: enrolled with the member's CA as an
 * identity of type admin, so its certificate carries the admin node OU the Admins policies count.
 */
async function kmsAdmin(member: string): Promise<ConfigSigningIdentity> {
  const network = await connection.loadNetworkDescription({ path: DESCRIPTION, member });
  return enrollKmsAdmin(network, scratch);
}

/** An in-process governance agent acting as `admin` of `member`. */
async function agentOf(
  member: string,
  admin: ConfigSigningIdentity,
): Promise<{ runOnce(): Promise<AgentPass> }> {
  const network = await connection.loadNetworkDescription({ path: DESCRIPTION, member });
  const conn = connection.connect({
    network,
    identity: { certificate: admin.certificate },
    signer: admin.signer,
  });
  open.push(conn);
  return governance.newGovernanceAgent({
    membership: clients.newMembershipClient({ connection: conn }),
    admin,
    connection: conn,
    orderers: await orderer.loadOrderers({ path: DESCRIPTION }),
    configtxlator: governance.newConfigtxlator({ path: localConfigtxlator() }),
  });
}

/** Org1's agent through the command line, one pass; its JSON step lines. */
async function org1AgentCommand(): Promise<Array<Record<string, string>>> {
  const r = await ok(
    ['ts-node', '--transpile-only', 'scripts/agent.ts', '--member', 'Org1', '--once'],
    ['npx'],
  );
  return r.out
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Record<string, string>);
}

/** The change's current channel update, as the chain holds it. */
async function updateOf(
  m: MembershipClient,
  proposalId: string,
  mspId: string,
): Promise<ChannelUpdateRecord> {
  const change = (await m.listChannelChanges()).find(
    (c) => c.proposalId === proposalId && c.mspId === mspId,
  );
  expect(change, `no channel change ${proposalId}/${mspId}`).to.not.equal(undefined);
  expect(change!.updateId, `change ${proposalId}/${mspId} has no update`).to.be.a('string');
  return m.getChannelUpdate(change!.updateId!);
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  return expect.fail('expected a rejection');
}

/** The committed definition of a chaincode, read through `conn`. */
async function committedDefinition(conn: Connection, name: string): Promise<ChaincodeDefinition> {
  const found = (await governance.queryCommittedDefinitions(conn)).find((d) => d.name === name);
  expect(found, `no committed definition of ${name}`).to.not.equal(undefined);
  return found!;
}

/** A definition's endorsement policy, read as an OR over members (or why it is not one). */
function endorsementOf(definition: ChaincodeDefinition): PolicyReading | string {
  const app = fabricPeer.ApplicationPolicy.deserializeBinary(definition.validationParameter);
  const signature = app.getSignaturePolicy();
  return signature === undefined
    ? app.getChannelConfigPolicyReference()
    : governance.readMemberOrPolicy(signature);
}

/** The member policy of a definition's collection, read as an OR over members. */
function collectionMembersOf(definition: ChaincodeDefinition, name: string): PolicyReading {
  const pkg = fabricPeer.CollectionConfigPackage.deserializeBinary(definition.collections);
  const stat = pkg
    .getConfigList()
    .map((c) => c.getStaticCollectionConfig())
    .find((c) => c?.getName() === name);
  const policy = stat?.getMemberOrgsPolicy()?.getSignaturePolicy();
  expect(policy, `${definition.name} has no collection ${name}`).to.not.equal(undefined);
  return governance.readMemberOrPolicy(policy!);
}

/** The definition steps of a pass as `chaincode action[/which] outcome` lines. */
function definitionLines(pass: AgentPass): string[] {
  return pass.definitions.map(
    (s) =>
      `${s.chaincode} ${s.action.kind}${'which' in s.action ? `/${s.action.which}` : ''} ${s.outcome}`,
  );
}

/**
 * Submits until the gateway's view has the endorsers (gossip spreads a peer's chaincodes a few
 * seconds after an approval or a commit); any other error, or none after a minute, fails.
 */
async function submitWhenEndorsersSeen(
  conn: Connection,
  request: Parameters<Connection['submit']>[0],
): Promise<Awaited<ReturnType<Connection['submit']>>> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      return await conn.submit(request);
    } catch (err) {
      const waiting =
        err instanceof ConsortiumError &&
        /no peer of the channel endorses|chaincode definition for|is not installed|not approved|cannot find|no set of the channel's peers/i.test(
          err.message,
        );
      if (!waiting || Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 2000));
    }
  }
}

describe('governance end to end: agents invite Org3, Org3 joins and votes, Org2 is removed', function () {
  this.timeout(900_000);
  let org1: MembershipClient;
  let org2: MembershipClient;
  /** Org1's admin connection, which org1 uses. */
  let org1Connection: Connection;
  let org3: MembershipClient;
  let org2Kms: ConfigSigningIdentity | undefined;
  let definition: MspDefinition;
  let inviteProposal = '';
  let invitation = '';
  let baseSequence = '';

  before(async () => {
    await ok(['up']);
    await ok([], ['bash', path.join(REPO_DIR, 'scripts', 'deploy-local.sh')]);
    org1Connection = await connectAs('Org1', 'admin');
    org1 = clients.newMembershipClient({ connection: org1Connection });
    org2 = clients.newMembershipClient({ connection: await connectAs('Org2', 'admin') });
    const policy = {
      ProposalDurationInHours: 24,
      ThresholdComparator: 'GREATER_THAN',
      ThresholdPercentage: 50,
    } as const;
    await org1.initialize(policy, ['Org1MSP', 'Org2MSP']);
    await org2.initialize(policy, ['Org1MSP', 'Org2MSP']);
    org2Kms = await kmsAdmin('Org2');
  });

  after(async () => {
    for (const c of open) c.close();
    await org2Kms?.signer.close();
    await run(['down']);
    rmSync(scratch, { recursive: true, force: true });
  });

  it('approves inviting Org3 with the definition `member prepare` printed, by both founders', async () => {
    const printed = (await ok(['member', 'prepare', 'Org3'])).out.trim();
    definition = JSON.parse(printed) as MspDefinition;
    expect(printed).to.equal(canonicalJson(canonicalMspDefinition(definition)));
    const { value: proposal } = await org1.createProposal({
      actions: { Invitations: [{ Principal: 'Org3MSP', MspDefinition: definition }] },
      description: 'invite Org3',
    });
    expect(proposal.eligibleVoters).to.deep.equal(['Org1MSP', 'Org2MSP']);
    expect(proposal.requiredYesVotes).to.equal(2);
    inviteProposal = proposal.proposalId;
    await org1.voteOnProposal(inviteProposal, 'YES');
    const { value: decided, blockNumber } = await org2.voteOnProposal(inviteProposal, 'YES');
    expect(decided.status).to.equal('APPROVED');
    invitation = decided.invitationIds[0]!;
    expect(invitation).to.be.a('string');
    await committedOn(org1Connection, blockNumber);
    const change = (await org1.listChannelChanges()).find((c) => c.proposalId === inviteProposal);
    expect(change).to.include({ mspId: 'Org3MSP', action: 'ADD_ORG' });
    expect(change?.status).to.equal('PENDING_CHANNEL_UPDATE');
  });

  it("adds Org3MSP to the channel through the founders' agents, signed on the chain by both admins (Org2's in KMS)", async () => {
    const before = await org1.getChannelConfigState();
    baseSequence = before.sequence;
    // Org1's command posts the update and its admin's signature; one of two is not a majority.
    const steps = await org1AgentCommand();
    expect(steps.map((s) => `${s.action} ${s.outcome}`)).to.include.members([
      'PROPOSE ok',
      'SIGN ok',
    ]);
    const proposed = await updateOf(org1, inviteProposal, 'Org3MSP');
    expect(proposed.status).to.equal('COLLECTING_SIGNATURES');
    expect(proposed.signatures.map((s) => s.mspId)).to.deep.equal(['Org1MSP']);
    // Org2's agent, acting with the KMS-held admin key, signs, submits and records.
    const pass = await (await agentOf('Org2', org2Kms!)).runOnce();
    expect(pass.steps.filter((s) => s.outcome === 'failed')).to.deep.equal([]);
    // Then its definitions' turn: each policy over Org1 and Org2 is rewritten over the three
    // members and approved for Org2 alone, one approval of the two a majority of three needs.
    expect(definitionLines(pass)).to.include.members([
      'consortium APPROVE/next ok',
      'consortium WAIT ok',
      'membership APPROVE/next ok',
      'kv APPROVE/next ok',
    ]);
    const applied = await updateOf(org1, inviteProposal, 'Org3MSP');
    expect(applied.updateId).to.equal(proposed.updateId);
    expect(applied.status).to.equal('APPLIED');
    expect(applied.required).to.equal(2);
    expect(applied.signatures.map((s) => s.mspId)).to.deep.equal(['Org1MSP', 'Org2MSP']);
    expect(applied.baseSequence).to.equal(baseSequence);
    expect(applied.appliedSequence).to.equal((BigInt(baseSequence) + 1n).toString());
    // The Org2 signature is the KMS admin's: its header names that certificate.
    // (The last line of the PEM body holds the end of the certificate's own signature.)
    const header = Buffer.from(applied.signatures[1]!.signatureHeader, 'base64').toString('latin1');
    const body = org2Kms!.certificate.trim().split('\n').slice(1, -1);
    expect(header).to.contain(body[body.length - 1]);
    const config = await governance.readChannelConfig(open[0]!);
    expect(config.organizations).to.deep.equal(['Org1MSP', 'Org2MSP', 'Org3MSP']);
    expect(config.sequence).to.equal(BigInt(baseSequence) + 1n);
    const state = await org1.getChannelConfigState();
    expect(state.organizations).to.deep.equal(['Org1MSP', 'Org2MSP', 'Org3MSP']);
    const change = (await org1.listChannelChanges()).find((c) => c.proposalId === inviteProposal);
    expect(change?.status).to.equal('APPLIED');
  });

  let joinedSequence = 0n;
  it("moves the definitions to name Org3 before Org3 runs a node: Org1's agent approves and commits, two approvals of three", async () => {
    const org1Admin = await connectAs('Org1', 'admin');
    const before = await committedDefinition(org1Admin, 'consortium');
    expect(endorsementOf(before)).to.deep.equal({
      kind: 'MEMBER_OR',
      policy: { role: 'peer', mspIds: ['Org1MSP', 'Org2MSP'] },
    });
    // The form the agents write is byte for byte the one the peer CLI wrote at deploy.
    const deployed = fabricPeer.ApplicationPolicy.deserializeBinary(before.validationParameter);
    expect(Buffer.from(deployed.getSignaturePolicy()!.serializeBinary()).toString('hex')).to.equal(
      Buffer.from(
        governance
          .memberOrEnvelope({ role: 'peer', mspIds: ['Org1MSP', 'Org2MSP'] })
          .serializeBinary(),
      ).toString('hex'),
    );
    // Org2 approved in its pass; Org1's approval makes two of three, and Org1 commits.
    const first = await (await agentOf('Org1', await fileAdmin('Org1'))).runOnce();
    expect(first.definitions.filter((s) => s.outcome === 'failed')).to.deep.equal([]);
    expect(definitionLines(first)).to.include.members([
      'consortium APPROVE/next ok',
      'consortium COMMIT ok',
      'membership COMMIT ok',
      'kv COMMIT ok',
    ]);
    // The membership definition's endorsement is the channel's MAJORITY policy: kept, and why.
    const membershipNotes = first.definitions.find((s) => s.chaincode === 'membership')?.notes;
    expect(membershipNotes?.find((n) => n.where === 'endorsement')).to.deep.include({
      plan: 'KEEP',
    });
    expect(membershipNotes?.find((n) => n.where === 'endorsement')?.detail).to.contain(
      '/Channel/Application/Endorsement',
    );
    const after = await committedDefinition(org1Admin, 'consortium');
    joinedSequence = after.sequence;
    expect(after.sequence).to.equal(before.sequence + 1n);
    expect(after.version).to.equal(before.version);
    expect(endorsementOf(after)).to.deep.equal({
      kind: 'MEMBER_OR',
      policy: { role: 'peer', mspIds: ['Org1MSP', 'Org2MSP', 'Org3MSP'] },
    });
    for (const name of ['consortium', 'membership']) {
      expect(
        collectionMembersOf(await committedDefinition(org1Admin, name), 'membershipPrivate'),
      ).to.deep.equal({
        kind: 'MEMBER_OR',
        policy: { role: 'member', mspIds: ['Org1MSP', 'Org2MSP', 'Org3MSP'] },
      });
    }
    expect(endorsementOf(await committedDefinition(org1Admin, 'membership'))).to.equal(
      '/Channel/Application/Endorsement',
    );
  });

  it('joins Org3 by `member create`: its peers reach the same height, the invitation is ACCEPTED, approvals left to its agent', async () => {
    const r = await ok(['member', 'create', 'Org3', '--invitation', invitation, '--peers', '1']);
    expect(r.out.trim()).to.match(/^m-[A-Z0-9]{26}$/);
    // The definitions moved past the deployed ones (all three deployed once, then moved once):
    // member create installs the packages and leaves the approvals to Org3's agent.
    for (const cc of ['consortium', 'membership', 'kv']) {
      expect(r.err).to.contain(
        `${cc} is at sequence ${joinedSequence} on the channel (deployed at ${joinedSequence - 1n};`,
      );
    }
    expect(r.err).to.contain("Org3MSP's governance agent approves it");
    expect(describedMembers(DESCRIPTION).map((m) => m.name)).to.deep.equal([
      'Org1',
      'Org2',
      'Org3',
    ]);
    expect(await sameHeight()).to.include('peer1-org3');
    expect((await org1.getInvitation(invitation)).status).to.equal('ACCEPTED');
    expect((await org1.listMembers()).map((m) => m.mspId)).to.deep.equal([
      'Org1MSP',
      'Org2MSP',
      'Org3MSP',
    ]);
  });

  it("lets Org3's agent approve the committed definitions for its own organisation, with the package `member create` installed", async () => {
    const org1Admin = await connectAs('Org1', 'admin');
    const after = await committedDefinition(org1Admin, 'consortium');
    expect(after.sequence).to.equal(joinedSequence);
    const third = await (await agentOf('Org3', await fileAdmin('Org3'))).runOnce();
    expect(third.definitions.filter((s) => s.outcome === 'failed')).to.deep.equal([]);
    expect(definitionLines(third)).to.include.members([
      'consortium APPROVE/committed ok',
      'consortium DONE ok',
      'membership APPROVE/committed ok',
      'kv APPROVE/committed ok',
    ]);
    const approved = await governance.queryApprovedDefinition(
      await connectAs('Org3', 'admin'),
      'consortium',
      after.sequence,
    );
    // Found by the label `deploy` gave the package: Org3 never approved an earlier sequence.
    expect(approved?.packageId).to.match(/^consortium_1:[0-9a-f]{64}$/);
    expect(governance.sameDefinition(approved!.definition, after)).to.equal(true);
  });

  it("validates a transaction endorsed by Org3's peer alone, on kv and on the consortium contract", async () => {
    const c = await connectAs('Org3', 'user1');
    const put = await submitWhenEndorsersSeen(c, {
      chaincode: 'kv',
      transaction: 'put',
      arguments: ['org3-alone', 'endorsed'],
      endorsingOrganizations: ['Org3MSP'],
    });
    expect(put.blockNumber > 0n).to.equal(true);
    const feedId = `e2e-org3-alone-${String(Date.now())}`;
    const feed = await createFeed(await connectAs('Org3', 'admin'), feedId, ['Org3MSP']);
    const out = await submitWhenEndorsersSeen(c, {
      chaincode: 'consortium',
      contract: 'feeds',
      transaction: 'submitReport',
      arguments: [roundOne(feedId, feed)],
      endorsingOrganizations: ['Org3MSP'],
    });
    expect(out.blockNumber > 0n).to.equal(true);
    expect(JSON.parse(utf8(out.result))).to.include({ feedId, roundId: '1', answer: '2002' });
  });

  it('shares membershipPrivate with Org3 now: its admin reads the private rationale of a new proposal from its own peer', async () => {
    const rationale = `Org4 brings a price source (${randomUUID()})`;
    const created = await org1.createProposal({
      actions: {
        Invitations: [
          {
            Principal: 'Org4MSP',
            MspDefinition: {
              mspId: 'Org4MSP',
              rootCerts: [selfSigned('ca.org4').certPem],
              tlsRootCerts: [selfSigned('tlsca.org4').certPem],
              nodeOUs: true,
            },
          },
        ],
      },
      description: 'private details for Org3 to read',
      rationale,
    });
    const org3Connection = await connectAs('Org3', 'admin');
    const reader = clients.newMembershipClient({ connection: org3Connection });
    await committedOn(org3Connection, created.blockNumber);
    // Disseminated at endorsement or pulled by the reconciler (every minute): wait for either.
    const deadline = Date.now() + 120_000;
    for (;;) {
      try {
        const details = await reader.getProposalDetails(created.value.proposalId);
        expect(details).to.include({ proposalId: created.value.proposalId, rationale });
        return;
      } catch (err) {
        const unavailable =
          err instanceof ContractError && err.chaincodeCode === 'DETAILS_UNAVAILABLE';
        if (!unavailable || Date.now() > deadline) throw err;
        await new Promise((r) => setTimeout(r, 3000));
      }
    }
  });

  it("lets Org3's client submit through the library", async () => {
    const c = await connectAs('Org3', 'user1');
    const put = await c.submit({ chaincode: 'kv', transaction: 'put', arguments: ['org3', 'in'] });
    expect(put.blockNumber > 0n).to.equal(true);
    const read = await c.evaluate({ chaincode: 'kv', transaction: 'get', arguments: ['org3'] });
    expect(Buffer.from(read).toString('utf8')).to.equal('in');
  });

  /** Creates a feed as `admin`, with four oracles (f = 1); its oracles and config digest. */
  async function createFeed(
    admin: Connection,
    feedId: string,
    endorsingOrganizations?: string[],
  ): Promise<{ oracles: ReturnType<typeof newOracles>; configDigest: string }> {
    const oracles = newOracles(['p256', 'ed25519', 'p256', 'ed25519']);
    const created = await admin.submit({
      chaincode: 'consortium',
      contract: 'feeds',
      transaction: 'createFeed',
      arguments: [
        JSON.stringify({
          feedId,
          description: `${feedId} / USD`,
          decimals: 8,
          oracles: oracles.map((o) => ({ id: o.id, publicKey: o.publicKeyPem })),
          f: 1,
          minAnswer: '1',
          maxAnswer: '100000000000000',
          heartbeatSeconds: 3600,
          deviationThresholdPpb: 5_000_000,
        }),
      ],
      ...(endorsingOrganizations !== undefined ? { endorsingOrganizations } : {}),
    });
    const { configDigest } = JSON.parse(utf8(created.result)) as { configDigest: string };
    return { oracles, configDigest };
  }

  /** Round 1 of `feedId`, observed as 2000..2003 and signed by three of its four oracles. */
  function roundOne(
    feedId: string,
    feed: { oracles: ReturnType<typeof newOracles>; configDigest: string },
  ): string {
    return JSON.stringify(
      signedReport(feed.oracles, {
        feedId,
        configDigest: feed.configDigest,
        roundId: '1',
        observationsTimestamp: Math.floor(Date.now() / 1000) - 60,
        values: ['2000', '2001', '2002', '2003'],
        signers: [0, 1, 3],
      }),
    );
  }

  it("lets Org3's client submit a report of a feed Org3's admin created", async () => {
    const feedId = `e2e-org3-own-${String(Date.now())}`;
    const feed = await createFeed(await connectAs('Org3', 'admin'), feedId);
    const c = await connectAs('Org3', 'user1');
    const out = await c.submit({
      chaincode: 'consortium',
      contract: 'feeds',
      transaction: 'submitReport',
      arguments: [roundOne(feedId, feed)],
    });
    expect(JSON.parse(utf8(out.result))).to.include({ feedId, roundId: '1', answer: '2002' });
  });

  it("gives Org3's client the premium value of a feed it subscribes to, endorsed by Org1 and Org3", async () => {
    const feedId = `e2e-org3-premium-${String(Date.now())}`;
    const admin1 = await connectAs('Org1', 'admin');
    const feed = await createFeed(admin1, feedId);
    await admin1.submit({
      chaincode: 'consortium',
      contract: 'feeds',
      transaction: 'grantSubscription',
      arguments: [feedId, 'Org3MSP'],
    });
    // Org3's peer endorses the report below: it must have the feed and the grant first.
    await sameHeight();
    const premium = { observations: ['2000', '2001', '2002', '2003'], note: 'for Org3' };
    const salt = randomBytes(32).toString('hex');
    const out = await admin1.submit({
      chaincode: 'consortium',
      contract: 'feeds',
      transaction: 'submitReport',
      arguments: [roundOne(feedId, feed)],
      transientData: { premium: JSON.stringify(premium), salt },
      endorsingOrganizations: ['Org1MSP', 'Org3MSP'],
    });
    expect(out.blockNumber > 0n).to.equal(true);
    await sameHeight();
    const c = await connectAs('Org3', 'user1');
    const read = JSON.parse(
      utf8(
        await c.evaluate({
          chaincode: 'consortium',
          contract: 'feeds',
          transaction: 'getPremium',
          arguments: [feedId, '1'],
        }),
      ),
    ) as PremiumRecord;
    expect(read).to.deep.equal({
      feedId,
      roundId: '1',
      salt,
      value: premium,
      premiumHash: premiumHash(salt, premium),
    });
  });

  let removal = '';
  it('counts a proposal to remove Org2 against N = 3, approved by the YES of Org1 and Org3', async () => {
    org3 = clients.newMembershipClient({ connection: await connectAs('Org3', 'admin') });
    const { value: proposal } = await org1.createProposal({
      actions: { Removals: [{ MemberId: 'Org2MSP' }] },
      description: 'remove Org2',
    });
    removal = proposal.proposalId;
    expect(proposal.eligibleVoters).to.deep.equal(['Org1MSP', 'Org2MSP', 'Org3MSP']);
    expect(proposal.requiredYesVotes).to.equal(2);
    const { value: one } = await org1.voteOnProposal(removal, 'YES');
    expect(one.status).to.equal('IN_PROGRESS');
    const { value: two } = await org3.voteOnProposal(removal, 'YES');
    expect(two.status).to.equal('APPROVED');
    expect(two.yesVoteCount).to.equal(2);
    expect(two.outstandingVoteCount).to.equal(1);
  });

  it('removes Org2MSP from the channel through the agents of Org1 and Org3', async () => {
    // The channel's own sequence: `member create` set Org3's anchor peer by a config update of its
    // own since the chain last recorded one, so the chain's recorded sequence is one behind.
    const before = await governance.readChannelConfig(open[0]!);
    expect((await org1.getChannelConfigState()).sequence).to.equal(
      (before.sequence - 1n).toString(),
    );
    const first = await (await agentOf('Org1', await fileAdmin('Org1'))).runOnce();
    expect(first.steps.filter((s) => s.outcome === 'failed')).to.deep.equal([]);
    const proposed = await updateOf(org1, removal, 'Org2MSP');
    expect(proposed.required).to.equal(2);
    expect(proposed.status).to.equal('COLLECTING_SIGNATURES');
    const second = await (await agentOf('Org3', await fileAdmin('Org3'))).runOnce();
    expect(second.steps.filter((s) => s.outcome === 'failed')).to.deep.equal([]);
    // Org3's definitions' turn: over Org1, Org2 and Org3 is a member set the channel had, so
    // rewritten over Org1 and Org3; Org3's approval is one of the two a majority of two needs.
    expect(definitionLines(second)).to.include.members([
      'consortium APPROVE/next ok',
      'consortium WAIT ok',
    ]);
    const applied = await updateOf(org1, removal, 'Org2MSP');
    expect(applied.status).to.equal('APPLIED');
    expect(applied.signatures.map((s) => s.mspId)).to.deep.equal(['Org1MSP', 'Org3MSP']);
    expect(applied.baseSequence).to.equal(before.sequence.toString());
    expect(applied.appliedSequence).to.equal((before.sequence + 1n).toString());
    const config = await governance.readChannelConfig(open[0]!);
    expect(config.organizations).to.deep.equal(['Org1MSP', 'Org3MSP']);
    expect((await org1.getChannelConfigState()).organizations).to.deep.equal([
      'Org1MSP',
      'Org3MSP',
    ]);
  });

  it("refuses Org2's client's submit after the removal", async () => {
    const c = await connectAs('Org2', 'user1');
    const err = await rejection(
      c.submit({ chaincode: 'kv', transaction: 'put', arguments: ['org2', 'after'] }),
    );
    expect(err).to.be.instanceOf(ConsortiumError);
    const e = err as ConsortiumError;
    expect(e.name, e.message).to.equal('TransactionError');
    expect(e.code, e.message).to.equal('ACCESS_DENIED');
  });

  it("leaves Org2's peers out of endorsement after the removal: no endorsing peer of Org2MSP is found", async () => {
    const c = await connectAs('Org1', 'user1');
    const err = await rejection(
      c.submit({
        chaincode: 'kv',
        transaction: 'put',
        arguments: ['org2-endorsed', 'after'],
        endorsingOrganizations: ['Org2MSP'],
      }),
    );
    expect(err).to.be.instanceOf(ConsortiumError);
    const e = err as ConsortiumError;
    expect(e.name, e.message).to.equal('TransactionError');
    expect(e.code, e.message).to.equal('ENDORSE_FAILED');
    expect(e.message).to.contain('no peer of the channel endorses for Org2MSP');
    expect(e.message).to.contain('failed to find any endorsing peers for org(s): Org2MSP');
  });

  it('moves the definitions off Org2 by the agents of Org1 and Org3: no policy names Org2, Org1 and Org3 each endorse alone', async () => {
    const org1Admin = await connectAs('Org1', 'admin');
    const pass = await (await agentOf('Org1', await fileAdmin('Org1'))).runOnce();
    expect(pass.definitions.filter((s) => s.outcome === 'failed')).to.deep.equal([]);
    expect(definitionLines(pass)).to.include.members([
      'consortium APPROVE/next ok',
      'consortium COMMIT ok',
      'membership COMMIT ok',
      'kv COMMIT ok',
    ]);
    const consortium = await committedDefinition(org1Admin, 'consortium');
    expect(consortium.sequence).to.equal(joinedSequence + 1n);
    expect(endorsementOf(consortium)).to.deep.equal({
      kind: 'MEMBER_OR',
      policy: { role: 'peer', mspIds: ['Org1MSP', 'Org3MSP'] },
    });
    expect(endorsementOf(await committedDefinition(org1Admin, 'kv'))).to.deep.equal({
      kind: 'MEMBER_OR',
      policy: { role: 'peer', mspIds: ['Org1MSP', 'Org3MSP'] },
    });
    for (const name of ['consortium', 'membership']) {
      expect(
        collectionMembersOf(await committedDefinition(org1Admin, name), 'membershipPrivate'),
      ).to.deep.equal({
        kind: 'MEMBER_OR',
        policy: { role: 'member', mspIds: ['Org1MSP', 'Org3MSP'] },
      });
    }
    // Org3 approved the committed sequence before the commit: its pass has nothing to do, once
    // its peer holds the commits Org1's agent made.
    const org1Height = BigInt(await chainHeight(org1Admin));
    await committedOn(await connectAs('Org3', 'admin'), org1Height - 1n);
    const third = await (await agentOf('Org3', await fileAdmin('Org3'))).runOnce();
    expect(definitionLines(third)).to.have.members([
      'consortium DONE ok',
      'membership DONE ok',
      'kv DONE ok',
    ]);
    for (const member of ['Org1', 'Org3']) {
      const c = await connectAs(member, 'user1');
      const put = await submitWhenEndorsersSeen(c, {
        chaincode: 'kv',
        transaction: 'put',
        arguments: [`alone-${member}`, 'after the removal'],
        endorsingOrganizations: [`${member}MSP`],
      });
      expect(put.blockNumber > 0n).to.equal(true);
    }
  });

  it('lets Org1 and Org3 go on transacting, on the data and the membership contracts', async () => {
    for (const member of ['Org1', 'Org3']) {
      const c = await connectAs(member, 'user1');
      const put = await c.submit({
        chaincode: 'kv',
        transaction: 'put',
        arguments: [`after-${member}`, member],
      });
      expect(put.blockNumber > 0n).to.equal(true);
    }
    const { value: proposal } = await org3.createProposal({
      actions: {
        Invitations: [
          {
            Principal: 'Org5MSP',
            MspDefinition: {
              mspId: 'Org5MSP',
              rootCerts: [selfSigned('ca.org5').certPem],
              tlsRootCerts: [selfSigned('tlsca.org5').certPem],
              nodeOUs: true,
            },
          },
        ],
      },
      description: 'after the removal',
    });
    expect(proposal.eligibleVoters).to.deep.equal(['Org1MSP', 'Org3MSP']);
  });

  it('deletes Org2 once the channel no longer has it: its processes stopped, the others go on', async () => {
    const all = await status();
    const org2Nodes = all.filter((n) => n.name.endsWith('-org2') && n.pid !== null);
    expect(org2Nodes.map((n) => n.name)).to.include.members(['ca-org2', 'peer1-org2']);
    await ok(['member', 'delete', 'Org2']);
    expect(describedMembers(DESCRIPTION).map((m) => m.name)).to.deep.equal(['Org1', 'Org3']);
    expect(
      org2Nodes.filter((n) => processAlive(n.pid!)).map((n) => `${n.name} ${String(n.pid)}`),
    ).to.deep.equal([]);
    const c = await connectAs('Org1', 'user1');
    const put = await c.submit({
      chaincode: 'kv',
      transaction: 'put',
      arguments: ['after-delete', 'Org1'],
    });
    expect(put.blockNumber > 0n).to.equal(true);
  });
});
