/**
 * How governance agent steps read (gateway/src/governance/step-format.ts): the line the demo
 * prints and the flat record `npm run agent` prints as JSON, for each kind of action.
 */
import { expect } from 'chai';
import {
  ContractError,
  governance,
  type AgentStep,
  type DefinitionStep,
} from '@oracle-consortium/gateway';

const refused = new ContractError({
  message: '[STALE_CONFIG_SEQUENCE] built on sequence 4, the channel is at 5',
  chaincodeCode: 'STALE_CONFIG_SEQUENCE',
  chaincodeMessage: 'built on sequence 4, the channel is at 5',
});

const step = (action: AgentStep['action'], extra: Partial<AgentStep> = {}): AgentStep => ({
  proposalId: 'p-1',
  mspId: 'Org3MSP',
  action,
  outcome: 'ok',
  ...extra,
});

const definitionStep = (
  action: DefinitionStep['action'],
  extra: Partial<DefinitionStep> = {},
): DefinitionStep => ({
  chaincode: 'kv',
  committedSequence: 2n,
  action,
  outcome: 'ok',
  notes: [
    { where: 'endorsement', plan: 'REWRITE', detail: 'OR(Org1, Org2) -> OR(Org1, Org2, Org3)' },
  ],
  ...extra,
});

describe('governance step format', () => {
  describe('formatAgentStep', () => {
    it('gives a reasoned action its reason', () => {
      expect(
        governance.formatAgentStep(step({ kind: 'WAIT', reason: '1 of 2 signatures' })),
      ).to.equal('WAIT: 1 of 2 signatures -> ok');
    });

    it('names the update a sign or broadcast acts on', () => {
      expect(governance.formatAgentStep(step({ kind: 'SIGN', updateId: 'ab12' }))).to.equal(
        'SIGN ab12 -> ok',
      );
    });

    it('names the sequence an applied update produced', () => {
      expect(
        governance.formatAgentStep(
          step({ kind: 'RECORD_APPLIED', updateId: 'ab12', newSequence: 5n }),
        ),
      ).to.equal('RECORD_APPLIED ab12 (sequence 5) -> ok');
    });

    it('adds the error message of a refused step', () => {
      expect(
        governance.formatAgentStep(
          step({ kind: 'BROADCAST', updateId: 'ab12' }, { outcome: 'retry', error: refused }),
        ),
      ).to.equal(`BROADCAST ab12 -> retry (${refused.message})`);
    });
  });

  describe('formatDefinitionStep', () => {
    it('names which definition an approval is for and its sequence', () => {
      expect(
        governance.formatDefinitionStep(
          definitionStep({ kind: 'APPROVE', which: 'next', sequence: 3n }),
        ),
      ).to.equal('kv APPROVE next definition (sequence 3) -> ok');
    });

    it('names the approvers a commit is endorsed by', () => {
      expect(
        governance.formatDefinitionStep(
          definitionStep({ kind: 'COMMIT', sequence: 3n, approvers: ['Org1MSP', 'Org2MSP'] }),
        ),
      ).to.equal('kv COMMIT sequence 3, approved by Org1MSP, Org2MSP -> ok');
    });

    it('gives a wait its reason and a failure its error', () => {
      expect(
        governance.formatDefinitionStep(
          definitionStep(
            { kind: 'WAIT', reason: '1 of 2 approvals' },
            { outcome: 'failed', error: new Error('peer unavailable') },
          ),
        ),
      ).to.equal('kv WAIT: 1 of 2 approvals -> failed (peer unavailable)');
    });
  });

  describe('records', () => {
    it('flattens a channel-change step, bigints as decimal strings, with the error codes', () => {
      expect(
        governance.agentStepRecord(
          step(
            { kind: 'RECORD_APPLIED', updateId: 'ab12', newSequence: 5n },
            { outcome: 'failed', error: refused },
          ),
        ),
      ).to.deep.equal({
        proposalId: 'p-1',
        mspId: 'Org3MSP',
        action: 'RECORD_APPLIED',
        updateId: 'ab12',
        newSequence: '5',
        outcome: 'failed',
        error: refused.message,
        code: 'CONTRACT_ERROR',
        chaincodeCode: 'STALE_CONFIG_SEQUENCE',
      });
    });

    it('flattens a definition step with its policy notes and no error fields when it succeeded', () => {
      expect(
        governance.definitionStepRecord(
          definitionStep({ kind: 'APPROVE', which: 'committed', sequence: 2n }),
        ),
      ).to.deep.equal({
        chaincode: 'kv',
        committedSequence: '2',
        action: 'APPROVE',
        sequence: '2',
        which: 'committed',
        policies: ['endorsement: REWRITE OR(Org1, Org2) -> OR(Org1, Org2, Org3)'],
        outcome: 'ok',
      });
    });
  });
});
