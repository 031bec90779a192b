/**
 * Reading a round's report back from its transaction: the decoder takes qscc's
 * `ProcessedTransaction`, finds the `submitReport` argument and checks it against the digest the
 * round keeps in state.
 */
import { createHash } from 'node:crypto';
import { common, peer as peerProtos } from '@hyperledger/fabric-protos';
import { expect } from 'chai';
import { encodeReport, type SignedReport } from '@oracle-consortium/protocol';
import { TransactionError } from '../../../gateway/src';
import { roundReportFromTransaction } from '../../../gateway/src/clients/round-reports';
import { newOracles, signedReport } from '../../support/oracles';

const oracles = newOracles(['p256', 'ed25519', 'p256']);
const report: SignedReport = signedReport(oracles, {
  feedId: 'eth-usd',
  configDigest: 'ab'.repeat(32),
  roundId: '42',
  observationsTimestamp: 1_700_000_000,
  values: ['300', '301', '299'],
  signers: [0, 1, 2],
});
const digest = createHash('sha256').update(encodeReport(report)).digest('hex');
const round = { feedId: 'eth-usd', roundId: '42', txId: 'tx-42', reportDigest: digest };

/** The bytes qscc GetTransactionByID returns for a transaction invoking `args`. */
function processedTransaction(args: readonly string[]): Uint8Array {
  const input = new peerProtos.ChaincodeInput();
  input.setArgsList(args.map((a) => Buffer.from(a, 'utf8')));
  const spec = new peerProtos.ChaincodeSpec();
  spec.setInput(input);
  const invocation = new peerProtos.ChaincodeInvocationSpec();
  invocation.setChaincodeSpec(spec);
  const proposalPayload = new peerProtos.ChaincodeProposalPayload();
  proposalPayload.setInput(invocation.serializeBinary());
  const actionPayload = new peerProtos.ChaincodeActionPayload();
  actionPayload.setChaincodeProposalPayload(proposalPayload.serializeBinary());
  const action = new peerProtos.TransactionAction();
  action.setPayload(actionPayload.serializeBinary());
  const transaction = new peerProtos.Transaction();
  transaction.setActionsList([action]);
  const payload = new common.Payload();
  payload.setData(transaction.serializeBinary());
  const envelope = new common.Envelope();
  envelope.setPayload(payload.serializeBinary());
  const processed = new peerProtos.ProcessedTransaction();
  processed.setTransactionenvelope(envelope);
  processed.setValidationcode(0);
  return processed.serializeBinary();
}

function rejection(fn: () => unknown): TransactionError {
  try {
    fn();
  } catch (err) {
    expect(err).to.be.instanceOf(TransactionError);
    return err as TransactionError;
  }
  return expect.fail('expected a TransactionError');
}

describe('gateway: a round report read from its transaction', () => {
  it('returns the submitted report exactly, observations and signatures included', () => {
    const bytes = processedTransaction(['feeds:submitReport', JSON.stringify(report)]);
    expect(roundReportFromTransaction(bytes, round)).to.deep.equal(report);
  });

  it('refuses a report whose digest is not the one the round recorded', () => {
    const altered = {
      ...report,
      observations: [{ oracle: 0, value: '1' }, ...report.observations.slice(1)],
    };
    const bytes = processedTransaction(['feeds:submitReport', JSON.stringify(altered)]);
    const err = rejection(() => roundReportFromTransaction(bytes, round));
    expect(err.code).to.equal('EVALUATE_FAILED');
    expect(err.transactionId).to.equal('tx-42');
    expect(err.message).to.contain(`is not ${digest}`);
  });

  it('refuses a transaction that did not invoke submitReport', () => {
    const bytes = processedTransaction(['feeds:createFeed', '{}']);
    const err = rejection(() => roundReportFromTransaction(bytes, round));
    expect(err.code).to.equal('EVALUATE_FAILED');
    expect(err.message).to.contain('invoked feeds:createFeed, not submitReport');
  });

  it('refuses the report of another round', () => {
    const other = { ...round, roundId: '43' };
    const bytes = processedTransaction(['feeds:submitReport', JSON.stringify(report)]);
    const err = rejection(() => roundReportFromTransaction(bytes, other));
    expect(err.code).to.equal('EVALUATE_FAILED');
    expect(err.message).to.contain('carries the report of eth-usd round 42');
  });

  it('refuses a report argument that is not JSON', () => {
    const bytes = processedTransaction(['feeds:submitReport', '{not json']);
    const err = rejection(() => roundReportFromTransaction(bytes, round));
    expect(err.code).to.equal('EVALUATE_FAILED');
    expect(err.message).to.contain('not JSON');
  });

  it('refuses bytes that are not a processed transaction', () => {
    const err = rejection(() => roundReportFromTransaction(Buffer.from('garbage'), round));
    expect(err.code).to.equal('EVALUATE_FAILED');
    expect(err.message).to.contain('does not decode');
  });
});
