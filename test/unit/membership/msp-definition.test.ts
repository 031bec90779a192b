/**
 * The invitee is bound to the vote: an invitation proposal must carry the MSP definition the
 * channel will get, bad definitions are refused when proposed, and accepting presents the voted
 * definition again (in any encoding) or is refused with nothing written.
 */
import { X509Certificate } from 'node:crypto';
import { mspDefinitionHash } from '@oracle-consortium/protocol';
import { expect } from 'chai';
import type { MembershipErrorCode } from '../../../chaincode/src/membership';
import {
  HOUR,
  T0,
  admin,
  expectRejected,
  getInvitation,
  getProposal,
  initialised,
  memberIds,
  propose,
  vote,
  type World,
} from './helpers';
import {
  definitionFor,
  hashFor,
  impostorFor,
  inviting,
  mspVectors,
} from '../../support/msp-vectors';

const APPROVED_AT = T0 + HOUR;

function create(w: World, actions: unknown) {
  return () =>
    w.ledger.submit(w.contract, admin('Org1MSP'), (c, ctx) =>
      c.createProposal(ctx, JSON.stringify(actions), 'invite', 'tok-msp'),
    );
}

function accept(
  w: World,
  mspId: string,
  invitationId: string,
  definitionJson: string,
  certPem: string | null = mspVectors.certificates.orgAdmin,
) {
  const opts = { ...admin(mspId, APPROVED_AT + 1), ...(certPem === null ? {} : { certPem }) };
  return () =>
    w.ledger.submit(w.contract, opts, (c, ctx) =>
      c.acceptInvitation(ctx, invitationId, definitionJson),
    );
}

/** Invites Org4MSP with its definition and votes it through; returns the invitation id. */
async function approvedInvitation(w: World): Promise<string> {
  const p = await propose(w, admin('Org1MSP'), inviting('Org4MSP'));
  await vote(w, admin('Org1MSP'), p.proposalId, 'YES');
  const approved = await vote(w, admin('Org2MSP', APPROVED_AT), p.proposalId, 'YES');
  return approved.invitationIds[0]!;
}

