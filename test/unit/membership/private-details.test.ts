import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { MEMBERSHIP_PRIVATE_COLLECTION, detailsHash } from '../../../chaincode/src/membership';
import { T0, admin, client, expectRejected, initialised, propose, type World } from './helpers';
import { inviting } from '../../support/msp-vectors';

const INVITE_ORG4 = inviting('Org4MSP');
const SALT = 'c2FsdC1mb3ItdGVzdHM=';
const RATIONALE = 'Org4 runs a price oracle node';
const CONTACT = 'ops@org4.example';
const DETAILS_KEY = (id: string) => `\u0000membership.details\u0000${id}\u0000`;

function details(w: World, proposalId: string, mspId = 'Org2MSP') {
  return () =>
    w.ledger.evaluate(w.contract, client(mspId), (c, ctx) => c.getProposalDetails(ctx, proposalId));
}

function createWith(w: World, transient: Record<string, string>, actions: unknown = INVITE_ORG4) {
  return () =>
    w.ledger.submit(w.contract, admin('Org1MSP', T0, transient), (c, ctx) =>
      c.createProposal(ctx, JSON.stringify(actions), 'with details', 'tok-details'),
    );
}

describe('membership private details', () => {
  let w: World;
  beforeEach(async () => {
    w = await initialised();
  });

  it('hashes SHA-256 of the salt followed by the canonical JSON of the fields', () => {
    const expected = createHash('sha256')
      .update(`${SALT}{"contact":"${CONTACT}","rationale":"${RATIONALE}"}`, 'utf8')
      .digest('hex');
    expect(detailsHash(SALT, { rationale: RATIONALE, contact: CONTACT })).to.equal(expected);
  });

  it('leaves an absent field out of the hashed JSON', () => {
    const expected = createHash('sha256')
      .update(`${SALT}{"rationale":"${RATIONALE}"}`, 'utf8')
      .digest('hex');
    expect(detailsHash(SALT, { rationale: RATIONALE })).to.equal(expected);
  });

  it('keeps only the salted hash on the public proposal', async () => {
    const p = await propose(
      w,
      admin('Org1MSP', T0, { rationale: RATIONALE, contact: CONTACT, salt: SALT }),
      INVITE_ORG4,
    );
    expect(p.detailsHash).to.equal(detailsHash(SALT, { rationale: RATIONALE, contact: CONTACT }));
  });

  it('writes neither the rationale, the contact nor the salt to public state', async () => {
    await propose(
      w,
      admin('Org1MSP', T0, { rationale: RATIONALE, contact: CONTACT, salt: SALT }),
      INVITE_ORG4,
    );
    const publicText = [...w.ledger.state.values()]
      .map((v) => Buffer.from(v).toString('utf8'))
      .join('\n');
    expect(publicText).to.not.contain(RATIONALE);
    expect(publicText).to.not.contain(CONTACT);
    expect(publicText).to.not.contain(SALT);
  });

  it('stores the details in the membershipPrivate collection', async () => {
    const p = await propose(
      w,
      admin('Org1MSP', T0, { rationale: RATIONALE, salt: SALT }),
      INVITE_ORG4,
    );
    const stored = w.ledger
      .collection(MEMBERSHIP_PRIVATE_COLLECTION)
      .get(DETAILS_KEY(p.proposalId));
    expect(JSON.parse(Buffer.from(stored!).toString('utf8'))).to.deep.equal({
      proposalId: p.proposalId,
      rationale: RATIONALE,
      salt: SALT,
    });
  });

  it('returns the details to a member after checking the hash', async () => {
    const p = await propose(
      w,
      admin('Org1MSP', T0, { rationale: RATIONALE, contact: CONTACT, salt: SALT }),
      INVITE_ORG4,
    );
    const out = await details(w, p.proposalId)();
    expect(JSON.parse(out)).to.deep.equal({
      proposalId: p.proposalId,
      rationale: RATIONALE,
      contact: CONTACT,
      salt: SALT,
      detailsHash: p.detailsHash,
    });
  });

  it('refuses a non-member reader with NOT_A_MEMBER', async () => {
    const p = await propose(
      w,
      admin('Org1MSP', T0, { rationale: RATIONALE, salt: SALT }),
      INVITE_ORG4,
    );
    const err = await expectRejected(w.ledger, details(w, p.proposalId, 'Org4MSP'), 'NOT_A_MEMBER');
    expect(err.message).to.contain('Org4MSP');
  });

  it('refuses details of a proposal created without them with DETAILS_NOT_FOUND', async () => {
    const p = await propose(w, admin('Org1MSP'), INVITE_ORG4);
    await expectRejected(w.ledger, details(w, p.proposalId), 'DETAILS_NOT_FOUND');
  });

  it('refuses details of an unknown proposal with PROPOSAL_NOT_FOUND', async () => {
    await expectRejected(w.ledger, details(w, 'p-0123456789abcdef'), 'PROPOSAL_NOT_FOUND');
  });

  it('reports tampered private data with DETAILS_HASH_MISMATCH', async () => {
    const p = await propose(
      w,
      admin('Org1MSP', T0, { rationale: RATIONALE, salt: SALT }),
      INVITE_ORG4,
    );
    w.ledger
      .collection(MEMBERSHIP_PRIVATE_COLLECTION)
      .set(
        DETAILS_KEY(p.proposalId),
        Buffer.from(JSON.stringify({ proposalId: p.proposalId, rationale: 'other', salt: SALT })),
      );
    await expectRejected(w.ledger, details(w, p.proposalId), 'DETAILS_HASH_MISMATCH');
  });

  it('reports a peer missing the private data with DETAILS_UNAVAILABLE', async () => {
    const p = await propose(
      w,
      admin('Org1MSP', T0, { rationale: RATIONALE, salt: SALT }),
      INVITE_ORG4,
    );
    w.ledger.collection(MEMBERSHIP_PRIVATE_COLLECTION).delete(DETAILS_KEY(p.proposalId));
    await expectRejected(w.ledger, details(w, p.proposalId), 'DETAILS_UNAVAILABLE');
  });

  it('reports a peer outside the collection with DETAILS_UNAVAILABLE', async () => {
    const p = await propose(
      w,
      admin('Org1MSP', T0, { rationale: RATIONALE, salt: SALT }),
      INVITE_ORG4,
    );
    w.ledger.collectionReaders.set(MEMBERSHIP_PRIVATE_COLLECTION, new Set(['Org1MSP']));
    const err = await expectRejected(
      w.ledger,
      details(w, p.proposalId, 'Org2MSP'),
      'DETAILS_UNAVAILABLE',
    );
    expect(err.message).to.contain(MEMBERSHIP_PRIVATE_COLLECTION);
  });

  it('refuses details without a salt with SALT_REQUIRED', async () => {
    await expectRejected(w.ledger, createWith(w, { rationale: RATIONALE }), 'SALT_REQUIRED');
  });

  it('refuses a salt shorter than 16 characters with MALFORMED_INPUT', async () => {
    await expectRejected(
      w.ledger,
      createWith(w, { rationale: RATIONALE, salt: 'short' }),
      'MALFORMED_INPUT',
    );
  });

  it('refuses an empty rationale with MALFORMED_INPUT', async () => {
    await expectRejected(w.ledger, createWith(w, { rationale: '', salt: SALT }), 'MALFORMED_INPUT');
  });

  it('refuses contact details on a removal with MALFORMED_INPUT', async () => {
    const err = await expectRejected(
      w.ledger,
      createWith(w, { contact: CONTACT, salt: SALT }, { Removals: [{ MemberId: 'Org3MSP' }] }),
      'MALFORMED_INPUT',
    );
    expect(err.message).to.contain('contact');
  });

  it('accepts a rationale on a removal', async () => {
    const p = await propose(w, admin('Org1MSP', T0, { rationale: RATIONALE, salt: SALT }), {
      Removals: [{ MemberId: 'Org3MSP' }],
    });
    expect(p.detailsHash).to.equal(detailsHash(SALT, { rationale: RATIONALE }));
  });
});
