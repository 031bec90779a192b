/**
 * One oracle key is one oracle, whatever its encoding. A P-256 key written compressed, hybrid or
 * with explicit curve parameters, or as PEM wrapped at another width, is the same key: the feed
 * stores it in one canonical form (uncompressed point, named curve) and refuses it a second time
 * with DUPLICATE_ORACLE_KEY. Otherwise one oracle registered under several indices supplies all
 * f+1 signatures of a report.
 */
import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { expect } from 'chai';
import { FeedsContract } from '../../../chaincode/src/feeds/feeds-contract';
import { encodeReport } from '@oracle-consortium/protocol';
import type { FeedRecord } from '../../../chaincode/src/feeds/types';
import { verifyReport } from '../../../chaincode/src/feeds/verify-report';
import { FakeLedger } from '../../support/fake-ledger';
import { p256Encodings, pemWithWidth } from '../../support/key-encodings';
import {
  admin,
  expectCode,
  expectRejected,
  feedInput,
  makeOracles,
  makeReport,
  setup,
  signWith,
  type TestOracle,
} from './helpers';

const parse = (s: string): FeedRecord => JSON.parse(s) as FeedRecord;

function keyOf(o: TestOracle) {
  return createPublicKey(o.publicKeyPem);
}

describe('feeds: one oracle key in several encodings', () => {
  const [signer] = makeOracles(1);
  const enc = p256Encodings(keyOf(signer!));
  const variants: [string, string][] = [
    ['compressed', enc.compressed],
    ['hybrid', enc.hybrid],
    ['with explicit curve parameters', enc.explicit],
    ['as PEM wrapped at 76 characters with CRLF', pemWithWidth(enc.canonical, 76)],
  ];

  for (const [name, publicKey] of variants) {
    it(`stores a P-256 key given ${name} in the canonical uncompressed named-curve form`, async () => {
      const others = makeOracles(3, 'p256', 'x');
      const ledger = new FakeLedger();
      const input = JSON.parse(feedInput(others)) as { oracles: unknown[] };
      input.oracles.push({ id: 'o9', publicKey });
      const feed = parse(
        await ledger.submit(new FeedsContract(), admin(), (c, ctx) =>
          c.createFeed(ctx, JSON.stringify(input)),
        ),
      );
      expect(feed.oracles[3]).to.deep.equal({
        id: 'o9',
        keyType: 'p256',
        publicKey: enc.canonical,
      });
    });

    it(`refuses a feed naming one key twice, once ${name}, with DUPLICATE_ORACLE_KEY`, async () => {
      const others = makeOracles(2, 'p256', 'x');
      const ledger = new FakeLedger();
      const input = JSON.parse(feedInput([signer!, ...others])) as { oracles: unknown[] };
      input.oracles.push({ id: 'twin', publicKey });
      const err = await expectRejected(
        ledger,
        () =>
          ledger.submit(new FeedsContract(), admin(), (c, ctx) =>
            c.createFeed(ctx, JSON.stringify(input)),
          ),
        'DUPLICATE_ORACLE_KEY',
      );
      expect(err.message).to.equal(
        '[DUPLICATE_ORACLE_KEY] oracles o0 (index 0) and twin (index 3) have the same public key',
      );
    });
  }

  it('refuses to add a registered key again in another encoding, leaving the feed as it was', async () => {
    const { ledger, contract, oracles } = await setup();
    const again = p256Encodings(keyOf(oracles[1]!)).compressed;
    const err = await expectRejected(
      ledger,
      () =>
        ledger.submit(contract, admin(), (c, ctx) =>
          c.addOracle(ctx, 'eth-usd', JSON.stringify({ id: 'o1-again', publicKey: again })),
        ),
      'DUPLICATE_ORACLE_KEY',
    );
    expect(err.message).to.include('o1 (index 1) and o1-again (index 4)');
  });

  it("refuses to rotate an oracle's key to another oracle's key in another encoding", async () => {
    const { ledger, contract, oracles } = await setup();
    const taken = p256Encodings(keyOf(oracles[0]!)).explicit;
    await expectRejected(
      ledger,
      () =>
        ledger.submit(contract, admin(), (c, ctx) =>
          c.rotateOracleKey(ctx, 'eth-usd', 'o2', taken),
        ),
      'DUPLICATE_ORACLE_KEY',
    );
  });

  it('counts one key stored under two indices (before canonical storage) as one signer', async () => {
    // A feed registered before keys were stored canonically may hold one key twice.
    const { feed, oracles } = await setup(4, { f: 1 });
    const legacy: FeedRecord = {
      ...feed,
      oracles: feed.oracles.map((o, i) =>
        i === 1 ? { ...o, publicKey: p256Encodings(keyOf(oracles[0]!)).compressed } : o,
      ),
    };
    const report = makeReport(legacy, oracles, { signers: [0] });
    const bytes = encodeReport(report);
    const doubled = {
      ...report,
      signatures: [0, 1].map((oracle) => ({ oracle, signature: signWith(oracles[0]!, bytes) })),
    };
    const err = await expectCode(
      Promise.resolve().then(() => verifyReport(legacy, doubled)),
      'DUPLICATE_SIGNER',
    );
    expect(err.message).to.equal(
      '[DUPLICATE_SIGNER] oracle indices 0 and 1 hold the same public key and signed as one oracle',
    );
  });

  it('treats an Ed25519 key given as PEM and as base64 DER as one key', async () => {
    const { publicKey } = generateKeyPairSync('ed25519');
    const der = publicKey.export({ format: 'der', type: 'spki' }).toString('base64');
    const others = makeOracles(2, 'p256', 'x');
    const ledger = new FakeLedger();
    const input = JSON.parse(feedInput(others, { f: 0 })) as { oracles: unknown[] };
    input.oracles.push({ id: 'a', publicKey: pemWithWidth(der, 20) }, { id: 'b', publicKey: der });
    await expectRejected(
      ledger,
      () =>
        ledger.submit(new FeedsContract(), admin(), (c, ctx) =>
          c.createFeed(ctx, JSON.stringify(input)),
        ),
      'DUPLICATE_ORACLE_KEY',
    );
  });
});
