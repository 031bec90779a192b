/**
 * Carrying out an approved invitation on the real local network, up to a READY update (issue 13):
 * after both founders approve inviting a new organisation, Org1's admin reads the channel's
 * current configuration from its peer (cscc GetChannelConfig), adds the voted organisation and has
 * `configtxlator compute_update` compute the ConfigUpdate, posts it on chain, and both founding
 * admins sign it with their file keys through the gateway library's signers and membership
 * client: the update becomes READY. A client (non-admin) signature and a signature over other
 * bytes are refused with their codes and change nothing. Between the two, the channel really
 * moves on (Org1 publishes its CRL with `network.sh crl`, a config update of its own): the update
 * rebuilt on the new configuration supersedes the first, and a signature on the stale one, or
 * another update on the old sequence, is refused with STALE_CONFIG_SEQUENCE.
 * Broadcasting to the ordering service is the member agent's part (branch govagent), not here.
 *
 * Runs on the network scripts/with-network.sh brings up with the default two founders; the invitee
 * has a fresh MSP id per run so other files sharing the network are not affected.
 */
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { common, msp } from '@hyperledger/fabric-protos';
import {
  ContractError,
  clients,
  connection,
  signers,
  type Connection,
  type MembershipClient,
  type ChannelUpdate,
  type Signer,
} from '@oracle-consortium/gateway';
import { canonicalMspDefinition, type MspDefinition } from '@oracle-consortium/protocol';
import { selfSigned } from '../../scripts/lib/openssl-ca';
import { registrarSession, revokeFreshIdentity } from '../support/ca-identities';
import { groupsOf, orgGroup } from '../support/config-updates';
import { committedOn } from '../support/gateway/committed';
import {
  REPO_DIR,
  connectAs as connectBare,
  describedMembers,
  loadMember,
  sharedDescriptionFile,
} from '../support/network';

const run = promisify(execFile);
const DESCRIPTION = sharedDescriptionFile();
const POLICY = {
  ProposalDurationInHours: 24,
  ThresholdComparator: 'GREATER_THAN',
  ThresholdPercentage: 50,
} as const;

/** One identity of a member: a library connection, its signer and its certificate bytes. */
interface Identity {
  readonly mspId: string;
  readonly certificate: string;
  readonly signer: Signer;
  readonly connection: Connection;
  readonly membership: MembershipClient;
}

async function open(member: string, name: string): Promise<Identity> {
  const network = await connection.loadNetworkDescription({ path: DESCRIPTION!, member });
  const files = network.identities[name]!;
  const certificate = readFileSync(files.certificatePath, 'utf8');
  const signer = await signers.newFileSigner({ path: files.privateKeyPath });
  const conn = connection.connect({
    network,
    identity: { certificate },
    signer,
    timeouts: { evaluateMs: 10000, endorseMs: 30000 },
    failover: { initialBackoffMs: 500, maxBackoffMs: 5000 },
  });
  return {
    mspId: network.mspId,
    certificate,
    signer,
    connection: conn,
    membership: clients.newMembershipClient({ connection: conn }),
  };
}

/** A `common.SignatureHeader` naming the identity, as a ConfigSignature carries it. */
function headerFor(identity: Identity): Buffer {
  const creator = new msp.SerializedIdentity();
  creator.setMspid(identity.mspId);
  creator.setIdBytes(Buffer.from(identity.certificate, 'utf8'));
  const header = new common.SignatureHeader();
  header.setCreator(creator.serializeBinary());
  header.setNonce(randomBytes(24));
  return Buffer.from(header.serializeBinary());
}

/** The identity's ConfigSignature parts over some ConfigUpdate bytes, signed by its library signer. */
async function configSignature(
  identity: Identity,
  update: Uint8Array,
): Promise<{ header: Buffer; signature: Uint8Array }> {
  const header = headerFor(identity);
  const digest = createHash('sha256').update(header).update(update).digest();
  return { header, signature: await identity.signer.sign(digest) };
}

async function rejection(promise: Promise<unknown>): Promise<ContractError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof ContractError) return err;
    throw err;
  }
  return expect.fail('expected a ContractError');
}

