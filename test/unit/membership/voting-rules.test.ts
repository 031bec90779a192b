import { expect } from 'chai';
import { ChaincodeError } from '../../../chaincode/src/lib/errors';
import {
  decide,
  expirationMs,
  requiredYesVotes,
  validatePolicy,
} from '../../../chaincode/src/membership';

function policyError(input: unknown): ChaincodeError {
  try {
    validatePolicy(input);
  } catch (err) {
    expect(err).to.be.instanceOf(ChaincodeError);
    return err as ChaincodeError;
  }
  throw new Error('expected validatePolicy to throw');
}

describe('membership voting rules', () => {
  describe('requiredYesVotes', () => {
    it('needs 6 of 10 at 50% GREATER_THAN, the documented example', () => {
      expect(requiredYesVotes(10, 50, 'GREATER_THAN')).to.equal(6);
    });

    it('needs 5 of 10 at 50% GREATER_THAN_OR_EQUAL_TO', () => {
      expect(requiredYesVotes(10, 50, 'GREATER_THAN_OR_EQUAL_TO')).to.equal(5);
    });

    it('needs 4 of 6 at 50% GREATER_THAN, so a 3-3 split fails as documented', () => {
      expect(requiredYesVotes(6, 50, 'GREATER_THAN')).to.equal(4);
    });

    it('rounds up a fractional share with GREATER_THAN_OR_EQUAL_TO (3 members, 67% -> 3)', () => {
      expect(requiredYesVotes(3, 67, 'GREATER_THAN_OR_EQUAL_TO')).to.equal(3);
    });

    it('takes floor plus one of a fractional share with GREATER_THAN (3 members, 33% -> 1)', () => {
      expect(requiredYesVotes(3, 33, 'GREATER_THAN')).to.equal(1);
    });

    it('is exact where floating point would not be (7 members, 100% GTE -> 7)', () => {
      expect(requiredYesVotes(7, 100, 'GREATER_THAN_OR_EQUAL_TO')).to.equal(7);
    });

    it('raises p = 0 with GREATER_THAN_OR_EQUAL_TO from 0 to 1 vote', () => {
      expect(requiredYesVotes(5, 0, 'GREATER_THAN_OR_EQUAL_TO')).to.equal(1);
    });

    it('needs 1 vote at p = 0 with GREATER_THAN', () => {
      expect(requiredYesVotes(5, 0, 'GREATER_THAN')).to.equal(1);
    });

    it('keeps p = 100 with GREATER_THAN at N + 1, which no vote can reach', () => {
      expect(requiredYesVotes(4, 100, 'GREATER_THAN')).to.equal(5);
    });

    it('refuses a member count of zero with a RangeError', () => {
      expect(() => requiredYesVotes(0, 50, 'GREATER_THAN')).to.throw(RangeError, /member count/);
    });

    it('refuses a fractional percentage with a RangeError', () => {
      expect(() => requiredYesVotes(3, 50.5, 'GREATER_THAN')).to.throw(RangeError, /percentage/);
    });

    it('refuses a percentage above 100 with a RangeError', () => {
      expect(() => requiredYesVotes(3, 101, 'GREATER_THAN')).to.throw(RangeError, /percentage/);
    });
  });

  describe('decide', () => {
    const later = 2_000;
    const expiry = 1_000;

    it('approves once YES reaches the required number', () => {
      expect(decide({ yes: 3, no: 0, eligible: 5 }, 3, 0, expiry)).to.equal('APPROVED');
    });

    it('rejects as soon as YES plus outstanding falls below the required number', () => {
      expect(decide({ yes: 1, no: 3, eligible: 5 }, 3, 0, expiry)).to.equal('REJECTED');
    });

    it('stays in progress while approval is still reachable', () => {
      expect(decide({ yes: 1, no: 2, eligible: 5 }, 3, 0, expiry)).to.equal('IN_PROGRESS');
    });

    it('expires an undecided proposal at exactly its expiration', () => {
      expect(decide({ yes: 1, no: 0, eligible: 5 }, 3, expiry, expiry)).to.equal('EXPIRED');
    });

    it('prefers APPROVED over EXPIRED when both hold', () => {
      expect(decide({ yes: 3, no: 0, eligible: 5 }, 3, later, expiry)).to.equal('APPROVED');
    });

    it('prefers REJECTED over EXPIRED when both hold', () => {
      expect(decide({ yes: 0, no: 5, eligible: 5 }, 3, later, expiry)).to.equal('REJECTED');
    });

    it('rejects an unreachable requirement before any vote', () => {
      expect(decide({ yes: 0, no: 0, eligible: 4 }, 5, 0, expiry)).to.equal('REJECTED');
    });

    it('refuses a tally with more votes than eligible members', () => {
      expect(() => decide({ yes: 3, no: 3, eligible: 5 }, 3, 0, expiry)).to.throw(
        RangeError,
        /inconsistent tally/,
      );
    });
  });

  describe('expirationMs', () => {
    it('adds the policy duration in hours', () => {
      const policy = {
        ThresholdPercentage: 50,
        ThresholdComparator: 'GREATER_THAN' as const,
        ProposalDurationInHours: 2,
      };
      expect(expirationMs(1_000, policy)).to.equal(1_000 + 7_200_000);
    });
  });

  describe('validatePolicy', () => {
    const valid = {
      ThresholdPercentage: 50,
      ThresholdComparator: 'GREATER_THAN',
      ProposalDurationInHours: 24,
    };

    it('accepts the documented example policy', () => {
      expect(validatePolicy(valid)).to.deep.equal(valid);
    });

    it('accepts the range ends 0% and 168 hours', () => {
      const edge = { ...valid, ThresholdPercentage: 0, ProposalDurationInHours: 168 };
      expect(validatePolicy(edge)).to.deep.equal(edge);
    });

    it('rejects a percentage above 100 as POLICY_OUT_OF_RANGE', () => {
      const err = policyError({ ...valid, ThresholdPercentage: 101 });
      expect(err.code).to.equal('POLICY_OUT_OF_RANGE');
      expect(err.message).to.contain('ThresholdPercentage');
    });

    it('rejects a negative percentage as POLICY_OUT_OF_RANGE', () => {
      expect(policyError({ ...valid, ThresholdPercentage: -1 }).code).to.equal(
        'POLICY_OUT_OF_RANGE',
      );
    });

    it('rejects a fractional percentage as POLICY_OUT_OF_RANGE', () => {
      expect(policyError({ ...valid, ThresholdPercentage: 50.5 }).code).to.equal(
        'POLICY_OUT_OF_RANGE',
      );
    });

    it('rejects a duration of 0 hours as POLICY_OUT_OF_RANGE', () => {
      const err = policyError({ ...valid, ProposalDurationInHours: 0 });
      expect(err.code).to.equal('POLICY_OUT_OF_RANGE');
      expect(err.message).to.contain('ProposalDurationInHours');
    });

    it('rejects a duration of 169 hours as POLICY_OUT_OF_RANGE', () => {
      expect(policyError({ ...valid, ProposalDurationInHours: 169 }).code).to.equal(
        'POLICY_OUT_OF_RANGE',
      );
    });

    it('rejects an unknown comparator as POLICY_OUT_OF_RANGE', () => {
      const err = policyError({ ...valid, ThresholdComparator: 'LESS_THAN' });
      expect(err.code).to.equal('POLICY_OUT_OF_RANGE');
      expect(err.message).to.contain('LESS_THAN');
    });

    it('rejects a missing field as MALFORMED_INPUT', () => {
      expect(
        policyError({ ThresholdPercentage: 50, ThresholdComparator: 'GREATER_THAN' }).code,
      ).to.equal('MALFORMED_INPUT');
    });

    it('rejects a percentage given as a string as MALFORMED_INPUT', () => {
      expect(policyError({ ...valid, ThresholdPercentage: '50' }).code).to.equal('MALFORMED_INPUT');
    });

    it('rejects an unknown field as MALFORMED_INPUT', () => {
      const err = policyError({ ...valid, Extra: 1 });
      expect(err.code).to.equal('MALFORMED_INPUT');
      expect(err.message).to.contain('Extra');
    });

    it('rejects an array as MALFORMED_INPUT', () => {
      expect(policyError([valid]).code).to.equal('MALFORMED_INPUT');
    });
  });
});
