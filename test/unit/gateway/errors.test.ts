import { expect } from 'chai';
import { status } from '@grpc/grpc-js';
import { GatewayError } from '@hyperledger/fabric-gateway';
import {
  ConnectionError,
  ConsortiumError,
  ContractError,
  TransactionError,
  isReadConflict,
} from '../../../gateway/src';
import { translateError } from '../../../gateway/src/errors';
import { isPeerFault } from '../../../gateway/src/connection/stages';

function gatewayError(
  code: number,
  message: string,
  details: { address: string; mspId: string; message: string }[] = [],
) {
  const cause = Object.assign(new Error(message), { code, details: message, metadata: undefined });
  return new GatewayError({
    code,
    details,
    cause: cause as unknown as ConstructorParameters<typeof GatewayError>[0]['cause'],
    message,
  });
}

describe('error translation', () => {
  it('maps a coded chaincode message in per-peer details to a ContractError', () => {
    const raw = Object.assign(
      gatewayError(
        status.ABORTED,
        'failed to collect enough transaction endorsements, see attached details',
        [
          {
            address: 'peer0:7051',
            mspId: 'Org1MSP',
            message: 'chaincode response 500, [FEED_NOT_FOUND] feed eth-usd does not exist',
          },
        ],
      ),
      { name: 'EndorseError', transactionId: 'tx1' },
    );
    const err = translateError(raw, { operation: 'endorse', endpoint: 'peer0:7051' });
    if (!(err instanceof ContractError)) return expect.fail(`not a ContractError: ${err.name}`);
    const c = err;
    expect(c.code).to.equal('CONTRACT_ERROR');
    expect(c.chaincodeCode).to.equal('FEED_NOT_FOUND');
    expect(c.chaincodeMessage).to.equal('feed eth-usd does not exist');
    expect(c.transactionId).to.equal('tx1');
    expect(c.details).to.have.length(1);
    expect(c.details[0]!.mspId).to.equal('Org1MSP');
    expect(c.cause).to.equal(raw);
  });

  it('maps UNAVAILABLE to a ConnectionError naming the endpoint', () => {
    const err = translateError(gatewayError(status.UNAVAILABLE, 'No connection established'), {
      operation: 'evaluate',
      endpoint: 'nd-1.example:30211',
    });
    if (!(err instanceof ConnectionError)) return expect.fail(`not a ConnectionError: ${err.name}`);
    expect(err.code).to.equal('UNAVAILABLE');
    expect(err.endpoint).to.equal('nd-1.example:30211');
    expect(err.message).to.contain('nd-1.example:30211');
  });

  it("maps the gateway's UNAVAILABLE for an organisation without endorsing peers to a non-retryable ENDORSE_FAILED", () => {
    // The text Fabric 2.5's gateway sends when an endorsing organisation was removed from the
    // channel (internal/pkg/gateway/registry.go planForOrgs), as grpc-js carries it.
    const err = translateError(
      Object.assign(
        gatewayError(
          status.UNAVAILABLE,
          '14 UNAVAILABLE: failed to find any endorsing peers for org(s): Org2MSP',
        ),
        { name: 'EndorseError', transactionId: 'tx-removed' },
      ),
      { operation: 'endorse', endpoint: 'peer1-org1:14051' },
    );
    if (!(err instanceof TransactionError))
      return expect.fail(`not a TransactionError: ${err.name}`);
    expect(err.code).to.equal('ENDORSE_FAILED');
    expect(err.grpcStatus).to.equal(status.UNAVAILABLE);
    expect(err.transactionId).to.equal('tx-removed');
    expect(err.message).to.contain('no peer of the channel endorses for Org2MSP');
    expect(err.message).to.contain('not (or no longer) in the channel');
    expect(isPeerFault(err)).to.equal(false);
  });

  it('maps "no combination of peers can be derived" to a non-retryable ENDORSE_FAILED naming the policy', () => {
    const err = translateError(
      gatewayError(
        status.FAILED_PRECONDITION,
        '9 FAILED_PRECONDITION: no combination of peers can be derived which satisfy the endorsement policy: no peer combination can satisfy the endorsement policy',
      ),
      { operation: 'endorse', endpoint: 'peer1-org1:14051' },
    );
    if (!(err instanceof TransactionError))
      return expect.fail(`not a TransactionError: ${err.name}`);
    expect(err.code).to.equal('ENDORSE_FAILED');
    expect(err.message).to.contain("no set of the channel's peers satisfies");
    expect(isPeerFault(err)).to.equal(false);
  });

  it('maps a TLS handshake failure to TLS_ERROR', () => {
    const err = translateError(
      gatewayError(
        status.UNAVAILABLE,
        'failed to connect: Ssl handshake failed: unable to verify the first certificate',
      ),
      { operation: 'evaluate', endpoint: 'nd-1:1' },
    );
    expect(err.code).to.equal('TLS_ERROR');
  });

  it('maps DEADLINE_EXCEEDED to TIMEOUT', () => {
    const err = translateError(gatewayError(status.DEADLINE_EXCEEDED, 'Deadline exceeded'), {
      operation: 'endorse',
      endpoint: 'nd-1:1',
      transactionId: 'tx9',
    });
    expect(err.code).to.equal('TIMEOUT');
    expect(err.transactionId).to.equal('tx9');
  });

  it("maps the orderer's FORBIDDEN answer to a submit to ACCESS_DENIED", () => {
    const err = translateError(
      gatewayError(
        status.ABORTED,
        "received unsuccessful response from orderer: status=FORBIDDEN, info=implicit policy evaluation failed - 0 sub-policies were satisfied, but this policy requires 1 of the 'Writers' sub-policies to be satisfied: permission denied",
      ),
      { operation: 'submit', endpoint: 'nd-1:1', transactionId: 'tx7' },
    );
    expect(err).to.be.instanceOf(TransactionError);
    expect(err.code).to.equal('ACCESS_DENIED');
    expect(err.transactionId).to.equal('tx7');
    expect(err.message).to.contain('Writers');
  });

  it('maps an access-denied evaluate to ACCESS_DENIED', () => {
    const err = translateError(
      gatewayError(
        status.UNKNOWN,
        'evaluate call to endorser returned error: error validating proposal: access denied: channel [consortium] creator org unknown, creator is malformed',
      ),
      { operation: 'evaluate', endpoint: 'nd-1:1' },
    );
    expect(err).to.be.instanceOf(TransactionError);
    expect(err.code).to.equal('ACCESS_DENIED');
  });

  it('maps a CommitError to COMMIT_FAILED with the validation code name', () => {
    const raw = Object.assign(new Error('Transaction tx2 failed to commit with status code 11'), {
      name: 'CommitError',
      code: 11,
      transactionId: 'tx2',
    });
    const err = translateError(raw, { operation: 'commitStatus', endpoint: 'nd-1:1' });
    if (!(err instanceof TransactionError))
      return expect.fail(`not a TransactionError: ${err.name}`);
    expect(err.code).to.equal('COMMIT_FAILED');
    expect(err.validationCode).to.equal('MVCC_READ_CONFLICT');
    expect(err.transactionId).to.equal('tx2');
  });

  it('returns library errors unchanged', () => {
    const original = new ConsortiumError({ code: 'INVALID_CONFIG', message: 'x' });
    expect(translateError(original, { operation: 'evaluate', endpoint: 'e' })).to.equal(original);
  });

  it('wraps non-Error throwables with the operation code', () => {
    const err = translateError('boom', { operation: 'submit', endpoint: 'e', transactionId: 't' });
    expect(err.code).to.equal('SUBMIT_FAILED');
    expect(err.transactionId).to.equal('t');
    expect(err.message).to.contain('boom');
  });
});

describe('isReadConflict', () => {
  const commitFailed = (validationCode: string) =>
    new TransactionError({ code: 'COMMIT_FAILED', message: validationCode, validationCode });

  it('is true for the two codes of a transaction invalidated by a later write', () => {
    expect(isReadConflict(commitFailed('MVCC_READ_CONFLICT'))).to.equal(true);
    expect(isReadConflict(commitFailed('PHANTOM_READ_CONFLICT'))).to.equal(true);
  });

  it('is false for other validation codes, other codes and other errors', () => {
    expect(isReadConflict(commitFailed('ENDORSEMENT_POLICY_FAILURE'))).to.equal(false);
    expect(isReadConflict(commitFailed('BAD_CREATOR_SIGNATURE'))).to.equal(false);
    const endorse = new TransactionError({
      code: 'ENDORSE_FAILED',
      message: 'MVCC_READ_CONFLICT in the text only',
      validationCode: 'MVCC_READ_CONFLICT',
    });
    expect(isReadConflict(endorse)).to.equal(false);
    expect(isReadConflict(new Error('MVCC_READ_CONFLICT'))).to.equal(false);
    expect(isReadConflict(undefined)).to.equal(false);
  });
});
