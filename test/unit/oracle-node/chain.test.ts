/**
 * What a refused report submit means for an oracle node: the outcomes `staleOutcome` maps to
 * `stale` (counted, not retried) and the failures it leaves to the caller.
 */
import { expect } from 'chai';
// The node's code uses the gateway package by name (its built dist/), so the errors come from there.
import { ConnectionError, ContractError, TransactionError } from '@oracle-consortium/gateway';
import { staleOutcome } from '../../../oracle-node/src/chain/chain';

function refused(code: string): ContractError {
  return new ContractError({
    message: `[${code}] round 7 of eth-usd`,
    chaincodeCode: code,
    chaincodeMessage: 'round 7 of eth-usd',
  });
}

function invalidated(validationCode: string): TransactionError {
  return new TransactionError({ code: 'COMMIT_FAILED', message: validationCode, validationCode });
}

describe('oracle node: a refused report submit', () => {
  it('is stale when the contract already has the round or a later one', () => {
    expect(staleOutcome(refused('STALE_ROUND'))).to.deep.equal({
      status: 'stale',
      error: '[STALE_ROUND] round 7 of eth-usd',
    });
    expect(staleOutcome(refused('STALE_TIMESTAMP'))?.status).to.equal('stale');
  });

  it("is stale when another node's copy committed after this one was endorsed", () => {
    expect(staleOutcome(invalidated('MVCC_READ_CONFLICT'))).to.deep.equal({
      status: 'stale',
      error: 'MVCC_READ_CONFLICT: another report for the feed committed first',
    });
  });

  it('is a failure for any other refusal or invalidation', () => {
    expect(staleOutcome(refused('BAD_SIGNATURE'))).to.equal(undefined);
    expect(staleOutcome(refused('CONFIG_MISMATCH'))).to.equal(undefined);
    expect(staleOutcome(invalidated('ENDORSEMENT_POLICY_FAILURE'))).to.equal(undefined);
    expect(
      staleOutcome(new TransactionError({ code: 'COMMIT_STATUS_UNKNOWN', message: 'x' })),
    ).to.equal(undefined);
    expect(
      staleOutcome(
        new ConnectionError({ code: 'TIMEOUT', message: 'no answer', endpoint: 'peer0:7051' }),
      ),
    ).to.equal(undefined);
    expect(staleOutcome(new Error('MVCC_READ_CONFLICT'))).to.equal(undefined);
  });
});
