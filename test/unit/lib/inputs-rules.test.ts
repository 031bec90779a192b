/**
 * The input rules both contracts share (chaincode/src/lib): one page-size limit and one MSP-id
 * rule, so a list or an MSP id is accepted or refused alike by the feeds and membership contracts.
 */
import { expect } from 'chai';
import { ChaincodeError } from '../../../chaincode/src/lib/errors';
import { MSP_ID_PATTERN, parseMspId } from '../../../chaincode/src/lib/msp-ids';
import { MAX_PAGE_SIZE, parsePageSize } from '../../../chaincode/src/lib/pages';
import { FeedsContract } from '../../../chaincode/src/feeds/feeds-contract';
import { MembershipContract } from '../../../chaincode/src/membership';
import { FakeLedger } from '../../support/fake-ledger';
import { refusal } from '../../support/refusal';

describe('shared input rules', () => {
  describe('page size', () => {
    it('is at most 100 records for every list', () => {
      expect(MAX_PAGE_SIZE).to.equal(100);
      expect(parsePageSize('1')).to.equal(1);
      expect(parsePageSize('100')).to.equal(100);
    });

    for (const text of ['101', '1000', '0', '010', '1.5', '', ' 5', '-1']) {
      it(`refuses the page size ${JSON.stringify(text)} with MALFORMED_INPUT`, () => {
        const err = refusal(() => parsePageSize(text));
        expect(err.code).to.equal('MALFORMED_INPUT');
        expect(err.message).to.equal(
          `[MALFORMED_INPUT] pageSize must be an integer from 1 to 100, got ${JSON.stringify(text)}`,
        );
      });
    }

    it('refuses 101 from the feeds and the membership contract alike', async () => {
      const ledger = new FakeLedger();
      const tx = { mspId: 'Org1MSP', txTimeMs: Date.parse('2026-01-01T00:00:00Z') };
      let feedsError: unknown;
      await ledger
        .evaluate(new FeedsContract(), tx, (c, ctx) => c.listFeeds(ctx, '101', ''))
        .catch((err: unknown) => (feedsError = err));
      expect(feedsError).to.be.instanceOf(ChaincodeError);
      expect((feedsError as ChaincodeError).code).to.equal('MALFORMED_INPUT');
      expect((feedsError as ChaincodeError).message).to.contain('pageSize must be');
      const membership = new MembershipContract();
      await ledger.submit(membership, { ...tx, attrs: { 'membership.admin': 'true' } }, (c, ctx) =>
        c.initialize(
          ctx,
          '{"ThresholdPercentage":50,"ThresholdComparator":"GREATER_THAN","ProposalDurationInHours":24}',
          '["Org1MSP"]',
        ),
      );
      let membershipError: unknown;
      await ledger
        .evaluate(membership, tx, (c, ctx) => c.listProposals(ctx, '', '101', ''))
        .catch((err: unknown) => (membershipError = err));
      expect((membershipError as ChaincodeError).message).to.equal(
        (feedsError as ChaincodeError).message,
      );
    });
  });

  describe('MSP ids', () => {
    it('accepts a letter or digit then letters, digits, dot, underscore and dash, up to 128', () => {
      expect(parseMspId('Org1MSP', 'mspId')).to.equal('Org1MSP');
      expect(parseMspId('0rg.a_b-c', 'mspId')).to.equal('0rg.a_b-c');
      expect(parseMspId('a'.repeat(128), 'mspId')).to.have.length(128);
      expect(MSP_ID_PATTERN.test('a'.repeat(129))).to.equal(false);
    });

    for (const value of ['', '-Org1', '.Org1', 'Org 1', 'Org1:MSP', 'a'.repeat(129)]) {
      it(`refuses ${JSON.stringify(value.slice(0, 12))} (length ${value.length}) with MALFORMED_INPUT naming the argument`, () => {
        const err = refusal(() => parseMspId(value, 'principalFilter'));
        expect(err.code).to.equal('MALFORMED_INPUT');
        expect(err.message).to.match(/^\[MALFORMED_INPUT\] principalFilter must be an MSP id/);
      });
    }

    it('refuses a value that is not a string, naming its type', () => {
      const err = refusal(() => parseMspId(42, 'foundingMembers[0]'));
      expect(err.message).to.match(/foundingMembers\[0\] must be an MSP id .*, got number$/);
    });
  });
});
