/**
 * A round's full report read back from its transaction. World state keeps a round light (answer,
 * timestamps, signers, the report's digest, the transaction id), so a history reader fetches the
 * transaction through qscc `GetTransactionByID`, takes the report argument of its
 * `submitReport` invocation and checks it against the digest state recorded.
 */
import { createHash } from 'node:crypto';
import { common, peer as peerProtos } from '@hyperledger/fabric-protos';
import { encodeReport, type SignedReport } from '@oracle-consortium/protocol';
import { TransactionError } from '../errors';

/** The state a round keeps that locates and checks its report. */
export interface RoundReportLocator {
  /** The feed. */
  readonly feedId: string;
  /** The round, decimal string. */
  readonly roundId: string;
  /** The transaction that recorded the round. */
  readonly txId: string;
  /** Lowercase hex SHA-256 of the signed report bytes. */
  readonly reportDigest: string;
}

function unreadable(round: RoundReportLocator, why: string, cause?: unknown): TransactionError {
  return new TransactionError({
    code: 'EVALUATE_FAILED',
    message: `round ${round.roundId} of feed ${round.feedId}: transaction ${round.txId} ${why}`,
    transactionId: round.txId,
    ...(cause === undefined ? {} : { cause }),
  });
}

/**
 * The arguments of the chaincode invocation a transaction envelope carries.
 *
 * @param envelope - the transaction envelope
 * @returns the invocation's arguments as UTF-8 text, the function name first
 */
function invocationArgs(envelope: common.Envelope): string[] {
  const payload = common.Payload.deserializeBinary(envelope.getPayload_asU8());
  const transaction = peerProtos.Transaction.deserializeBinary(payload.getData_asU8());
  const action = transaction.getActionsList()[0];
  if (action === undefined) return [];
  const actionPayload = peerProtos.ChaincodeActionPayload.deserializeBinary(
    action.getPayload_asU8(),
  );
  const proposalPayload = peerProtos.ChaincodeProposalPayload.deserializeBinary(
    actionPayload.getChaincodeProposalPayload_asU8(),
  );
  const spec = peerProtos.ChaincodeInvocationSpec.deserializeBinary(
    proposalPayload.getInput_asU8(),
  );
  return (spec.getChaincodeSpec()?.getInput()?.getArgsList_asU8() ?? []).map((a) =>
    Buffer.from(a).toString('utf8'),
  );
}

/**
 * Extracts and checks a round's signed report from the `ProcessedTransaction` qscc returns.
 *
 * @param processed - qscc `GetTransactionByID`'s answer
 * @param round - the round as state records it
 * @returns the report exactly as submitted: observations, signatures and all
 * @throws TransactionError `EVALUATE_FAILED` when the bytes do not decode, the transaction did
 *   not invoke `submitReport` with a JSON report for this feed and round, or the report's digest is
 *   not the one state recorded
 */
export function roundReportFromTransaction(
  processed: Uint8Array,
  round: RoundReportLocator,
): SignedReport {
  let args: string[];
  try {
    const tx = peerProtos.ProcessedTransaction.deserializeBinary(processed);
    const envelope = tx.getTransactionenvelope();
    if (envelope === undefined) throw new Error('no envelope');
    args = invocationArgs(envelope);
  } catch (cause) {
    throw unreadable(round, 'does not decode as a chaincode transaction', cause);
  }
  const [fn, reportJson] = args;
  if (fn === undefined || !fn.endsWith('submitReport') || reportJson === undefined) {
    throw unreadable(round, `invoked ${fn ?? 'nothing'}, not submitReport`);
  }
  let report: SignedReport;
  try {
    report = JSON.parse(reportJson) as SignedReport;
  } catch (cause) {
    throw unreadable(round, 'carries a report that is not JSON', cause);
  }
  if (report.feedId !== round.feedId || report.roundId !== round.roundId) {
    throw unreadable(round, `carries the report of ${report.feedId} round ${report.roundId}`);
  }
  let digest: string;
  try {
    digest = createHash('sha256').update(encodeReport(report)).digest('hex');
  } catch (cause) {
    throw unreadable(round, 'carries a report that does not encode', cause);
  }
  if (digest !== round.reportDigest) {
    throw unreadable(round, `carries a report whose digest ${digest} is not ${round.reportDigest}`);
  }
  return report;
}
