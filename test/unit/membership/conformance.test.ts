/**
 * The managed service's voting rules over 1–10 members, eight percentages and both comparators,
 * checked twice: the pure rule against an independent statement of the threshold, and the
 * contract on a ledger with vote sequences that approve, reject early and expire.
 */
import { expect } from 'chai';
import {
  requiredYesVotes,
  type ThresholdComparator,
  type VotingPolicy,
} from '../../../chaincode/src/membership';
import { HOUR, T0, admin, client, initialised, propose, vote, type World } from './helpers';
import { inviting } from '../../support/msp-vectors';

const PERCENTAGES = [0, 1, 33, 50, 66, 67, 99, 100];
const COMPARATORS: ThresholdComparator[] = ['GREATER_THAN', 'GREATER_THAN_OR_EQUAL_TO'];
const EXPIRY = T0 + 24 * HOUR;

/**
 * The threshold as the policy states it, by search rather than formula: the fewest YES votes y
 * with 100·y > N·p (or ≥), never fewer than one vote.
 */
function oracle(n: number, p: number, comparator: ThresholdComparator): number {
  for (let y = 0; ; y++) {
    const meets = comparator === 'GREATER_THAN' ? 100 * y > n * p : 100 * y >= n * p;
    if (meets && y >= 1) {
      return y;
    }
  }
}

function members(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `Org${String(i + 1).padStart(2, '0')}MSP`);
}

async function world(
  n: number,
  p: number,
  comparator: ThresholdComparator,
): Promise<{ w: World; id: string; ids: string[] }> {
  const ids = members(n);
  const policy: VotingPolicy = {
    ThresholdPercentage: p,
    ThresholdComparator: comparator,
    ProposalDurationInHours: 24,
  };
  const w = await initialised(ids, policy);
  const proposal = await propose(w, admin(ids[0]!), inviting('NewcomerMSP'));
  return { w, id: proposal.proposalId, ids };
}

describe('membership conformance table', () => {
  for (let n = 1; n <= 10; n++) {
    for (const p of PERCENTAGES) {
      for (const comparator of COMPARATORS) {
        const required = oracle(n, p, comparator);
        const label = `${n} members, ${p}% ${comparator}`;

        describe(label, () => {
          it(`requires ${required} YES`, () => {
            expect(requiredYesVotes(n, p, comparator)).to.equal(required);
          });

          if (required > n) {
            it('creates the proposal REJECTED, since no vote can reach the threshold', async () => {
              const { w, id } = await world(n, p, comparator);
              const out = await w.ledger.evaluate(w.contract, client('Org01MSP'), (c, ctx) =>
                c.getProposal(ctx, id),
              );
              expect(JSON.parse(out)).to.include({
                status: 'REJECTED',
                requiredYesVotes: n + 1,
                outstandingVoteCount: n,
              });
            });
            return;
          }

          it(`approves on YES vote ${required} and not before`, async () => {
            const { w, id, ids } = await world(n, p, comparator);
            for (let i = 0; i < required - 1; i++) {
              const open = await vote(w, admin(ids[i]!), id, 'YES');
              expect(open.status, `after ${i + 1} YES`).to.equal('IN_PROGRESS');
            }
            const last = await vote(w, admin(ids[required - 1]!), id, 'YES');
            expect(last).to.include({
              status: 'APPROVED',
              yesVoteCount: required,
              outstandingVoteCount: n - required,
            });
          });

          it(`rejects on NO vote ${n - required + 1} and not before`, async () => {
            const { w, id, ids } = await world(n, p, comparator);
            const noToReject = n - required + 1;
            for (let i = 0; i < noToReject - 1; i++) {
              const open = await vote(w, admin(ids[i]!), id, 'NO');
              expect(open.status, `after ${i + 1} NO`).to.equal('IN_PROGRESS');
            }
            const last = await vote(w, admin(ids[noToReject - 1]!), id, 'NO');
            expect(last).to.include({
              status: 'REJECTED',
              noVoteCount: noToReject,
              outstandingVoteCount: n - noToReject,
            });
          });

          it('expires undecided with one YES short of the threshold', async () => {
            const { w, id, ids } = await world(n, p, comparator);
            for (let i = 0; i < required - 1; i++) {
              await vote(w, admin(ids[i]!), id, 'YES');
            }
            const out = await w.ledger.submit(w.contract, client(ids[0]!, EXPIRY), (c, ctx) =>
              c.closeProposal(ctx, id),
            );
            expect(JSON.parse(out)).to.include({ status: 'EXPIRED', yesVoteCount: required - 1 });
          });
        });
      }
    }
  }
});