describe('membership: the invitee is bound to the vote', () => {
  let w: World;
  beforeEach(async () => {
    w = await initialised();
  });

  describe('createProposal', () => {
    it('refuses an invitation naming only a Principal with MSP_DEFINITION_REQUIRED', async () => {
      const err = await expectRejected(
        w.ledger,
        create(w, { Invitations: [{ Principal: 'Org4MSP' }] }),
        'MSP_DEFINITION_REQUIRED',
      );
      expect(err.message).to.contain('Invitations[0] invites Org4MSP without an MspDefinition');
    });

    it('refuses a definition for another MSP id with MSP_DEFINITION_MISMATCH', async () => {
      const err = await expectRejected(
        w.ledger,
        create(w, {
          Invitations: [{ Principal: 'Org4MSP', MspDefinition: definitionFor('Org5MSP') }],
        }),
        'MSP_DEFINITION_MISMATCH',
      );
      expect(err.message).to.contain('is for Org5MSP, not Org4MSP');
    });

    it('refuses a definition spelling the principal in other letters with MSP_DEFINITION_MISMATCH', async () => {
      const err = await expectRejected(
        w.ledger,
        create(w, {
          Invitations: [{ Principal: 'Org4MSP', MspDefinition: definitionFor('ORG4MSP') }],
        }),
        'MSP_DEFINITION_MISMATCH',
      );
      expect(err.message).to.contain('the channel spells it exactly');
    });

    it('refuses a given MspDefinitionHash that is not the definition hash with MSP_DEFINITION_MISMATCH', async () => {
      const wrong = mspVectors.distinct[0]!.expectedHash;
      const err = await expectRejected(
        w.ledger,
        create(w, {
          Invitations: [
            {
              Principal: 'Org4MSP',
              MspDefinition: definitionFor('Org4MSP'),
              MspDefinitionHash: wrong,
            },
          ],
        }),
        'MSP_DEFINITION_MISMATCH',
      );
      expect(err.message).to.contain(hashFor('Org4MSP'));
    });

    it('refuses an unknown field beside the definition with MALFORMED_INPUT', async () => {
      await expectRejected(
        w.ledger,
        create(w, {
          Invitations: [
            { Principal: 'Org4MSP', MspDefinition: definitionFor('Org4MSP'), Admins: [] },
          ],
        }),
        'MALFORMED_INPUT',
      );
    });

    for (const v of mspVectors.invalid) {
      it(`refuses a definition with ${v.name} with ${v.expectedCode}`, async () => {
        const err = await expectRejected(
          w.ledger,
          create(w, { Invitations: [{ Principal: 'Org3MSP', MspDefinition: v.input }] }),
          v.expectedCode as MembershipErrorCode,
        );
        expect(err.message).to.contain('Invitations[0].MspDefinition: ');
      });
    }

    it('stores one hash for every encoding of the vectors definition', async () => {
      // The vectors name Org3MSP, so a network without it invites it.
      const w2 = await initialised(['Org1MSP', 'Org2MSP']);
      for (const [i, v] of mspVectors.equivalent.inputs.entries()) {
        const p = await propose(
          w2,
          admin('Org1MSP'),
          { Invitations: [{ Principal: 'Org3MSP', MspDefinition: v.input }] },
          `encoding ${i}`,
          `tok-enc-${i}`,
        );
        expect(p.actions).to.deep.equal({
          Invitations: [
            {
              Principal: 'Org3MSP',
              MspDefinition: mspVectors.equivalent.expectedCanonical,
              MspDefinitionHash: mspVectors.equivalent.expectedHash,
            },
          ],
        });
      }
    });
  });

  describe('acceptInvitation', () => {
    it('accepts the voted definition presented in base64 DER instead of PEM', async () => {
      const id = await approvedInvitation(w);
      const der = (pem: string): string => new X509Certificate(pem).raw.toString('base64');
      const pem = definitionFor('Org4MSP');
      const asDer = {
        ...pem,
        rootCerts: pem.rootCerts.map(der),
        tlsRootCerts: pem.tlsRootCerts.map(der),
      };
      await accept(w, 'Org4MSP', id, JSON.stringify(asDer))();
      expect((await getInvitation(w, id)).status).to.equal('ACCEPTED');
      expect(await memberIds(w)).to.include('Org4MSP');
    });

    it('refuses a definition with another root under the invited MSP id with MSP_DEFINITION_MISMATCH', async () => {
      const id = await approvedInvitation(w);
      const err = await expectRejected(
        w.ledger,
        accept(w, 'Org4MSP', id, JSON.stringify(impostorFor('Org4MSP'))),
        'MSP_DEFINITION_MISMATCH',
      );
      expect(err.message).to.contain(`hash ${hashFor('Org4MSP')}`);
      expect(err.message).to.contain(`hashes to ${mspDefinitionHash(impostorFor('Org4MSP'))}`);
      expect((await getInvitation(w, id)).status).to.equal('PENDING');
    });

    it('refuses the voted definition with node OUs switched off with MSP_DEFINITION_MISMATCH', async () => {
      const id = await approvedInvitation(w);
      await expectRejected(
        w.ledger,
        accept(w, 'Org4MSP', id, JSON.stringify({ ...definitionFor('Org4MSP'), nodeOUs: false })),
        'MSP_DEFINITION_MISMATCH',
      );
    });

    it('refuses a mismatching definition before checking the caller, with MSP_DEFINITION_MISMATCH', async () => {
      const id = await approvedInvitation(w);
      await expectRejected(
        w.ledger,
        accept(w, 'Org1MSP', id, JSON.stringify(impostorFor('Org4MSP'))),
        'MSP_DEFINITION_MISMATCH',
      );
      await expectRejected(
        w.ledger,
        accept(w, 'Org1MSP', id, JSON.stringify(definitionFor('Org4MSP'))),
        'NOT_INVITEE',
      );
    });

    it('refuses an empty definition argument with MSP_DEFINITION_REQUIRED', async () => {
      const id = await approvedInvitation(w);
      await expectRejected(w.ledger, accept(w, 'Org4MSP', id, ''), 'MSP_DEFINITION_REQUIRED');
    });

    it('refuses a definition argument that is not JSON with MALFORMED_INPUT', async () => {
      const id = await approvedInvitation(w);
      await expectRejected(w.ledger, accept(w, 'Org4MSP', id, 'Org4MSP'), 'MALFORMED_INPUT');
    });

    it('refuses a definition with a leaf root certificate with NOT_A_CA_CERTIFICATE', async () => {
      const id = await approvedInvitation(w);
      const leaf = { ...definitionFor('Org4MSP'), rootCerts: [mspVectors.certificates.leaf] };
      const err = await expectRejected(
        w.ledger,
        accept(w, 'Org4MSP', id, JSON.stringify(leaf)),
        'NOT_A_CA_CERTIFICATE',
      );
      expect(err.message).to.contain('mspDefinition: rootCerts[0]');
    });

    it('refuses a definition with text for a certificate with INVALID_CERTIFICATE', async () => {
      const id = await approvedInvitation(w);
      const bad = { ...definitionFor('Org4MSP'), tlsRootCerts: ['not a certificate'] };
      await expectRejected(
        w.ledger,
        accept(w, 'Org4MSP', id, JSON.stringify(bad)),
        'INVALID_CERTIFICATE',
      );
    });

    it('refuses an admin of another root presenting the voted definition with IDENTITY_NOT_IN_DEFINITION', async () => {
      const id = await approvedInvitation(w);
      const err = await expectRejected(
        w.ledger,
        accept(
          w,
          'Org4MSP',
          id,
          JSON.stringify(definitionFor('Org4MSP')),
          mspVectors.certificates.otherAdmin,
        ),
        'IDENTITY_NOT_IN_DEFINITION',
      );
      expect(err.message).to.contain(`of the Org4MSP definition voted for invitation ${id}`);
      expect((await getInvitation(w, id)).status).to.equal('PENDING');
    });

    it('refuses a caller whose identity is not a certificate with IDENTITY_NOT_IN_DEFINITION', async () => {
      const id = await approvedInvitation(w);
      await expectRejected(
        w.ledger,
        accept(w, 'Org4MSP', id, JSON.stringify(definitionFor('Org4MSP')), null),
        'IDENTITY_NOT_IN_DEFINITION',
      );
    });

    it('lets the invitee decline without presenting a definition', async () => {
      const id = await approvedInvitation(w);
      await w.ledger.submit(w.contract, admin('Org4MSP', APPROVED_AT + 1), (c, ctx) =>
        c.rejectInvitation(ctx, id),
      );
      expect((await getInvitation(w, id)).status).to.equal('REJECTED');
    });

    it('keeps the voted definition on the proposal it came from', async () => {
      const id = await approvedInvitation(w);
      const invitation = await getInvitation(w, id);
      const proposal = await getProposal(w, invitation.proposalId);
      expect(
        'Invitations' in proposal.actions && proposal.actions.Invitations[0]?.MspDefinitionHash,
      ).to.equal(invitation.mspDefinitionHash);
    });
  });
});
