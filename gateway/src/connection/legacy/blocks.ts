/**
 * Reading blocks: a transaction's outcome in a filtered block (the commit-status stream) or a full
 * block (qscc's answer), and the chaincode events of a full block's valid transactions.
 */
import { common, peer as peerProtos } from '@hyperledger/fabric-protos';

/** A transaction's outcome as a block records it. */
export interface TransactionOutcome {
  /** Block number. */
  readonly blockNumber: bigint;
  /** TxValidationCode. */
  readonly code: number;
}

/**
 * Finds a transaction in a filtered block: its first copy, since a later copy of the same id is
 * marked DUPLICATE_TXID and the first one's outcome is the transaction's.
 *
 * @param block - the filtered block
 * @param transactionId - the transaction
 * @returns its outcome, or undefined when the block does not hold it
 */
export function findInFilteredBlock(
  block: peerProtos.FilteredBlock,
  transactionId: string,
): TransactionOutcome | undefined {
  const tx = block.getFilteredTransactionsList().find((t) => t.getTxid() === transactionId);
  if (tx === undefined) return undefined;
  return { blockNumber: BigInt(block.getNumber()), code: tx.getTxValidationCode() };
}

/**
 * Finds a transaction in a full block (what qscc `GetBlockByTxID` returns).
 *
 * @param block - the block
 * @param transactionId - the transaction
 * @returns its outcome, or undefined when the block does not hold it
 */
export function findInBlock(
  block: common.Block,
  transactionId: string,
): TransactionOutcome | undefined {
  const flags = block.getMetadata()?.getMetadataList_asU8()[
    common.BlockMetadataIndex.TRANSACTIONS_FILTER
  ];
  const envelopes = block.getData()?.getDataList_asU8() ?? [];
  for (const [i, bytes] of envelopes.entries()) {
    if (transactionIdOf(bytes) === transactionId) {
      return {
        blockNumber: BigInt(block.getHeader()?.getNumber() ?? 0),
        code: flags?.[i] ?? 254,
      };
    }
  }
  return undefined;
}

function transactionIdOf(envelopeBytes: Uint8Array): string | undefined {
  try {
    const payload = common.Payload.deserializeBinary(
      common.Envelope.deserializeBinary(envelopeBytes).getPayload_asU8(),
    );
    const header = payload.getHeader();
    if (header === undefined) return undefined;
    return common.ChannelHeader.deserializeBinary(header.getChannelHeader_asU8()).getTxId();
  } catch {
    return undefined;
  }
}

/** A chaincode event read from a block, shaped as fabric-gateway's `ChaincodeEvent`. */
export interface BlockChaincodeEvent {
  /** Block number. */
  readonly blockNumber: bigint;
  /** Emitting transaction. */
  readonly transactionId: string;
  /** Chaincode name. */
  readonly chaincodeName: string;
  /** Event name. */
  readonly eventName: string;
  /** Event payload. */
  readonly payload: Uint8Array;
}

/**
 * The chaincode events of a block's valid transactions, in block order.
 *
 * @param block - a full block
 * @param chaincodeName - keep only this chaincode's events
 * @returns the events
 */
export function chaincodeEventsOf(
  block: common.Block,
  chaincodeName: string,
): BlockChaincodeEvent[] {
  const blockNumber = BigInt(block.getHeader()?.getNumber() ?? 0);
  const flags = block.getMetadata()?.getMetadataList_asU8()[
    common.BlockMetadataIndex.TRANSACTIONS_FILTER
  ];
  const out: BlockChaincodeEvent[] = [];
  for (const [i, bytes] of (block.getData()?.getDataList_asU8() ?? []).entries()) {
    if ((flags?.[i] ?? 254) !== 0) continue;
    const payload = common.Payload.deserializeBinary(
      common.Envelope.deserializeBinary(bytes).getPayload_asU8(),
    );
    const header = payload.getHeader();
    if (header === undefined) continue;
    const channelHeader = common.ChannelHeader.deserializeBinary(header.getChannelHeader_asU8());
    if (channelHeader.getType() !== (common.HeaderType.ENDORSER_TRANSACTION as number)) continue;
    const transaction = peerProtos.Transaction.deserializeBinary(payload.getData_asU8());
    for (const action of transaction.getActionsList()) {
      const actionPayload = peerProtos.ChaincodeActionPayload.deserializeBinary(
        action.getPayload_asU8(),
      );
      const responsePayload = actionPayload.getAction()?.getProposalResponsePayload_asU8();
      if (responsePayload === undefined) continue;
      const chaincodeAction = peerProtos.ChaincodeAction.deserializeBinary(
        peerProtos.ProposalResponsePayload.deserializeBinary(responsePayload).getExtension_asU8(),
      );
      const eventBytes = chaincodeAction.getEvents_asU8();
      if (eventBytes.length === 0) continue;
      const event = peerProtos.ChaincodeEvent.deserializeBinary(eventBytes);
      if (event.getChaincodeId() !== chaincodeName) continue;
      out.push({
        blockNumber,
        transactionId: channelHeader.getTxId(),
        chaincodeName: event.getChaincodeId(),
        eventName: event.getEventName(),
        payload: event.getPayload_asU8(),
      });
    }
  }
  return out;
}
