import { expect } from 'chai';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MembershipContract } from '../../../chaincode/src/membership';

const GOLDEN = join(__dirname, 'membership-metadata.golden.json');

/** The contract's generated metadata: what `peer chaincode query … org.hyperledger.fabric:GetMetadata` describes. */
function metadata(): unknown {
  const info = (Reflect.getMetadata('fabric:info', global) as Record<string, unknown>)[
    'MembershipContract'
  ];
  const transactions: unknown = Reflect.getMetadata(
    'fabric:transactions',
    MembershipContract.prototype,
  );
  return { info, name: new MembershipContract().getName(), transactions };
}

describe('membership contract metadata', () => {
  it('matches the checked-in golden file', () => {
    // Regenerate deliberately after an interface change:
    //   UPDATE_GOLDEN=1 npx mocha --config test/.mocharc.unit.json
    if (process.env.UPDATE_GOLDEN === '1') {
      writeFileSync(GOLDEN, `${JSON.stringify(metadata(), null, 2)}\n`);
    }
    const golden: unknown = JSON.parse(readFileSync(GOLDEN, 'utf8'));
    expect(metadata()).to.deep.equal(golden);
  });

  it('decorates every public method of the contract', () => {
    // fabric-contract-api's hooks (beforeTransaction, ...) are overridden, never invoked by name.
    const hooks = new Set(['constructor', 'beforeTransaction', 'afterTransaction']);
    const declared = Object.getOwnPropertyNames(MembershipContract.prototype).filter(
      (n) => !hooks.has(n),
    );
    const transactions = Reflect.getMetadata(
      'fabric:transactions',
      MembershipContract.prototype,
    ) as { name: string }[];
    expect(transactions.map((t) => t.name).sort()).to.deep.equal(declared.sort());
  });
});
