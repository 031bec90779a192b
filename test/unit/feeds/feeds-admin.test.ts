import { generateKeyPairSync } from 'node:crypto';
import { expect } from 'chai';
import { computeConfigDigest } from '@oracle-consortium/protocol';
import type { FeedRecord } from '../../../chaincode/src/feeds/types';
import { FeedsContract } from '../../../chaincode/src/feeds/feeds-contract';
import { FakeLedger, compositeKey } from '../../support/fake-ledger';
import {
  OTHER,
  OWNER,
  T0,
  T0_MS,
  admin,
  expectRejected,
  feedInput,
  makeOracles,
  member,
  setup,
} from './helpers';

const parse = (s: string): FeedRecord => JSON.parse(s) as FeedRecord;

describe('feeds: creating a feed', () => {
  it('stores the feed under feed~<id>, owned by the caller MSP', async () => {
    const { ledger, oracles } = await setup();
    const stored = ledger.readJson(compositeKey('feed', ['eth-usd'])) as FeedRecord;
    expect(stored.owner).to.equal(OWNER);
    expect(stored.oracles.map((o) => o.id)).to.deep.equal(oracles.map((o) => o.id));
    expect(stored).to.include({
      decimals: 8,
      description: 'ETH / USD',
      f: 1,
      minSignatures: 2,
      minObservations: 3,
      maxFutureSkewSeconds: 60,
      paused: false,
      configVersion: 1,
      createdAt: T0,
    });
  });

  it('stores keys as base64 DER and derives the config digest from them', async () => {
    const { feed } = await setup();
    expect(feed.oracles[0]!.keyType).to.equal('p256');
    expect(feed.oracles[0]!.publicKey).to.match(/^MFkw/);
    expect(feed.configDigest).to.equal(
      computeConfigDigest({
        feedId: feed.feedId,
        configVersion: 1,
        f: 1,
        minSignatures: 2,
        minObservations: 3,
        oracles: feed.oracles,
      }),
    );
  });

  it('accepts a single-provider feed with one Ed25519 key and f=0', async () => {
    const { feed } = await setup(1, { f: 0 }, 'ed25519');
    expect(feed).to.include({ f: 0, minSignatures: 1, minObservations: 1 });
    expect(feed.oracles[0]!.keyType).to.equal('ed25519');
  });

  it('defaults the answer bounds to int192', async () => {
    const { feed } = await setup(1, { f: 0, minAnswer: undefined, maxAnswer: undefined });
    expect(feed.minAnswer).to.equal((-(2n ** 191n)).toString());
    expect(feed.maxAnswer).to.equal((2n ** 191n - 1n).toString());
  });

  it('refuses a caller without feeds.admin=true', async () => {
    const ledger = new FakeLedger();
    const input = feedInput(makeOracles(4));
    await expectRejected(
      ledger,
      () => ledger.submit(new FeedsContract(), member(), (c, ctx) => c.createFeed(ctx, input)),
      'FORBIDDEN',
    );
  });

  it('refuses an id that is taken', async () => {
    const { ledger, contract, oracles } = await setup();
    const err = await expectRejected(
      ledger,
      () =>
        ledger.submit(contract, admin(OTHER), (c, ctx) => c.createFeed(ctx, feedInput(oracles))),
      'FEED_EXISTS',
    );
    expect(err.message).to.contain('eth-usd');
  });

  const malformed: [string, Record<string, unknown>][] = [
    ['an upper-case feed id', { feedId: 'ETH' }],
    ['an empty description', { description: '' }],
    ['fractional decimals', { decimals: 1.5 }],
    ['oracles that are not an array', { oracles: 'x' }],
    ['an oracle without an id', { oracles: [{ publicKey: 'x' }] }],
    ['a float bound', { minAnswer: 1.5 }],
    ['a bound with a leading zero', { maxAnswer: '0100' }],
    ['minAnswer above maxAnswer', { minAnswer: '10', maxAnswer: '9' }],
    ['a zero heartbeat', { heartbeatSeconds: 0 }],
    ['an unknown field', { colour: 'red' }],
    ['a skew above an hour', { maxFutureSkewSeconds: 3601 }],
  ];
  for (const [what, overrides] of malformed) {
    it(`refuses ${what} as MALFORMED_INPUT`, async () => {
      const ledger = new FakeLedger();
      const input = feedInput(makeOracles(4), overrides);
      await expectRejected(
        ledger,
        () => ledger.submit(new FeedsContract(), admin(), (c, ctx) => c.createFeed(ctx, input)),
        'MALFORMED_INPUT',
      );
    });
  }

  it('refuses feed JSON that does not parse', async () => {
    const ledger = new FakeLedger();
    await expectRejected(
      ledger,
      () => ledger.submit(new FeedsContract(), admin(), (c, ctx) => c.createFeed(ctx, '{')),
      'MALFORMED_INPUT',
    );
  });

  const invalid: [string, number, Record<string, unknown>][] = [
    ['n <= 3f', 3, { f: 1 }],
    ['minSignatures below f+1', 4, { minSignatures: 1 }],
    ['minObservations above n', 4, { minObservations: 5 }],
    ['no oracles', 0, { f: 0 }],
  ];
  for (const [what, n, overrides] of invalid) {
    it(`refuses ${what} as INVALID_CONFIG`, async () => {
      const ledger = new FakeLedger();
      const input = feedInput(makeOracles(n), overrides);
      await expectRejected(
        ledger,
        () => ledger.submit(new FeedsContract(), admin(), (c, ctx) => c.createFeed(ctx, input)),
        'INVALID_CONFIG',
      );
    });
  }

  it('refuses two oracles with one key as DUPLICATE_ORACLE_KEY', async () => {
    const [o] = makeOracles(1);
    const ledger = new FakeLedger();
    const input = feedInput([o!, { ...o!, id: 'twin' }], { f: 0 });
    await expectRejected(
      ledger,
      () => ledger.submit(new FeedsContract(), admin(), (c, ctx) => c.createFeed(ctx, input)),
      'DUPLICATE_ORACLE_KEY',
    );
  });

  it('refuses two oracles with one id as INVALID_CONFIG', async () => {
    const [a, b] = makeOracles(2);
    const ledger = new FakeLedger();
    const input = feedInput([a!, { ...b!, id: a!.id }], { f: 0 });
    await expectRejected(
      ledger,
      () => ledger.submit(new FeedsContract(), admin(), (c, ctx) => c.createFeed(ctx, input)),
      'INVALID_CONFIG',
    );
  });

  it('refuses an RSA key as INVALID_CONFIG', async () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 })
      .publicKey.export({ format: 'pem', type: 'spki' })
      .toString();
    const ledger = new FakeLedger();
    const input = feedInput(makeOracles(0), { f: 0, oracles: [{ id: 'r', publicKey: rsa }] });
    await expectRejected(
      ledger,
      () => ledger.submit(new FeedsContract(), admin(), (c, ctx) => c.createFeed(ctx, input)),
      'INVALID_CONFIG',
    );
  });
});

