/**
 * A proposal's tally and decision as pure functions: votes, eligible voters and the transaction
 * time in; counters, status and the coded refusal of a vote out. No ledger.
 */
import { expect } from 'chai';
import {
  applyTally,
  checkVote,
  expiredProposal,
  recordedTally,
  tally,
  type Ballot,
  type ProposalRecord,
} from '../../../chaincode/src/membership';
import { refusal } from '../../support/refusal';
import { canonicalMspDefinition, mspDefinitionHash } from '@oracle-consortium/protocol';
import { definitionFor } from '../../support/msp-vectors';

const CREATED_MS = Date.parse('2026-01-01T00:00:00.000Z');
const EXPIRES_MS = CREATED_MS + 24 * 3_600_000;
const VOTERS = ['Org1MSP', 'Org2MSP', 'Org3MSP', 'Org4MSP', 'Org5MSP'];

/** An open proposal of five eligible voters needing three YES votes (50% GREATER_THAN). */
function proposalOf(overrides: Partial<ProposalRecord> = {}): ProposalRecord {
  return {
    proposalId: 'p-0123456789abcdef',
    proposedBy: 'Org1MSP',
    description: 'invite Org6',
    actions: {
      Invitations: [
        {
          Principal: 'Org6MSP',
          MspDefinition: canonicalMspDefinition(definitionFor('Org6MSP')),
          MspDefinitionHash: mspDefinitionHash(definitionFor('Org6MSP')),
        },
      ],
    },
    clientRequestToken: 't-1',
    status: 'IN_PROGRESS',
    creationDate: new Date(CREATED_MS).toISOString(),
    expirationDate: new Date(EXPIRES_MS).toISOString(),
    eligibleVoters: VOTERS,
    requiredYesVotes: 3,
    yesVoteCount: 0,
    noVoteCount: 0,
    outstandingVoteCount: 5,
    detailsHash: null,
    invitationIds: [],
    ...overrides,
  };
}

function votes(...spec: [string, 'YES' | 'NO'][]): Ballot[] {
  return spec.map(([memberId, vote]) => ({ memberId, vote }));
}

