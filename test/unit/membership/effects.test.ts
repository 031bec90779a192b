import { expect } from 'chai';
import { createHash } from 'node:crypto';
import type { ChannelChangeRecord, InvitationRecord } from '../../../chaincode/src/membership';
import {
  HOUR,
  T0,
  admin,
  client,
  expectRejected,
  getInvitation,
  initialised,
  lastEvent,
  memberIds,
  propose,
  vote,
  type World,
} from './helpers';
import {
  canonicalFor,
  definitionFor,
  hashFor,
  inviting,
  mspVectors,
} from '../../support/msp-vectors';

const INVITE_ORG4 = inviting('Org4MSP');
const APPROVED_AT = T0 + HOUR;
const INVITATION_EXPIRY = APPROVED_AT + 24 * HOUR;

/** Creates a proposal and votes it through with Org1 and Org2 (2 of 3 at 50% GREATER_THAN). */
async function approve(w: World, actions: unknown, at = APPROVED_AT) {
  const p = await propose(w, admin('Org1MSP'), actions);
  await vote(w, admin('Org1MSP'), p.proposalId, 'YES');
  return vote(w, admin('Org2MSP', at), p.proposalId, 'YES');
}

function answer(
  w: World,
  kind: 'accept' | 'reject' | 'close',
  mspId: string,
  invitationId: string,
  at = APPROVED_AT,
  attrs = true,
  definition: unknown = definitionFor('Org4MSP'),
) {
  // Every caller holds a certificate of the vectors' organisation root: the voted one.
  const opts = {
    ...(attrs ? admin(mspId, at) : client(mspId, at)),
    certPem: mspVectors.certificates.orgAdmin,
  };
  return () =>
    w.ledger.submit(w.contract, opts, (c, ctx) =>
      kind === 'accept'
        ? c.acceptInvitation(ctx, invitationId, JSON.stringify(definition))
        : kind === 'reject'
          ? c.rejectInvitation(ctx, invitationId)
          : c.closeInvitation(ctx, invitationId),
    );
}

async function channelChanges(w: World): Promise<ChannelChangeRecord[]> {
  const out = await w.ledger.evaluate(w.contract, client('Org1MSP'), (c, ctx) =>
    c.listChannelChanges(ctx),
  );
  return JSON.parse(out) as ChannelChangeRecord[];
}

