/**
 * The library's `_lifecycle` operations, which the governance agents use to make chaincode
 * definitions follow the members, on a live network through whichever transport the suite runs
 * (the Gateway service on the 2.5 network, the legacy services on the amb profile's gateway-less
 * peers): a new sequence of the kv chaincode's definition, identical otherwise, approved by each
 * member's admin for its own organisation and committed once a majority approved.
 */
import { expect } from 'chai';
import {
  TransactionError,
  governance,
  type ChaincodeDefinition,
  type Connection,
} from '@oracle-consortium/gateway';
import { connectLibraryAs } from '../../support/gateway/transport';

const DESCRIPTION = process.env.NETWORK_DESCRIPTION;
const CHAINCODE = 'kv';

(DESCRIPTION === undefined ? describe.skip : describe)(
  'chaincode definitions through the library (live network)',
  function () {
    this.timeout(120_000);
    const open: Connection[] = [];

    async function adminOf(member: string): Promise<Connection> {
      const c = await connectLibraryAs(DESCRIPTION!, member, 'admin');
      open.push(c);
      return c;
    }

    async function committed(c: Connection): Promise<ChaincodeDefinition> {
      const found = (await governance.queryCommittedDefinitions(c)).find(
        (d) => d.name === CHAINCODE,
      );
      if (found === undefined) return expect.fail(`${CHAINCODE} has no committed definition`);
      return found;
    }

    /**
     * Reads until `done` holds or 30 s pass, and returns the last reading: a transaction's commit
     * status comes from one peer, and a peer of another member may commit the block a moment later.
     */
    async function settled<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
      const deadline = Date.now() + 30_000;
      for (;;) {
        const value = await read();
        if (done(value) || Date.now() > deadline) return value;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }

    after(() => {
      for (const c of open) c.close();
    });

    it('approves a new sequence per organisation, refuses its commit before a majority, then commits it', async () => {
      const org1 = await adminOf('Org1');
      const org2 = await adminOf('Org2');
      const current = await committed(org1);
      const next: ChaincodeDefinition = { ...current, sequence: current.sequence + 1n };

      const packages = await Promise.all(
        [org1, org2].map(async (c) => {
          const approved = await governance.queryApprovedDefinition(c, CHAINCODE, current.sequence);
          expect(approved, `${c.mspId}'s approval of sequence ${current.sequence}`).to.not.be
            .undefined;
          expect(governance.sameDefinition(approved!.definition, current)).to.be.true;
          return approved!.packageId!;
        }),
      );
      expect(await governance.checkCommitReadiness(org1, next)).to.deep.equal({
        Org1MSP: false,
        Org2MSP: false,
      });

      await governance.approveDefinitionForMyOrg(org1, next, packages[0]!);
      const approved = await settled(
        () => governance.queryApprovedDefinition(org1, CHAINCODE, next.sequence),
        (a) => a !== undefined,
      );
      expect(approved?.packageId).to.equal(packages[0]);
      expect(governance.sameDefinition(approved!.definition, next)).to.be.true;
      const readiness = await settled(
        () => governance.checkCommitReadiness(org2, next),
        (r) => r.Org1MSP === true,
      );
      expect(readiness).to.deep.equal({
        Org1MSP: true,
        Org2MSP: false,
      });

      // One approval of two is not the channel's MAJORITY: Org1's peer endorses the commit (its own
      // organisation approved), but the transaction fails validation and nothing moves.
      let early: unknown;
      try {
        await governance.commitDefinition(org1, next, ['Org1MSP']);
      } catch (err) {
        early = err;
      }
      if (!(early instanceof TransactionError)) return expect.fail(String(early));
      expect(early.code).to.equal('COMMIT_FAILED');
      expect(early.validationCode).to.equal('ENDORSEMENT_POLICY_FAILURE');
      expect((await committed(org2)).sequence).to.equal(current.sequence);

      await governance.approveDefinitionForMyOrg(org2, next, packages[1]!);
      // Both endorsers of the commit read both approvals: Org1's peer must have Org2's first.
      const ready = await settled(
        () => governance.checkCommitReadiness(org1, next),
        (r) => r.Org2MSP === true,
      );
      expect(ready).to.deep.equal({ Org1MSP: true, Org2MSP: true });
      await governance.commitDefinition(org2, next, ['Org1MSP', 'Org2MSP']);
      for (const c of [org1, org2]) {
        const now = await settled(
          () => committed(c),
          (d) => d.sequence >= next.sequence,
        );
        expect(now.sequence).to.equal(next.sequence);
        expect(governance.sameDefinition(now, next)).to.be.true;
      }
      // The chaincode serves under the new sequence.
      const out = await org1.submit({ chaincode: CHAINCODE, transaction: 'noop' });
      expect(out.blockNumber > 0n).to.be.true;
    });
  },
);
