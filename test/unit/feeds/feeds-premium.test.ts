import { createHash } from 'node:crypto';
import { expect } from 'chai';
import type { PremiumRecord, RoundRecord } from '../../../chaincode/src/feeds/types';
import { compositeKey } from '../../support/fake-ledger';
import {
  OTHER,
  OWNER,
  THIRD,
  admin,
  expectCode,
  expectRejected,
  makeReport,
  member,
  setup,
} from './helpers';

const SALT = '5a'.repeat(32);
const PREMIUM = { answer: '3500.123456789012', sources: ['a', 'b'] };
const premiumKey = (round: string): string =>
  compositeKey('feed.premium', ['eth-usd', round.padStart(20, '0')]);

async function subscribed(...msps: string[]) {
  const s = await setup();
  for (const msp of msps) {
    await s.ledger.submit(s.contract, admin(), (c, ctx) =>
      c.grantSubscription(ctx, 'eth-usd', msp),
    );
  }
  return s;
}

type S = Awaited<ReturnType<typeof setup>>;

async function reportWithPremium(s: S, roundId = '1', premium: unknown = PREMIUM): Promise<string> {
  const report = JSON.stringify(makeReport(s.feed, s.oracles, { roundId }));
  return s.ledger.submit(
    s.contract,
    { ...admin(), transient: { premium: JSON.stringify(premium), salt: SALT } },
    (c, ctx) => c.submitReport(ctx, report),
  );
}

describe('feeds: subscriptions', () => {
  it('accepts an MSP id with an underscore, as the membership contract does', async () => {
    const { ledger } = await subscribed('Org_4MSP');
    expect(
      ledger.readJson(compositeKey('feed.subscription', ['eth-usd', 'Org_4MSP'])),
    ).to.deep.include({
      mspId: 'Org_4MSP',
    });
  });

  it('records a subscription publicly', async () => {
    const { ledger } = await subscribed(OTHER);
    expect(ledger.readJson(compositeKey('feed.subscription', ['eth-usd', OTHER]))).to.deep.include({
      feedId: 'eth-usd',
      mspId: OTHER,
    });
  });

  it('lists subscriptions', async () => {
    const { ledger, contract } = await subscribed(THIRD, OTHER);
    const list = JSON.parse(
      await ledger.evaluate(contract, member(OTHER), (c, ctx) =>
        c.listSubscriptions(ctx, 'eth-usd'),
      ),
    ) as { mspId: string }[];
    expect(list.map((s) => s.mspId)).to.deep.equal([OTHER, THIRD]);
  });

  it('refuses a second grant to the same member', async () => {
    const { ledger, contract } = await subscribed(OTHER);
    await expectRejected(
      ledger,
      () =>
        ledger.submit(contract, admin(), (c, ctx) => c.grantSubscription(ctx, 'eth-usd', OTHER)),
      'ALREADY_SUBSCRIBED',
    );
  });

  it('refuses to subscribe the owner itself', async () => {
    const { ledger, contract } = await setup();
    await expectRejected(
      ledger,
      () =>
        ledger.submit(contract, admin(), (c, ctx) => c.grantSubscription(ctx, 'eth-usd', OWNER)),
      'MALFORMED_INPUT',
    );
  });

  it('refuses an MSP id with spaces', async () => {
    const { ledger, contract } = await setup();
    await expectRejected(
      ledger,
      () =>
        ledger.submit(contract, admin(), (c, ctx) => c.grantSubscription(ctx, 'eth-usd', 'Org 2')),
      'MALFORMED_INPUT',
    );
  });

  it('refuses a grant by a member that does not own the feed', async () => {
    const { ledger, contract } = await setup();
    await expectRejected(
      ledger,
      () =>
        ledger.submit(contract, admin(OTHER), (c, ctx) =>
          c.grantSubscription(ctx, 'eth-usd', OTHER),
        ),
      'FORBIDDEN',
    );
  });

  it('revokes a subscription', async () => {
    const { ledger, contract } = await subscribed(OTHER);
    await ledger.submit(contract, admin(), (c, ctx) => c.revokeSubscription(ctx, 'eth-usd', OTHER));
    expect(ledger.readJson(compositeKey('feed.subscription', ['eth-usd', OTHER]))).to.equal(
      undefined,
    );
  });

  it('refuses to revoke a subscription that does not exist', async () => {
    const { ledger, contract } = await setup();
    await expectRejected(
      ledger,
      () =>
        ledger.submit(contract, admin(), (c, ctx) => c.revokeSubscription(ctx, 'eth-usd', OTHER)),
      'NOT_SUBSCRIBED',
    );
  });
});

