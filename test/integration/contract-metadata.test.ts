/**
 * `org.hyperledger.fabric:GetMetadata` on the live network, the call tools that read a chaincode's
 * interface make: evaluated through a bare fabric-gateway client (not our library, so nothing of
 * ours sits between the tool and the chaincode server) on both chaincode definitions, from a peer
 * of each member. It failed with `classToPlain is not a function` while fabric-contract-api ran
 * with class-transformer 0.4.1.
 */
import { expect } from 'chai';
import { connectAs, loadMember, sharedDescriptionFile } from '../support/network';

/** What the system contract returns; only the parts checked here. */
interface Metadata {
  readonly info: { readonly title: string; readonly version: string };
  readonly contracts: Record<string, { readonly transactions: { readonly name: string }[] }>;
}

/** Evaluates GetMetadata on `chaincode` as user1 of `member` through the member's first peer. */
async function metadataOf(file: string, member: string, chaincode: string): Promise<Metadata> {
  const config = await loadMember(file, member);
  const { gateway, close } = connectAs(config, 'user1');
  try {
    const contract = gateway
      .getNetwork(config.channelName)
      .getContract(chaincode, 'org.hyperledger.fabric');
    const bytes = await contract.evaluateTransaction('GetMetadata');
    return JSON.parse(Buffer.from(bytes).toString('utf8')) as Metadata;
  } finally {
    close();
  }
}

function transactionNames(metadata: Metadata, contract: string): string[] {
  return (metadata.contracts[contract]?.transactions ?? []).map((t) => t.name);
}

describe('contract metadata (live network)', function () {
  this.timeout(120_000);
  const file = sharedDescriptionFile();
  before(function () {
    if (file === undefined) {
      console.warn(
        '      SKIPPED contract metadata: NETWORK_DESCRIPTION is not set (run through scripts/with-network.sh)',
      );
      this.skip();
    }
  });

  for (const member of ['Org1', 'Org2']) {
    for (const chaincode of ['consortium', 'membership']) {
      it(`returns both contracts' metadata on ${chaincode} through a peer of ${member}`, async () => {
        const metadata = await metadataOf(file ?? '', member, chaincode);
        expect(metadata.info.title).to.equal('oracle-consortium-chaincode');
        expect(Object.keys(metadata.contracts).sort()).to.deep.equal([
          'feeds',
          'membership',
          'org.hyperledger.fabric',
        ]);
        expect(transactionNames(metadata, 'feeds')).to.include.members([
          'createFeed',
          'submitReport',
          'latestRoundData',
        ]);
        expect(transactionNames(metadata, 'membership')).to.include.members([
          'initialize',
          'createProposal',
          'voteOnProposal',
        ]);
      });
    }
  }
});
