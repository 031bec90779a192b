/**
 * The channel's application capability follows the network's profile: V2_5 on the 2.5 profile
 * (or CHANNEL_CAPABILITY), so third-party chaincode may purge private data, and V2_0 on the amb
 * profile, as on Fabric 2.2, where the contracts here must run without V2_5 features. Read from
 * the channel's config block, not from what network.sh says it wrote. Runs in both integration
 * runs of `npm test`.
 */
import { expect } from 'chai';
import { networkSh } from '../support/network';
import { adminCli, applicationCapabilities, harnessNetworkEnv } from '../support/peer-cli';

describe('channel capabilities per profile (live network)', function () {
  this.timeout(120_000);
  before(function () {
    if (process.env.NETWORK_HOME === undefined) {
      console.warn('      SKIPPED channel capabilities: run through scripts/with-network.sh');
      this.skip();
    }
  });

  it('enables exactly the application capability of the recorded profile', async () => {
    const net = harnessNetworkEnv();
    // The output may carry network.sh's warnings (a PORT_BASE in the ephemeral range): the
    // answer is the line that is not one.
    const answer = (await networkSh(net, 'profile'))
      .split('\n')
      .find((l) => l.trim() !== '' && !l.startsWith('warning:'));
    const [profile, recorded] = (answer ?? '').trim().split(' ');
    const expected = profile === 'amb' ? 'V2_0' : (process.env.CHANNEL_CAPABILITY ?? 'V2_5');
    expect(recorded).to.equal(expected);
    const cli = await adminCli(net, 'Org1');
    expect(await applicationCapabilities(cli)).to.deep.equal([expected]);
  });
});