describe('feeds: premium values', () => {
  it('writes the premium value to the owner and each subscriber, and to nobody else', async () => {
    const s = await subscribed(OTHER);
    await reportWithPremium(s);
    expect(s.ledger.collection(`_implicit_org_${OWNER}`).has(premiumKey('1'))).to.equal(true);
    expect(s.ledger.collection(`_implicit_org_${OTHER}`).has(premiumKey('1'))).to.equal(true);
    expect(s.ledger.collection(`_implicit_org_${THIRD}`).size).to.equal(0);
  });

  it('stores only sha256(salt bytes || canonical JSON of the value) publicly', async () => {
    const s = await subscribed(OTHER);
    await reportWithPremium(s);
    const expected = createHash('sha256')
      .update(Buffer.from(SALT, 'hex'))
      .update('{"answer":"3500.123456789012","sources":["a","b"]}')
      .digest('hex');
    const round = s.ledger.readJson(
      compositeKey('feed.round', ['eth-usd', '00000000000000000001']),
    ) as RoundRecord;
    expect(round.premiumHash).to.equal(expected);
    const publicText = [...s.ledger.state.values()].map((v) => Buffer.from(v).toString()).join();
    expect(publicText).to.not.contain('3500.123456789012');
    expect(publicText).to.not.contain(SALT);
  });

  it('serves the premium value to a subscriber through its own peer', async () => {
    const s = await subscribed(OTHER);
    await reportWithPremium(s);
    const got = JSON.parse(
      await s.ledger.evaluate(s.contract, member(OTHER), (c, ctx) =>
        c.getPremium(ctx, 'eth-usd', '1'),
      ),
    ) as PremiumRecord;
    expect(got).to.deep.include({ feedId: 'eth-usd', roundId: '1', salt: SALT, value: PREMIUM });
  });

  it('serves the premium value to the owner', async () => {
    const s = await subscribed();
    await reportWithPremium(s);
    const got = JSON.parse(
      await s.ledger.evaluate(s.contract, member(OWNER), (c, ctx) =>
        c.getPremium(ctx, 'eth-usd', '1'),
      ),
    ) as PremiumRecord;
    expect(got.value).to.deep.equal(PREMIUM);
  });

  it('tells a member that is not subscribed so', async () => {
    const s = await subscribed(OTHER);
    await reportWithPremium(s);
    const err = await expectCode(
      s.ledger.evaluate(s.contract, member(THIRD), (c, ctx) => c.getPremium(ctx, 'eth-usd', '1')),
      'NOT_SUBSCRIBED',
    );
    expect(err.message).to.equal(`[NOT_SUBSCRIBED] ${THIRD} is not subscribed to eth-usd`);
  });

  it("refuses to read a subscriber's premium value through another member's peer", async () => {
    const s = await subscribed(OTHER);
    await reportWithPremium(s);
    await expectCode(
      s.ledger.evaluate(s.contract, { ...member(OTHER), peerMspId: OWNER }, (c, ctx) =>
        c.getPremium(ctx, 'eth-usd', '1'),
      ),
      'WRONG_PEER',
    );
  });

  it('says NO_DATA for a round reported before the member subscribed', async () => {
    const s = await subscribed();
    await reportWithPremium(s);
    await s.ledger.submit(s.contract, admin(), (c, ctx) =>
      c.grantSubscription(ctx, 'eth-usd', OTHER),
    );
    await expectCode(
      s.ledger.evaluate(s.contract, member(OTHER), (c, ctx) => c.getPremium(ctx, 'eth-usd', '1')),
      'NO_DATA',
    );
  });

  it('stops writing to a member once its subscription is revoked', async () => {
    const s = await subscribed(OTHER);
    await reportWithPremium(s, '1');
    await s.ledger.submit(s.contract, admin(), (c, ctx) =>
      c.revokeSubscription(ctx, 'eth-usd', OTHER),
    );
    await reportWithPremium(s, '2');
    expect(s.ledger.collection(`_implicit_org_${OTHER}`).has(premiumKey('2'))).to.equal(false);
    await expectCode(
      s.ledger.evaluate(s.contract, member(OTHER), (c, ctx) => c.getPremium(ctx, 'eth-usd', '1')),
      'NOT_SUBSCRIBED',
    );
  });

  it('refuses a premium value from a transmitter without feeds.admin=true', async () => {
    const s = await subscribed(OTHER);
    const report = JSON.stringify(makeReport(s.feed, s.oracles));
    await expectRejected(
      s.ledger,
      () =>
        s.ledger.submit(
          s.contract,
          { ...member(), transient: { premium: '1', salt: SALT } },
          (c, ctx) => c.submitReport(ctx, report),
        ),
      'FORBIDDEN',
    );
  });

  const badTransient: [string, Record<string, string>][] = [
    ['a short salt', { premium: '1', salt: 'abcd' }],
    ['a missing salt', { premium: '1' }],
    ['premium text that is not JSON', { premium: '{', salt: SALT }],
    ['a premium value above 64 KiB', { premium: JSON.stringify('x'.repeat(70_000)), salt: SALT }],
  ];
  for (const [what, transient] of badTransient) {
    it(`refuses ${what} as MALFORMED_INPUT`, async () => {
      const s = await subscribed(OTHER);
      const report = JSON.stringify(makeReport(s.feed, s.oracles));
      await expectRejected(
        s.ledger,
        () =>
          s.ledger.submit(s.contract, { ...admin(), transient }, (c, ctx) =>
            c.submitReport(ctx, report),
          ),
        'MALFORMED_INPUT',
      );
    });
  }

  it('confirms a correctly revealed premium value', async () => {
    const s = await subscribed();
    await reportWithPremium(s);
    const revealed = JSON.stringify({ value: PREMIUM, salt: SALT });
    const result = JSON.parse(
      await s.ledger.evaluate(s.contract, member(THIRD), (c, ctx) =>
        c.verifyPremium(ctx, 'eth-usd', '1', revealed),
      ),
    ) as { valid: boolean };
    expect(result.valid).to.equal(true);
  });

  it('denies a revealed value that differs from the committed one', async () => {
    const s = await subscribed();
    await reportWithPremium(s);
    const revealed = JSON.stringify({ value: { ...PREMIUM, answer: '3500.1' }, salt: SALT });
    const result = JSON.parse(
      await s.ledger.evaluate(s.contract, member(THIRD), (c, ctx) =>
        c.verifyPremium(ctx, 'eth-usd', '1', revealed),
      ),
    ) as { valid: boolean };
    expect(result.valid).to.equal(false);
  });

  it('says NO_DATA when verifying a round without a premium value', async () => {
    const s = await setup();
    await s.ledger.submit(s.contract, member(), (c, ctx) =>
      c.submitReport(ctx, JSON.stringify(makeReport(s.feed, s.oracles))),
    );
    await expectCode(
      s.ledger.evaluate(s.contract, member(), (c, ctx) =>
        c.verifyPremium(ctx, 'eth-usd', '1', JSON.stringify({ value: 1, salt: SALT })),
      ),
      'NO_DATA',
    );
  });

  it('refuses a revelation without a value', async () => {
    const s = await subscribed();
    await reportWithPremium(s);
    await expectCode(
      s.ledger.evaluate(s.contract, member(), (c, ctx) =>
        c.verifyPremium(ctx, 'eth-usd', '1', JSON.stringify({ salt: SALT })),
      ),
      'MALFORMED_INPUT',
    );
  });
});
