/**
 * MSP ids that differ only in case name one organisation to the feeds contract: a subscription
 * for `org2msp` while `Org2MSP` is subscribed is a second grant, and the owner in other letters
 * is still the owner. (See the README's chaincode section for why.)
 */
import { expect } from 'chai';
import { OTHER, admin, expectRejected, setup } from './helpers';

describe('feeds: MSP ids that differ only in case', () => {
  it('refuses a subscription for a case variant of a subscriber with ALREADY_SUBSCRIBED', async () => {
    const { ledger, contract } = await setup();
    await ledger.submit(contract, admin(), (c, ctx) => c.grantSubscription(ctx, 'eth-usd', OTHER));
    const err = await expectRejected(
      ledger,
      () =>
        ledger.submit(contract, admin(), (c, ctx) =>
          c.grantSubscription(ctx, 'eth-usd', 'ORG2msp'),
        ),
      'ALREADY_SUBSCRIBED',
    );
    expect(err.message).to.equal(
      '[ALREADY_SUBSCRIBED] ORG2msp is subscribed to eth-usd as Org2MSP (MSP ids that differ only in case name one organisation)',
    );
  });

  it('refuses a subscription for a case variant of the owner with MALFORMED_INPUT', async () => {
    const { ledger, contract } = await setup();
    const err = await expectRejected(
      ledger,
      () =>
        ledger.submit(contract, admin(), (c, ctx) =>
          c.grantSubscription(ctx, 'eth-usd', 'org1msp'),
        ),
      'MALFORMED_INPUT',
    );
    expect(err.message).to.equal('[MALFORMED_INPUT] org1msp owns feed eth-usd as Org1MSP');
  });
});