describe('membership: proposal tally and decision (pure)', () => {
  describe('tally', () => {
    it('counts YES and NO votes of eligible voters, in any order', () => {
      const t = tally(votes(['Org3MSP', 'NO'], ['Org1MSP', 'YES'], ['Org5MSP', 'YES']), VOTERS);
      expect(t).to.deep.equal({ yes: 2, no: 1, eligible: 5 });
    });

    it('counts no votes as zero of each', () => {
      expect(tally([], VOTERS)).to.deep.equal({ yes: 0, no: 0, eligible: 5 });
    });

    it('refuses a vote by a member who was not eligible with a RangeError', () => {
      expect(() => tally(votes(['Org9MSP', 'YES']), VOTERS)).to.throw(
        RangeError,
        'Org9MSP voted but is not an eligible voter',
      );
    });

    it('refuses two votes by one member with a RangeError', () => {
      expect(() => tally(votes(['Org2MSP', 'YES'], ['Org2MSP', 'NO']), VOTERS)).to.throw(
        RangeError,
        'Org2MSP voted twice',
      );
    });
  });

  describe('applyTally', () => {
    const now = CREATED_MS + 3_600_000;

    it('keeps the proposal open while YES can still reach the required count', () => {
      const next = applyTally(proposalOf(), { yes: 2, no: 1, eligible: 5 }, now);
      expect(next).to.include({
        status: 'IN_PROGRESS',
        yesVoteCount: 2,
        noVoteCount: 1,
        outstandingVoteCount: 2,
      });
      expect(next.statusChangedDate).to.equal(undefined);
    });

    it('approves on the vote that reaches the required count, dated at the transaction time', () => {
      const next = applyTally(proposalOf(), { yes: 3, no: 0, eligible: 5 }, now);
      expect(next).to.include({
        status: 'APPROVED',
        yesVoteCount: 3,
        outstandingVoteCount: 2,
        statusChangedDate: new Date(now).toISOString(),
      });
    });

    it('rejects early once YES plus the outstanding votes can no longer reach the count', () => {
      // 1 YES, 3 NO, 1 outstanding: at most 2 YES of the 3 required.
      const next = applyTally(proposalOf(), { yes: 1, no: 3, eligible: 5 }, now);
      expect(next).to.include({ status: 'REJECTED', outstandingVoteCount: 1 });
    });

    it('keeps a proposal that can still pass open one millisecond before its expiration', () => {
      const next = applyTally(proposalOf(), { yes: 1, no: 0, eligible: 5 }, EXPIRES_MS - 1);
      expect(next.status).to.equal('IN_PROGRESS');
    });

    it('expires an undecided proposal at its expiration', () => {
      const next = applyTally(proposalOf(), { yes: 1, no: 0, eligible: 5 }, EXPIRES_MS);
      expect(next).to.include({
        status: 'EXPIRED',
        statusChangedDate: new Date(EXPIRES_MS).toISOString(),
      });
    });

    it('approves rather than expires when the deciding vote and the expiration coincide', () => {
      const next = applyTally(proposalOf(), { yes: 3, no: 0, eligible: 5 }, EXPIRES_MS);
      expect(next.status).to.equal('APPROVED');
    });

    it('rejects at creation a proposal needing more YES votes than there are voters', () => {
      const impossible = proposalOf({ requiredYesVotes: 6 });
      expect(applyTally(impossible, { yes: 0, no: 0, eligible: 5 }, CREATED_MS).status).to.equal(
        'REJECTED',
      );
    });

    it('refuses a tally with more votes than eligible voters with a RangeError', () => {
      expect(() => applyTally(proposalOf(), { yes: 4, no: 2, eligible: 5 }, now)).to.throw(
        RangeError,
      );
    });
  });

  describe('expiredProposal', () => {
    it('gives the EXPIRED proposal once an open one has passed its expiration', () => {
      const stored = proposalOf({ yesVoteCount: 1, outstandingVoteCount: 4 });
      expect(recordedTally(stored)).to.deep.equal({ yes: 1, no: 0, eligible: 5 });
      const expired = expiredProposal(stored, EXPIRES_MS + 1);
      expect(expired).to.include({ status: 'EXPIRED', yesVoteCount: 1 });
    });

    it('leaves an open proposal before its expiration alone', () => {
      expect(expiredProposal(proposalOf(), EXPIRES_MS - 1)).to.equal(undefined);
    });

    it('leaves a decided proposal alone after its expiration', () => {
      const approved = proposalOf({ status: 'APPROVED', yesVoteCount: 3 });
      expect(expiredProposal(approved, EXPIRES_MS + 1)).to.equal(undefined);
    });
  });

  describe('checkVote', () => {
    const now = CREATED_MS + 60_000;

    it('lets an eligible member vote once on an open proposal', () => {
      expect(() => {
        checkVote(proposalOf(), votes(['Org1MSP', 'YES']), 'Org2MSP', now);
      }).not.to.throw();
    });

    it('refuses a member who joined after creation with NOT_ELIGIBLE', () => {
      const err = refusal(() => {
        checkVote(proposalOf(), [], 'Org6MSP', now);
      });
      expect(err.code).to.equal('NOT_ELIGIBLE');
      expect(err.message).to.equal(
        '[NOT_ELIGIBLE] Org6MSP was not a member when p-0123456789abcdef was created',
      );
    });

    it('refuses a vote at the expiration with PROPOSAL_EXPIRED, though EXPIRED is not recorded', () => {
      const err = refusal(() => {
        checkVote(proposalOf(), [], 'Org2MSP', EXPIRES_MS);
      });
      expect(err.code).to.equal('PROPOSAL_EXPIRED');
      expect(err.message).to.contain('closeProposal records it');
    });

    it('refuses a vote on a recorded EXPIRED proposal with PROPOSAL_EXPIRED', () => {
      const expired = proposalOf({ status: 'EXPIRED' });
      expect(
        refusal(() => {
          checkVote(expired, [], 'Org2MSP', now);
        }).code,
      ).to.equal('PROPOSAL_EXPIRED');
    });

    it('refuses a vote on a decided proposal with PROPOSAL_CLOSED, even after the expiration', () => {
      const approved = proposalOf({ status: 'APPROVED' });
      const err = refusal(() => {
        checkVote(approved, [], 'Org2MSP', EXPIRES_MS + 1);
      });
      expect(err.code).to.equal('PROPOSAL_CLOSED');
      expect(err.message).to.equal('[PROPOSAL_CLOSED] p-0123456789abcdef is already APPROVED');
    });

    it('refuses a second vote by one member with ALREADY_VOTED', () => {
      const err = refusal(() => {
        checkVote(proposalOf(), votes(['Org2MSP', 'NO']), 'Org2MSP', now);
      });
      expect(err.code).to.equal('ALREADY_VOTED');
      expect(err.message).to.equal(
        '[ALREADY_VOTED] Org2MSP has already voted on p-0123456789abcdef',
      );
    });
  });
});