describe('feeds: administering a feed', () => {
  it('adds an oracle at the next index and moves to a new config digest', async () => {
    const { ledger, contract, feed } = await setup();
    const [extra] = makeOracles(1, 'ed25519', 'extra');
    const updated = parse(
      await ledger.submit(contract, admin(), (c, ctx) =>
        c.addOracle(
          ctx,
          'eth-usd',
          JSON.stringify({ id: extra!.id, publicKey: extra!.publicKeyPem }),
        ),
      ),
    );
    expect(updated.oracles.map((o) => o.id)).to.deep.equal(['o0', 'o1', 'o2', 'o3', 'extra0']);
    expect(updated.configVersion).to.equal(2);
    expect(updated.configDigest).to.not.equal(feed.configDigest);
  });

  it('rotates an oracle key in place', async () => {
    const { ledger, contract, feed } = await setup();
    const [fresh] = makeOracles(1);
    const updated = parse(
      await ledger.submit(contract, admin(), (c, ctx) =>
        c.rotateOracleKey(ctx, 'eth-usd', 'o2', fresh!.publicKeyPem),
      ),
    );
    expect(updated.oracles[2]!.id).to.equal('o2');
    expect(updated.oracles[2]!.publicKey).to.not.equal(feed.oracles[2]!.publicKey);
    expect(updated.oracles[1]).to.deep.equal(feed.oracles[1]);
    expect(updated.configVersion).to.equal(2);
  });

  it('removes an oracle and shifts later indices down', async () => {
    const { ledger, contract } = await setup(5);
    const updated = parse(
      await ledger.submit(contract, admin(), (c, ctx) => c.removeOracle(ctx, 'eth-usd', 'o1')),
    );
    expect(updated.oracles.map((o) => o.id)).to.deep.equal(['o0', 'o2', 'o3', 'o4']);
  });

  it('refuses to remove an oracle the thresholds still need', async () => {
    const { ledger, contract } = await setup(4);
    await expectRejected(
      ledger,
      () => ledger.submit(contract, admin(), (c, ctx) => c.removeOracle(ctx, 'eth-usd', 'o1')),
      'INVALID_CONFIG',
    );
  });

  it('refuses to rotate the key of an oracle the feed does not have', async () => {
    const { ledger, contract, oracles } = await setup();
    await expectRejected(
      ledger,
      () =>
        ledger.submit(contract, admin(), (c, ctx) =>
          c.rotateOracleKey(ctx, 'eth-usd', 'nobody', oracles[0]!.publicKeyPem),
        ),
      'ORACLE_NOT_FOUND',
    );
  });

  it('changes thresholds and the config digest', async () => {
    const { ledger, contract, feed } = await setup(7);
    const updated = parse(
      await ledger.submit(contract, admin(), (c, ctx) =>
        c.setThresholds(ctx, 'eth-usd', JSON.stringify({ f: 2, minSignatures: 4 })),
      ),
    );
    expect(updated).to.include({ f: 2, minSignatures: 4, minObservations: 5, configVersion: 2 });
    expect(updated.configDigest).to.not.equal(feed.configDigest);
  });

  it('refuses unknown threshold fields', async () => {
    const { ledger, contract } = await setup();
    await expectRejected(
      ledger,
      () =>
        ledger.submit(contract, admin(), (c, ctx) =>
          c.setThresholds(ctx, 'eth-usd', JSON.stringify({ f: 1, quorum: 3 })),
        ),
      'MALFORMED_INPUT',
    );
  });

  it('changes bounds without changing the config digest', async () => {
    const { ledger, contract, feed } = await setup();
    const updated = parse(
      await ledger.submit(contract, admin(OWNER, T0_MS + 1000), (c, ctx) =>
        c.setBounds(ctx, 'eth-usd', '-5', '5'),
      ),
    );
    expect(updated).to.include({ minAnswer: '-5', maxAnswer: '5', updatedAt: T0 + 1 });
    expect(updated.configDigest).to.equal(feed.configDigest);
  });

  it('refuses bounds that are not decimal strings', async () => {
    const { ledger, contract } = await setup();
    await expectRejected(
      ledger,
      () => ledger.submit(contract, admin(), (c, ctx) => c.setBounds(ctx, 'eth-usd', '1e3', '5')),
      'MALFORMED_INPUT',
    );
  });

  it('changes the description and reporting policy', async () => {
    const { ledger, contract } = await setup();
    const updated = parse(
      await ledger.submit(contract, admin(), (c, ctx) =>
        c.setReportingPolicy(
          ctx,
          'eth-usd',
          JSON.stringify({
            description: 'Ether / US dollar',
            heartbeatSeconds: 60,
            deviationThresholdPpb: 1000,
            maxFutureSkewSeconds: 5,
          }),
        ),
      ),
    );
    expect(updated).to.include({
      description: 'Ether / US dollar',
      heartbeatSeconds: 60,
      deviationThresholdPpb: 1000,
      maxFutureSkewSeconds: 5,
    });
  });

  it('keeps reporting policy fields that an update leaves out', async () => {
    const { ledger, contract, feed } = await setup();
    const updated = parse(
      await ledger.submit(contract, admin(), (c, ctx) =>
        c.setReportingPolicy(ctx, 'eth-usd', '{}'),
      ),
    );
    expect(updated).to.include({
      description: feed.description,
      heartbeatSeconds: feed.heartbeatSeconds,
      deviationThresholdPpb: feed.deviationThresholdPpb,
      maxFutureSkewSeconds: feed.maxFutureSkewSeconds,
    });
  });

  it('pauses and resumes a feed', async () => {
    const { ledger, contract } = await setup();
    const paused = parse(
      await ledger.submit(contract, admin(), (c, ctx) => c.pauseFeed(ctx, 'eth-usd')),
    );
    expect(paused.paused).to.equal(true);
    const resumed = parse(
      await ledger.submit(contract, admin(), (c, ctx) => c.resumeFeed(ctx, 'eth-usd')),
    );
    expect(resumed.paused).to.equal(false);
  });

  it('refuses an admin of another member', async () => {
    const { ledger, contract } = await setup();
    const err = await expectRejected(
      ledger,
      () => ledger.submit(contract, admin(OTHER), (c, ctx) => c.pauseFeed(ctx, 'eth-usd')),
      'FORBIDDEN',
    );
    expect(err.message).to.contain(OTHER);
  });

  it('refuses a client of the owner without feeds.admin=true', async () => {
    const { ledger, contract } = await setup();
    await expectRejected(
      ledger,
      () => ledger.submit(contract, member(), (c, ctx) => c.pauseFeed(ctx, 'eth-usd')),
      'FORBIDDEN',
    );
  });

  it('refuses a client whose feeds.admin attribute is not exactly true', async () => {
    const { ledger, contract } = await setup();
    await expectRejected(
      ledger,
      () =>
        ledger.submit(
          contract,
          { mspId: OWNER, attrs: { 'feeds.admin': 'yes' }, txTimeMs: T0_MS },
          (c, ctx) => c.pauseFeed(ctx, 'eth-usd'),
        ),
      'FORBIDDEN',
    );
  });

  it('refuses to administer a feed that does not exist', async () => {
    const { ledger, contract } = await setup();
    const err = await expectRejected(
      ledger,
      () => ledger.submit(contract, admin(), (c, ctx) => c.resumeFeed(ctx, 'btc-usd')),
      'FEED_NOT_FOUND',
    );
    expect(err.message).to.equal('[FEED_NOT_FOUND] feed btc-usd does not exist');
  });
});