(DESCRIPTION === undefined ? describe.skip : describe)(
  'membership channel updates (live network)',
  function () {
    this.timeout(300000);
    const work = mkdtempSync(join(tmpdir(), 'channel-updates-'));
    const invitee = `Gov${randomBytes(3).toString('hex')}MSP`;
    const definition: MspDefinition = {
      mspId: invitee,
      rootCerts: [selfSigned(`ca.${invitee.toLowerCase()}.example.com`).certPem],
      tlsRootCerts: [selfSigned(`tlsca.${invitee.toLowerCase()}.example.com`).certPem],
      nodeOUs: true,
    };
    let admin1: Identity;
    let admin2: Identity;
    let user1: Identity;
    let proposalId: string;
    let sequence: bigint;
    let updateBytes: Buffer;
    let posted: ChannelUpdate;
    let fabricBin: string;
    let channelId: string;

    /** The channel's current configuration, read from Org1's peer (cscc GetChannelConfig). */
    async function channelConfig(): Promise<common.Config> {
      const config = await loadMember(DESCRIPTION!, 'Org1');
      const bare = connectBare(config, 'admin');
      try {
        const bytes = await bare.gateway
          .getNetwork(config.channelName)
          .getContract('cscc')
          .evaluateTransaction('GetChannelConfig', config.channelName);
        return common.Config.deserializeBinary(bytes);
      } finally {
        bare.close();
      }
    }

    /** `configtxlator compute_update` from the configuration to it plus the invitee's group. */
    async function computeAddUpdate(config: common.Config, channelId: string): Promise<Buffer> {
      const updated = common.Config.deserializeBinary(config.serializeBinary());
      const app = groupsOf(updated.getChannelGroup()!).get('Application')!;
      groupsOf(app).set(invitee, orgGroup(canonicalMspDefinition(definition)));
      const original = join(work, 'original.pb');
      const modified = join(work, 'modified.pb');
      const output = join(work, 'update.pb');
      writeFileSync(original, config.serializeBinary());
      writeFileSync(modified, updated.serializeBinary());
      await run(join(fabricBin, 'configtxlator'), [
        'compute_update',
        '--channel_id',
        channelId,
        '--original',
        original,
        '--updated',
        modified,
        '--output',
        output,
      ]);
      return readFileSync(output);
    }

    before(async () => {
      fabricBin = (
        await run(
          'bash',
          ['-c', 'source test-network/lib/common.sh >/dev/null && printf %s "$FABRIC_BIN"'],
          { cwd: REPO_DIR },
        )
      ).stdout;
      const founders = describedMembers(DESCRIPTION!);
      expect(founders.map((m) => m.name)).to.deep.equal(['Org1', 'Org2']);
      admin1 = await open('Org1', 'admin');
      admin2 = await open('Org2', 'admin');
      user1 = await open('Org1', 'user1');
      for (const admin of [admin1, admin2]) {
        try {
          await admin.membership.initialize(
            POLICY,
            founders.map((m) => m.mspId),
          );
        } catch (err) {
          if (!(err instanceof ContractError) || err.chaincodeCode !== 'ALREADY_INITIALIZED') {
            throw err;
          }
        }
      }
      const { value: proposal } = await admin1.membership.createProposal({
        actions: { Invitations: [{ Principal: invitee, MspDefinition: definition }] },
        description: `invite ${invitee}`,
      });
      proposalId = proposal.proposalId;
      await admin1.membership.voteOnProposal(proposalId, 'YES');
      const { value: approved } = await admin2.membership.voteOnProposal(proposalId, 'YES');
      expect(approved.status).to.equal('APPROVED');
      const config = await channelConfig();
      sequence = BigInt(config.getSequence());
      const network = await connection.loadNetworkDescription({
        path: DESCRIPTION!,
        member: 'Org1',
      });
      channelId = network.channelName;
      updateBytes = await computeAddUpdate(config, channelId);
    });

    after(async () => {
      for (const id of [admin1, admin2, user1] as (Identity | undefined)[]) {
        id?.connection.close();
        await id?.signer.close();
      }
      rmSync(work, { recursive: true, force: true });
    });

    it('knows the founders as the channel organisations', async () => {
      const state = await admin1.membership.getChannelConfigState();
      expect(state.organizations).to.deep.equal(['Org1MSP', 'Org2MSP']);
    });

    it('records the ConfigUpdate compute_update built for the approved invitation', async () => {
      const proposed = await admin1.membership.proposeChannelUpdate(
        proposalId,
        invitee,
        updateBytes,
        sequence,
      );
      posted = proposed.value;
      expect(posted).to.deep.include({
        updateId: createHash('sha256').update(updateBytes).digest('hex'),
        proposalId,
        mspId: invitee,
        action: 'ADD_ORG',
        baseSequence: sequence.toString(),
        configUpdate: updateBytes.toString('base64'),
        proposedBy: 'Org1MSP',
        required: 2,
        status: 'COLLECTING_SIGNATURES',
      });
      expect(posted.signatures).to.deep.equal([]);
      await committedOn(admin2.connection, proposed.blockNumber);
      const change = (await admin2.membership.listChannelChanges()).find(
        (c) => c.proposalId === proposalId,
      );
      expect(change).to.include({ status: 'UPDATE_PROPOSED', updateId: posted.updateId });
    });

    it("refuses a client's signature with NOT_AN_ADMIN, adding none", async () => {
      const { header, signature } = await configSignature(user1, updateBytes);
      const err = await rejection(
        user1.membership.signChannelUpdate(posted.updateId, header, signature),
      );
      expect(err.chaincodeCode).to.equal('NOT_AN_ADMIN');
      expect((await admin1.membership.getChannelUpdate(posted.updateId)).signatures).to.deep.equal(
        [],
      );
    });

    it('refuses a signature over different bytes with INVALID_CONFIG_SIGNATURE, adding none', async () => {
      const other = Buffer.concat([updateBytes, Buffer.from([0x2a, 0x00])]);
      const { header, signature } = await configSignature(admin2, other);
      const err = await rejection(
        admin2.membership.signChannelUpdate(posted.updateId, header, signature),
      );
      expect(err.chaincodeCode).to.equal('INVALID_CONFIG_SIGNATURE');
      expect((await admin1.membership.getChannelUpdate(posted.updateId)).signatures).to.deep.equal(
        [],
      );
    });

    describe('after another change of the channel configuration', () => {
      let first: ChannelUpdate;
      let firstBytes: Buffer;
      let firstSequence: bigint;

      before(async () => {
        // Org1's admin signs the first update; then the channel moves on: Org1 publishes its
        // CA's revocation list (a real config update, network.sh crl), and a member rebuilds the
        // invitation's update on the new configuration and posts it.
        first = posted;
        firstBytes = updateBytes;
        firstSequence = sequence;
        const signed = await configSignature(admin1, firstBytes);
        await admin1.membership.signChannelUpdate(first.updateId, signed.header, signed.signature);
        // A certificate revoked now puts a serial in Org1's CRL that the channel has not seen, so
        // crl always adds a block (another file sharing the network may have run crl before).
        const session = await registrarSession(await loadMember(DESCRIPTION!, 'Org1'), work);
        await revokeFreshIdentity(session, work);
        await run('bash', ['test-network/network.sh', 'crl', 'Org1'], { cwd: REPO_DIR });
        // crl returns once the orderer took the update; the peer the config is read from may
        // commit that block a moment later, so read until the sequence has moved.
        let config = await channelConfig();
        for (let i = 0; i < 40 && BigInt(config.getSequence()) <= firstSequence; i++) {
          await new Promise((resolve) => setTimeout(resolve, 250));
          config = await channelConfig();
        }
        sequence = BigInt(config.getSequence());
        expect(sequence > firstSequence, 'the channel config sequence moved').to.equal(true);
        updateBytes = await computeAddUpdate(config, channelId);
        const proposed = await admin2.membership.proposeChannelUpdate(
          proposalId,
          invitee,
          updateBytes,
          sequence,
        );
        posted = proposed.value;
        await committedOn(admin1.connection, proposed.blockNumber);
      });

      it('supersedes the update built on the older configuration', async () => {
        expect(sequence).to.equal(firstSequence + 1n);
        expect(posted.updateId).to.not.equal(first.updateId);
        expect((await admin1.membership.getChannelUpdate(first.updateId)).status).to.equal(
          'SUPERSEDED',
        );
        const change = (await admin1.membership.listChannelChanges()).find(
          (c) => c.proposalId === proposalId,
        );
        expect(change?.updateId).to.equal(posted.updateId);
      });

      it('refuses a signature on the stale update with STALE_CONFIG_SEQUENCE, adding none', async () => {
        const { header, signature } = await configSignature(admin2, firstBytes);
        const err = await rejection(
          admin2.membership.signChannelUpdate(first.updateId, header, signature),
        );
        expect(err.chaincodeCode).to.equal('STALE_CONFIG_SEQUENCE');
        const stale = await admin1.membership.getChannelUpdate(first.updateId);
        expect(stale.signatures.map((s) => s.mspId)).to.deep.equal(['Org1MSP']);
      });

      it('refuses another update built on the older sequence with STALE_CONFIG_SEQUENCE', async () => {
        const other = common.ConfigUpdate.deserializeBinary(firstBytes);
        for (const set of [other.getReadSet()!, other.getWriteSet()!]) {
          const app = groupsOf(set).get('Application')!;
          app.setVersion(app.getVersion() + 1);
        }
        const err = await rejection(
          admin2.membership.proposeChannelUpdate(
            proposalId,
            invitee,
            other.serializeBinary(),
            firstSequence,
          ),
        );
        expect(err.chaincodeCode).to.equal('STALE_CONFIG_SEQUENCE');
        const page = await admin1.membership.listChannelUpdates();
        expect(page.updates.filter((u) => u.proposalId === proposalId)).to.have.length(2);
      });

      it('becomes READY once both founding admins signed the current update with their file keys', async () => {
        const one = await configSignature(admin1, updateBytes);
        const { value: collecting } = await admin1.membership.signChannelUpdate(
          posted.updateId,
          one.header,
          one.signature,
        );
        expect(collecting.status).to.equal('COLLECTING_SIGNATURES');
        const two = await configSignature(admin2, updateBytes);
        const { value: ready } = await admin2.membership.signChannelUpdate(
          posted.updateId,
          two.header,
          two.signature,
        );
        expect(ready.status).to.equal('READY');
        expect(ready.signatures.map((s) => s.mspId)).to.deep.equal(['Org1MSP', 'Org2MSP']);
        expect(ready.signatures[1]!.signatureHeader).to.equal(two.header.toString('base64'));
        expect(ready.baseSequence).to.equal(sequence.toString());
      });

      it('refuses a second signature of the same organisation with ALREADY_SIGNED', async () => {
        const again = await configSignature(admin1, updateBytes);
        const err = await rejection(
          admin1.membership.signChannelUpdate(posted.updateId, again.header, again.signature),
        );
        expect(err.chaincodeCode).to.equal('ALREADY_SIGNED');
      });
    });
  },
);
