/**
 * MSP ids that differ only in case name one organisation to the membership contract: a founder or
 * an action listed twice in other letters is a duplicate, an invitation for a member in other
 * letters is for a member, and a removal must name the member exactly. (See the README's chaincode
 * section for why.)
 */
import { expect } from 'chai';
import { MembershipContract } from '../../../chaincode/src/membership';
import { FakeLedger } from '../../support/fake-ledger';
import { POLICY_50_GT_24, admin, expectRejected, initialised, propose, vote } from './helpers';
import { definitionFor, inviting, mspVectors } from '../../support/msp-vectors';

describe('membership: MSP ids that differ only in case', () => {
  it('refuses founders that differ only in case with MALFORMED_INPUT', async () => {
    const ledger = new FakeLedger();
    const err = await expectRejected(
      ledger,
      () =>
        ledger.submit(new MembershipContract(), admin('Org1MSP'), (c, ctx) =>
          c.initialize(ctx, JSON.stringify(POLICY_50_GT_24), '["Org1MSP","org1msp"]'),
        ),
      'MALFORMED_INPUT',
    );
    expect(err.message).to.equal(
      '[MALFORMED_INPUT] foundingMembers lists one organisation twice: Org1MSP and org1msp differ only in case',
    );
  });

  it('refuses an invitation list naming one principal in two cases with DUPLICATE_ACTION', async () => {
    const w = await initialised();
    const actions = inviting('Org4MSP', 'ORG4MSP');
    const err = await expectRejected(
      w.ledger,
      () =>
        w.ledger.submit(w.contract, admin('Org1MSP'), (c, ctx) =>
          c.createProposal(ctx, JSON.stringify(actions), 'd', 'tok-case-1'),
        ),
      'DUPLICATE_ACTION',
    );
    expect(err.message).to.equal(
      '[DUPLICATE_ACTION] Invitations names ORG4MSP more than once (as Org4MSP; MSP ids that differ only in case name one organisation)',
    );
  });

  it('refuses to invite a case variant of a member with ALREADY_A_MEMBER', async () => {
    const w = await initialised();
    const actions = inviting('org2msp');
    const err = await expectRejected(
      w.ledger,
      () =>
        w.ledger.submit(w.contract, admin('Org1MSP'), (c, ctx) =>
          c.createProposal(ctx, JSON.stringify(actions), 'd', 'tok-case-2'),
        ),
      'ALREADY_A_MEMBER',
    );
    expect(err.message).to.equal(
      '[ALREADY_A_MEMBER] org2msp is already a member as Org2MSP (MSP ids that differ only in case name one organisation)',
    );
  });

  it('refuses to remove a member named in other letters with MEMBER_NOT_FOUND naming the member', async () => {
    const w = await initialised();
    const actions = { Removals: [{ MemberId: 'ORG3MSP' }] };
    const err = await expectRejected(
      w.ledger,
      () =>
        w.ledger.submit(w.contract, admin('Org1MSP'), (c, ctx) =>
          c.createProposal(ctx, JSON.stringify(actions), 'd', 'tok-case-3'),
        ),
      'MEMBER_NOT_FOUND',
    );
    expect(err.message).to.equal(
      '[MEMBER_NOT_FOUND] ORG3MSP is not a member; the member Org3MSP must be named exactly',
    );
  });

  it('refuses to accept an invitation for a case variant of a member that joined meanwhile', async () => {
    const w = await initialised();
    const first = await propose(w, admin('Org1MSP'), inviting('Org4MSP'));
    const second = await propose(w, admin('Org1MSP'), inviting('org4msp'));
    for (const p of [first, second]) {
      await vote(w, admin('Org1MSP'), p.proposalId, 'YES');
    }
    const approvedFirst = await vote(w, admin('Org2MSP'), first.proposalId, 'YES');
    const approvedSecond = await vote(w, admin('Org2MSP'), second.proposalId, 'YES');
    await w.ledger.submit(
      w.contract,
      { ...admin('Org4MSP'), certPem: mspVectors.certificates.orgAdmin },
      (c, ctx) =>
        c.acceptInvitation(
          ctx,
          approvedFirst.invitationIds[0]!,
          JSON.stringify(definitionFor('Org4MSP')),
        ),
    );
    const err = await expectRejected(
      w.ledger,
      () =>
        w.ledger.submit(
          w.contract,
          { ...admin('org4msp'), certPem: mspVectors.certificates.orgAdmin },
          (c, ctx) =>
            c.acceptInvitation(
              ctx,
              approvedSecond.invitationIds[0]!,
              JSON.stringify(definitionFor('org4msp')),
            ),
        ),
      'ALREADY_A_MEMBER',
    );
    expect(err.message).to.equal(
      '[ALREADY_A_MEMBER] org4msp is already a member as Org4MSP (MSP ids that differ only in case name one organisation)',
    );
  });
});
