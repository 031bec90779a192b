/**
 * Runs the README's gateway example (gateway/examples/quickstart.ts) against the live network, as
 * an app would import the package (through its built entry point).
 */
import { expect } from 'chai';
import { quickstart } from '../../gateway/examples/quickstart';

const description = process.env.NETWORK_DESCRIPTION;

describe('README quickstart (live network)', function () {
  this.timeout(120_000);
  before(function () {
    if (description === undefined || description === '') {
      console.warn(
        '      SKIPPED README quickstart: NETWORK_DESCRIPTION is not set (run through scripts/with-network.sh)',
      );
      this.skip();
    }
  });

  it('creates a single-provider feed, reports a round and reads the answer back', async () => {
    expect(await quickstart(description ?? '')).to.equal('1084250');
  });
});
