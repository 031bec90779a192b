/**
 * The next lifecycle step of one member's agent for one chaincode definition: approve for itself,
 * commit once a majority approved, or wait, one state at a time.
 */
import { expect } from 'chai';
import { governance, type DefinitionView } from '../../../../gateway/src';

const THREE = ['Org1MSP', 'Org2MSP', 'Org3MSP'];

function view(fields: Partial<DefinitionView> = {}): DefinitionView {
  return {
    mspId: 'Org1MSP',
    organizations: THREE,
    committedSequence: 3n,
    nextNeeded: true,
    approvedCommitted: true,
    approvedNext: false,
    readiness: {},
    packageKnown: true,
    ...fields,
  };
}

describe('governance: the next lifecycle action', () => {
  it('approves the next definition for its own organisation first', () => {
    expect(governance.decideDefinitionAction(view())).to.deep.equal({
      kind: 'APPROVE',
      which: 'next',
      sequence: 4n,
    });
  });

  it('waits after its approval while fewer than a majority approved', () => {
    const action = governance.decideDefinitionAction(
      view({ approvedNext: true, readiness: { Org1MSP: true, Org2MSP: false, Org3MSP: false } }),
    );
    expect(action).to.deep.equal({
      kind: 'WAIT',
      reason: 'sequence 4 has 1 of the 2 approvals a majority of 3 needs',
    });
  });

  it('commits once a majority approved, endorsed by the approvers', () => {
    const action = governance.decideDefinitionAction(
      view({ approvedNext: true, readiness: { Org1MSP: true, Org2MSP: true, Org3MSP: false } }),
    );
    expect(action).to.deep.equal({
      kind: 'COMMIT',
      sequence: 4n,
      approvers: ['Org1MSP', 'Org2MSP'],
    });
  });

  it('counts no approval of an organisation that left the channel', () => {
    const action = governance.decideDefinitionAction(
      view({
        organizations: ['Org1MSP', 'Org3MSP'],
        approvedNext: true,
        readiness: { Org1MSP: true, Org2MSP: true },
      }),
    );
    expect(action).to.deep.equal({
      kind: 'WAIT',
      reason: 'sequence 4 has 1 of the 2 approvals a majority of 2 needs',
    });
  });

  it("approves the committed definition when its own organisation has not (a new member's peers)", () => {
    const action = governance.decideDefinitionAction(
      view({ mspId: 'Org3MSP', nextNeeded: false, approvedCommitted: false }),
    );
    expect(action).to.deep.equal({ kind: 'APPROVE', which: 'committed', sequence: 3n });
  });

  it('is done when the definition is over the current members and approved by itself', () => {
    const action = governance.decideDefinitionAction(view({ nextNeeded: false }));
    expect(action).to.deep.equal({
      kind: 'DONE',
      reason: 'sequence 3 is over the current members and approved by Org1MSP',
    });
  });

  it('waits, naming why, when its peers have no package to approve with', () => {
    const action = governance.decideDefinitionAction(view({ packageKnown: false }));
    expect(action).to.deep.equal({
      kind: 'WAIT',
      reason:
        'Org1MSP must approve sequence 4 but its peers have no package of the chaincode installed',
    });
  });

  it('does nothing for an organisation no longer in the channel', () => {
    const action = governance.decideDefinitionAction(
      view({ mspId: 'Org2MSP', organizations: ['Org1MSP', 'Org3MSP'] }),
    );
    expect(action).to.deep.equal({
      kind: 'WAIT',
      reason: 'Org2MSP is not an organisation of the channel',
    });
  });

  it('needs more than half of the organisations', () => {
    expect([1, 2, 3, 4, 5].map((n) => governance.majorityOf(n))).to.deep.equal([1, 2, 2, 3, 3]);
  });
});