describe('membership effects', () => {
  let w: World;
  beforeEach(async () => {
    w = await initialised();
  });

  describe('an approved invitation', () => {
    it('creates a PENDING invitation lasting the proposal duration from approval', async () => {
      const p = await approve(w, INVITE_ORG4);
      expect(p.status).to.equal('APPROVED');
      const invitation = await getInvitation(w, p.invitationIds[0]!);
      expect(invitation).to.deep.equal({
        invitationId: p.invitationIds[0],
        proposalId: p.proposalId,
        principal: 'Org4MSP',
        mspDefinition: canonicalFor('Org4MSP'),
        mspDefinitionHash: hashFor('Org4MSP'),
        status: 'PENDING',
        creationDate: new Date(APPROVED_AT).toISOString(),
        expirationDate: new Date(INVITATION_EXPIRY).toISOString(),
      });
    });

    it('derives the invitation id from the proposal and the principal', async () => {
      const p = await approve(w, INVITE_ORG4);
      const digest = createHash('sha256').update(`${p.proposalId}\u0000Org4MSP`).digest('hex');
      expect(p.invitationIds).to.deep.equal([`i-${digest.slice(0, 16)}`]);
    });

    it('records an ADD_ORG channel change pending a channel update', async () => {
      const p = await approve(w, INVITE_ORG4);
      expect(await channelChanges(w)).to.deep.equal([
        {
          action: 'ADD_ORG',
          mspId: 'Org4MSP',
          proposalId: p.proposalId,
          mspDefinition: canonicalFor('Org4MSP'),
          mspDefinitionHash: hashFor('Org4MSP'),
          status: 'PENDING_CHANNEL_UPDATE',
          createdDate: new Date(APPROVED_AT).toISOString(),
        },
      ]);
    });

    it('reports the vote, the approval and the invitation in one event', async () => {
      const p = await approve(w, INVITE_ORG4);
      const event = lastEvent(w.ledger);
      expect(event.types).to.deep.equal(['VoteCast', 'ProposalStatusChanged', 'InvitationCreated']);
      expect(event.invitationIds).to.deep.equal(p.invitationIds);
    });

    it('does not make the invitee a member before it accepts', async () => {
      await approve(w, INVITE_ORG4);
      expect(await memberIds(w)).to.deep.equal(['Org1MSP', 'Org2MSP', 'Org3MSP']);
    });

    it('lists invitations filtered by principal', async () => {
      await approve(w, INVITE_ORG4);
      await approve(w, inviting('Org5MSP'));
      const out = await w.ledger.evaluate(w.contract, client('Org5MSP'), (c, ctx) =>
        c.listInvitations(ctx, 'Org5MSP'),
      );
      expect((JSON.parse(out) as InvitationRecord[]).map((i) => i.principal)).to.deep.equal([
        'Org5MSP',
      ]);
    });

    it('lists all invitations with an empty filter', async () => {
      await approve(w, INVITE_ORG4);
      await approve(w, inviting('Org5MSP'));
      const out = await w.ledger.evaluate(w.contract, client('Org5MSP'), (c, ctx) =>
        c.listInvitations(ctx, ''),
      );
      expect(JSON.parse(out)).to.have.length(2);
    });

    it('refuses an unknown invitation with INVITATION_NOT_FOUND', async () => {
      await expectRejected(
        w.ledger,
        () =>
          w.ledger.evaluate(w.contract, client('Org1MSP'), (c, ctx) =>
            c.getInvitation(ctx, 'i-0123456789abcdef'),
          ),
        'INVITATION_NOT_FOUND',
      );
    });
  });

  describe('answering an invitation', () => {
    let invitationId: string;
    beforeEach(async () => {
      invitationId = (await approve(w, INVITE_ORG4)).invitationIds[0]!;
    });

    it('makes the invitee a member when it accepts', async () => {
      const out = await answer(w, 'accept', 'Org4MSP', invitationId, APPROVED_AT + 5)();
      expect(JSON.parse(out)).to.include({
        status: 'ACCEPTED',
        statusChangedDate: new Date(APPROVED_AT + 5).toISOString(),
      });
      expect(await memberIds(w)).to.deep.equal(['Org1MSP', 'Org2MSP', 'Org3MSP', 'Org4MSP']);
    });

    it('emits InvitationStatusChanged and MemberAdded on acceptance', async () => {
      await answer(w, 'accept', 'Org4MSP', invitationId)();
      const event = lastEvent(w.ledger);
      expect(event.types).to.deep.equal(['InvitationStatusChanged', 'MemberAdded']);
      expect(event).to.include({ invitationId, invitationStatus: 'ACCEPTED' });
      expect(event.membersAdded).to.deep.equal(['Org4MSP']);
    });

    it('lets the new member propose', async () => {
      await answer(w, 'accept', 'Org4MSP', invitationId)();
      const p = await propose(w, admin('Org4MSP', APPROVED_AT), {
        Removals: [{ MemberId: 'Org3MSP' }],
      });
      expect(p.eligibleVoters).to.deep.equal(['Org1MSP', 'Org2MSP', 'Org3MSP', 'Org4MSP']);
    });

    it('refuses the new member a vote on a proposal created before it joined with NOT_ELIGIBLE', async () => {
      const earlier = await propose(w, admin('Org1MSP'), { Removals: [{ MemberId: 'Org3MSP' }] });
      await answer(w, 'accept', 'Org4MSP', invitationId)();
      await expectRejected(
        w.ledger,
        () =>
          w.ledger.submit(w.contract, admin('Org4MSP', APPROVED_AT), (c, ctx) =>
            c.voteOnProposal(ctx, earlier.proposalId, 'YES'),
          ),
        'NOT_ELIGIBLE',
      );
    });

    it('records REJECTED when the invitee declines, without adding it', async () => {
      const out = await answer(w, 'reject', 'Org4MSP', invitationId)();
      expect(JSON.parse(out)).to.include({ status: 'REJECTED' });
      expect(await memberIds(w)).to.not.include('Org4MSP');
      expect(lastEvent(w.ledger)).to.include({ invitationStatus: 'REJECTED' });
    });

    it('refuses acceptance by another organisation with NOT_INVITEE', async () => {
      const err = await expectRejected(
        w.ledger,
        answer(w, 'accept', 'Org1MSP', invitationId),
        'NOT_INVITEE',
      );
      expect(err.message).to.contain('Org4MSP');
    });

    it('refuses rejection by another organisation with NOT_INVITEE', async () => {
      await expectRejected(w.ledger, answer(w, 'reject', 'Org2MSP', invitationId), 'NOT_INVITEE');
    });

    it('refuses an invitee client without membership.admin=true with NOT_AUTHORIZED', async () => {
      await expectRejected(
        w.ledger,
        answer(w, 'accept', 'Org4MSP', invitationId, APPROVED_AT, false),
        'NOT_AUTHORIZED',
      );
    });

    it('refuses a second answer with INVITATION_CLOSED', async () => {
      await answer(w, 'accept', 'Org4MSP', invitationId)();
      await expectRejected(
        w.ledger,
        answer(w, 'reject', 'Org4MSP', invitationId),
        'INVITATION_CLOSED',
      );
    });

    it('refuses acceptance at the expiration with INVITATION_EXPIRED', async () => {
      await expectRejected(
        w.ledger,
        answer(w, 'accept', 'Org4MSP', invitationId, INVITATION_EXPIRY),
        'INVITATION_EXPIRED',
      );
    });

    it('refuses a malformed invitation id with MALFORMED_INPUT', async () => {
      await expectRejected(w.ledger, answer(w, 'accept', 'Org4MSP', 'invite-1'), 'MALFORMED_INPUT');
    });

    it('refuses accepting a second invitation once a member with ALREADY_A_MEMBER', async () => {
      // A second invitation approved while the first was still pending.
      const second = (await approve(w, INVITE_ORG4)).invitationIds[0]!;
      await answer(w, 'accept', 'Org4MSP', invitationId)();
      await expectRejected(w.ledger, answer(w, 'accept', 'Org4MSP', second), 'ALREADY_A_MEMBER');
    });

    describe('closeInvitation', () => {
      it('settles a pending invitation at its expiration as EXPIRED', async () => {
        const out = await answer(w, 'close', 'Org1MSP', invitationId, INVITATION_EXPIRY)();
        expect(JSON.parse(out)).to.include({ status: 'EXPIRED' });
        expect(lastEvent(w.ledger)).to.include({ invitationStatus: 'EXPIRED' });
      });

      it('lets the invitee itself settle it', async () => {
        const out = await answer(w, 'close', 'Org4MSP', invitationId, INVITATION_EXPIRY, false)();
        expect(JSON.parse(out)).to.include({ status: 'EXPIRED' });
      });

      it('refuses acceptance after settlement with INVITATION_EXPIRED', async () => {
        await answer(w, 'close', 'Org1MSP', invitationId, INVITATION_EXPIRY)();
        await expectRejected(
          w.ledger,
          answer(w, 'accept', 'Org4MSP', invitationId, APPROVED_AT),
          'INVITATION_EXPIRED',
        );
      });

      it('refuses to settle before the expiration with INVITATION_NOT_EXPIRED', async () => {
        await expectRejected(
          w.ledger,
          answer(w, 'close', 'Org1MSP', invitationId, INVITATION_EXPIRY - 1),
          'INVITATION_NOT_EXPIRED',
        );
      });

      it('refuses to settle an answered invitation with INVITATION_CLOSED', async () => {
        await answer(w, 'reject', 'Org4MSP', invitationId)();
        await expectRejected(
          w.ledger,
          answer(w, 'close', 'Org1MSP', invitationId, INVITATION_EXPIRY),
          'INVITATION_CLOSED',
        );
      });

      it('refuses a caller that is neither member nor invitee with NOT_A_MEMBER', async () => {
        await expectRejected(
          w.ledger,
          answer(w, 'close', 'Org9MSP', invitationId, INVITATION_EXPIRY),
          'NOT_A_MEMBER',
        );
      });
    });
  });

  describe('an approved removal', () => {
    it('removes the member from the registry', async () => {
      const p = await approve(w, { Removals: [{ MemberId: 'Org3MSP' }] });
      expect(p.status).to.equal('APPROVED');
      expect(await memberIds(w)).to.deep.equal(['Org1MSP', 'Org2MSP']);
    });

    it('records a REMOVE_ORG channel change', async () => {
      const p = await approve(w, { Removals: [{ MemberId: 'Org3MSP' }] });
      expect((await channelChanges(w)).map((c) => [c.action, c.mspId, c.proposalId])).to.deep.equal(
        [['REMOVE_ORG', 'Org3MSP', p.proposalId]],
      );
    });

    it('reports MemberRemoved in the deciding vote event', async () => {
      await approve(w, { Removals: [{ MemberId: 'Org3MSP' }] });
      const event = lastEvent(w.ledger);
      expect(event.types).to.deep.equal(['VoteCast', 'ProposalStatusChanged', 'MemberRemoved']);
      expect(event.membersRemoved).to.deep.equal(['Org3MSP']);
    });

    it('leaves the removed member out of new proposals', async () => {
      await approve(w, { Removals: [{ MemberId: 'Org3MSP' }] });
      const p = await propose(w, admin('Org1MSP', APPROVED_AT), INVITE_ORG4);
      expect(p.eligibleVoters).to.deep.equal(['Org1MSP', 'Org2MSP']);
      expect(p.requiredYesVotes).to.equal(2);
    });

    it('refuses a vote by the removed member with NOT_A_MEMBER', async () => {
      const open = await propose(w, admin('Org1MSP'), INVITE_ORG4);
      await approve(w, { Removals: [{ MemberId: 'Org3MSP' }] });
      await expectRejected(
        w.ledger,
        () =>
          w.ledger.submit(w.contract, admin('Org3MSP', APPROVED_AT), (c, ctx) =>
            c.voteOnProposal(ctx, open.proposalId, 'YES'),
          ),
        'NOT_A_MEMBER',
      );
    });
  });

  describe('an approved action that cannot be applied', () => {
    it('marks ACTION_FAILED when the invitee became a member meanwhile, and applies nothing', async () => {
      const first = await propose(w, admin('Org1MSP'), INVITE_ORG4);
      const second = await propose(w, admin('Org2MSP'), {
        ...inviting('Org5MSP', 'Org4MSP'),
      });
      await vote(w, admin('Org1MSP'), first.proposalId, 'YES');
      const approved = await vote(w, admin('Org2MSP'), first.proposalId, 'YES');
      await answer(w, 'accept', 'Org4MSP', approved.invitationIds[0]!)();
      await vote(w, admin('Org1MSP'), second.proposalId, 'YES');
      const failed = await vote(w, admin('Org3MSP'), second.proposalId, 'YES');
      expect(failed).to.include({
        status: 'ACTION_FAILED',
        actionFailureReason: 'Org4MSP is already a member',
      });
      expect(failed.invitationIds).to.deep.equal([]);
      expect((await channelChanges(w)).map((c) => c.mspId)).to.deep.equal(['Org4MSP']);
    });

    it('marks ACTION_FAILED when the removal target was already removed', async () => {
      const first = await propose(w, admin('Org1MSP'), { Removals: [{ MemberId: 'Org3MSP' }] });
      const second = await propose(w, admin('Org1MSP'), { Removals: [{ MemberId: 'Org3MSP' }] });
      await vote(w, admin('Org1MSP'), first.proposalId, 'YES');
      await vote(w, admin('Org2MSP'), first.proposalId, 'YES');
      await vote(w, admin('Org1MSP'), second.proposalId, 'YES');
      const failed = await vote(w, admin('Org2MSP'), second.proposalId, 'YES');
      expect(failed).to.include({
        status: 'ACTION_FAILED',
        actionFailureReason: 'Org3MSP is not a member',
      });
    });

    it('marks ACTION_FAILED for removals that would leave no member, and keeps the members', async () => {
      const two = await initialised(['Org1MSP', 'Org2MSP']);
      const p = await propose(two, admin('Org1MSP'), {
        Removals: [{ MemberId: 'Org1MSP' }, { MemberId: 'Org2MSP' }],
      });
      await vote(two, admin('Org1MSP'), p.proposalId, 'YES');
      const failed = await vote(two, admin('Org2MSP'), p.proposalId, 'YES');
      expect(failed).to.include({
        status: 'ACTION_FAILED',
        actionFailureReason: 'the removals would leave the network without members',
      });
      expect(await memberIds(two)).to.deep.equal(['Org1MSP', 'Org2MSP']);
    });

    it('lists the failed proposal under ACTION_FAILED', async () => {
      const two = await initialised(['Org1MSP', 'Org2MSP']);
      const p = await propose(two, admin('Org1MSP'), {
        Removals: [{ MemberId: 'Org1MSP' }, { MemberId: 'Org2MSP' }],
      });
      await vote(two, admin('Org1MSP'), p.proposalId, 'YES');
      await vote(two, admin('Org2MSP'), p.proposalId, 'YES');
      const out = await two.ledger.evaluate(two.contract, client('Org1MSP'), (c, ctx) =>
        c.listProposals(ctx, 'ACTION_FAILED', '10', ''),
      );
      expect(
        (JSON.parse(out) as { proposals: { proposalId: string }[] }).proposals.map(
          (x) => x.proposalId,
        ),
      ).to.deep.equal([p.proposalId]);
    });
  });
});
