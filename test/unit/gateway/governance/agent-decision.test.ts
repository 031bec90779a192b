/**
 * The governance agent's decisions, one state at a time: what a member does next for an approved
 * channel change given the change, its current config update on the chain and the config its
 * peers hold.
 */
import { expect } from 'chai';
import {
  governance,
  type AgentView,
  type ChannelChange,
  type ChannelUpdate,
} from '../../../../gateway/src';

const CHANGE: ChannelChange = {
  action: 'ADD_ORG',
  mspId: 'Org3MSP',
  proposalId: 'p-1',
  status: 'UPDATE_PROPOSED',
  createdDate: '2026-12-01T00:00:00.000Z',
  updateId: 'u'.repeat(64),
};

function update(fields: Partial<ChannelUpdate> = {}): ChannelUpdate {
  return {
    updateId: 'u'.repeat(64),
    proposalId: 'p-1',
    mspId: 'Org3MSP',
    action: 'ADD_ORG',
    baseSequence: '4',
    configUpdate: 'AA==',
    proposedBy: 'Org2MSP',
    proposedDate: '2026-12-01T00:00:01.000Z',
    signatures: [],
    required: 2,
    status: 'COLLECTING_SIGNATURES',
    ...fields,
  };
}

const signature = (mspId: string) => ({
  mspId,
  signatureHeader: 'AA==',
  signature: 'AA==',
  signedDate: '2026-12-01T00:00:02.000Z',
});

/** The change before any update was posted: no `updateId`. */
const PENDING: ChannelChange = {
  action: CHANGE.action,
  mspId: CHANGE.mspId,
  proposalId: CHANGE.proposalId,
  status: 'PENDING_CHANNEL_UPDATE',
  createdDate: CHANGE.createdDate,
};

function view(fields: Partial<AgentView> = {}): AgentView {
  return {
    mspId: 'Org1MSP',
    change: CHANGE,
    update: update(),
    config: { sequence: 4n, organizations: ['Org1MSP', 'Org2MSP'] },
    ...fields,
  };
}

describe('governance agent decisions', () => {
  it('is done with a change the chain records as APPLIED', () => {
    const action = governance.decideNextAction(
      view({ change: { ...CHANGE, status: 'APPLIED' }, update: update({ status: 'APPLIED' }) }),
    );
    expect(action.kind).to.equal('DONE');
  });

  it('proposes an update when the change has none yet', () => {
    const action = governance.decideNextAction(view({ change: PENDING, update: undefined }));
    expect(action).to.deep.include({ kind: 'PROPOSE' });
  });

  it('proposes again when the update was built on an older config sequence', () => {
    const action = governance.decideNextAction(view({ update: update({ baseSequence: '3' }) }));
    expect(action.kind).to.equal('PROPOSE');
    expect(action.kind === 'PROPOSE' && action.reason).to.contain('sequence 3');
  });

  it('proposes again when the only update was superseded', () => {
    const action = governance.decideNextAction(view({ update: update({ status: 'SUPERSEDED' }) }));
    expect(action.kind).to.equal('PROPOSE');
  });

  it('signs an update it has not signed', () => {
    const action = governance.decideNextAction(
      view({ update: update({ signatures: [signature('Org2MSP')] }) }),
    );
    expect(action).to.deep.equal({ kind: 'SIGN', updateId: 'u'.repeat(64) });
  });

  it('waits for others once it has signed', () => {
    const action = governance.decideNextAction(
      view({ update: update({ signatures: [signature('Org1MSP')] }) }),
    );
    expect(action.kind).to.equal('WAIT');
    expect(action.kind === 'WAIT' && action.reason).to.contain('1 of 2');
  });

  it('does not sign its own removal', () => {
    const removal: ChannelChange = { ...CHANGE, action: 'REMOVE_ORG', mspId: 'Org1MSP' };
    const action = governance.decideNextAction(
      view({
        change: removal,
        update: update({ action: 'REMOVE_ORG', mspId: 'Org1MSP' }),
        config: { sequence: 4n, organizations: ['Org1MSP', 'Org2MSP', 'Org3MSP'] },
      }),
    );
    expect(action.kind).to.equal('WAIT');
  });

  it('broadcasts a READY update built on the current sequence, signed or not by itself', () => {
    const action = governance.decideNextAction(
      view({ update: update({ status: 'READY', signatures: [signature('Org2MSP')] }) }),
    );
    expect(action).to.deep.equal({ kind: 'BROADCAST', updateId: 'u'.repeat(64) });
  });

  it('waits when the update is based on a sequence its peers have not reached', () => {
    const action = governance.decideNextAction(view({ update: update({ baseSequence: '5' }) }));
    expect(action.kind).to.equal('WAIT');
    expect(action.kind === 'WAIT' && action.reason).to.contain('still at 4');
  });

  it('records a READY update as applied once the config shows the change', () => {
    const action = governance.decideNextAction(
      view({
        update: update({ status: 'READY' }),
        config: { sequence: 5n, organizations: ['Org1MSP', 'Org2MSP', 'Org3MSP'] },
      }),
    );
    expect(action).to.deep.equal({
      kind: 'RECORD_APPLIED',
      updateId: 'u'.repeat(64),
      newSequence: 5n,
    });
  });

  it('records the sequence its update made, base plus one, when the config moved on since', () => {
    const action = governance.decideNextAction(
      view({
        update: update({ status: 'READY', baseSequence: '4' }),
        config: { sequence: 7n, organizations: ['Org1MSP', 'Org2MSP', 'Org3MSP'] },
      }),
    );
    expect(action).to.include({ kind: 'RECORD_APPLIED', newSequence: 5n });
  });

  it('waits, without proposing, when the config shows the change but no READY update exists', () => {
    const action = governance.decideNextAction(
      view({ config: { sequence: 5n, organizations: ['Org1MSP', 'Org2MSP', 'Org3MSP'] } }),
    );
    expect(action.kind).to.equal('WAIT');
  });

  it('waits when its own organisation is not in the channel', () => {
    const action = governance.decideNextAction(view({ mspId: 'Org3MSP' }));
    expect(action.kind).to.equal('WAIT');
    expect(action.kind === 'WAIT' && action.reason).to.contain('Org3MSP is not');
  });

  it('treats a REMOVE_ORG as done in the config once the organisation is gone', () => {
    expect(
      governance.changeInConfig({ action: 'REMOVE_ORG', mspId: 'Org2MSP' }, ['Org1MSP']),
    ).to.equal(true);
    expect(
      governance.changeInConfig({ action: 'REMOVE_ORG', mspId: 'Org2MSP' }, ['Org1MSP', 'Org2MSP']),
    ).to.equal(false);
  });

  it('picks the change’s named update, else the newest not superseded one', () => {
    const older = update({ updateId: 'a'.repeat(64), baseSequence: '2' });
    const newer = update({ updateId: 'b'.repeat(64), baseSequence: '3' });
    const superseded = update({
      updateId: 'c'.repeat(64),
      baseSequence: '9',
      status: 'SUPERSEDED',
    });
    const other = update({ updateId: 'd'.repeat(64), baseSequence: '9', proposalId: 'p-2' });
    expect(governance.currentUpdateOf(PENDING, [older, newer, superseded, other])).to.equal(newer);
    expect(
      governance.currentUpdateOf({ ...CHANGE, updateId: 'a'.repeat(64) }, [older, newer]),
    ).to.equal(older);
  });
});
