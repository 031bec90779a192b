import 'reflect-metadata';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { FeedsContract } from '../../../chaincode/src/feeds/feeds-contract';

const GOLDEN = join(__dirname, 'feeds-metadata.golden.json');

/** The transaction metadata fabric-contract-api's system contract publishes for this contract. */
function metadata(): unknown {
  const contract = new FeedsContract();
  return {
    name: contract.getName(),
    info: (Reflect.getMetadata('fabric:info', global) as Record<string, unknown>)[
      FeedsContract.name
    ],
    transactions: Reflect.getMetadata('fabric:transactions', FeedsContract.prototype) as unknown,
  };
}

describe('feeds: contract metadata', () => {
  it('matches the golden file (regenerate with UPDATE_GOLDEN=1)', () => {
    const actual = JSON.parse(JSON.stringify(metadata())) as unknown;
    if (process.env.UPDATE_GOLDEN === '1')
      writeFileSync(GOLDEN, `${JSON.stringify(actual, null, 2)}\n`);
    expect(actual).to.deep.equal(JSON.parse(readFileSync(GOLDEN, 'utf8')));
  });

  it('decorates every public method of the contract', () => {
    // fabric-contract-api's hooks (beforeTransaction, ...) are overridden, never invoked by name.
    const hooks = new Set(['constructor', 'beforeTransaction', 'afterTransaction']);
    const declared = Object.getOwnPropertyNames(FeedsContract.prototype).filter(
      (n) => !hooks.has(n),
    );
    const transactions = (
      Reflect.getMetadata('fabric:transactions', FeedsContract.prototype) as { name: string }[]
    ).map((t) => t.name);
    expect([...transactions].sort()).to.deep.equal([...declared].sort());
  });

  it('marks reads as evaluate-only and writes as submit', () => {
    const tags = Object.fromEntries(
      (
        Reflect.getMetadata('fabric:transactions', FeedsContract.prototype) as {
          name: string;
          tag: string[];
        }[]
      ).map((t) => [t.name, t.tag[0]]),
    );
    expect(tags).to.include({
      submitReport: 'SUBMIT',
      createFeed: 'SUBMIT',
      latestRoundData: 'EVALUATE',
    });
    expect(tags).to.include({
      getPremium: 'EVALUATE',
      verifyPremium: 'EVALUATE',
      listFeeds: 'EVALUATE',
    });
  });
});
