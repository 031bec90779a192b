/**
 * Reading the channel's ledger back for the chaos suite: every block decoded down to each
 * transaction's id, its validation code and the keys it wrote. The suite trusts the ledger, not the
 * client, so the verdict on every operation comes from what the peers committed, block by block.
 */
import { common, ledger, peer } from '@hyperledger/fabric-protos';

/** One key a transaction wrote (the write set its endorsers signed, kept even when invalid). */
export interface LedgerWrite {
  /** Chaincode namespace the key lives in. */
  readonly namespace: string;
  /** The key. */
  readonly key: string;
  /** The value written, as UTF-8 text; empty for a delete. */
  readonly value: string;
  /** Whether the write deletes the key. */
  readonly isDelete: boolean;
}

/** One transaction as the ledger records it. */
export interface LedgerTx {
  /** Transaction id from the channel header. */
  readonly transactionId: string;
  /** Block holding it. */
  readonly blockNumber: number;
  /** Position inside the block. */
  readonly index: number;
  /** `ENDORSER_TRANSACTION`, `CONFIG`, or another header type's name. */
  readonly type: string;
  /** Validation code name from the block's transaction filter (`VALID`, `MVCC_READ_CONFLICT`, ...). */
  readonly validation: string;
  /** Keys written, for endorser transactions whose payload decodes. */
  readonly writes: readonly LedgerWrite[];
  /** Why the payload could not be decoded, when it could not. */
  readonly undecodable?: string;
}

/** One decoded block. */
export interface LedgerBlock {
  /** Block number. */
  readonly number: number;
  /** Its transactions in order. */
  readonly transactions: readonly LedgerTx[];
}

const VALIDATION_NAMES = new Map<number, string>(
  Object.entries(peer.TxValidationCode).map(([name, code]) => [code, name]),
);
const HEADER_TYPE_NAMES = new Map<number, string>(
  Object.entries(common.HeaderType).map(([name, code]) => [code, name]),
);

/**
 * The name of a transaction validation code.
 *
 * @param code - the numeric code from a block's transaction filter
 * @returns its name (`VALID`, `MVCC_READ_CONFLICT`...), or `CODE_<n>` for a code this version does not know
 */
export function validationName(code: number): string {
  return VALIDATION_NAMES.get(code) ?? `CODE_${String(code)}`;
}

function writesOf(transaction: peer.Transaction): LedgerWrite[] {
  const writes: LedgerWrite[] = [];
  for (const action of transaction.getActionsList()) {
    const actionPayload = peer.ChaincodeActionPayload.deserializeBinary(action.getPayload_asU8());
    const endorsed = actionPayload.getAction();
    if (endorsed === undefined) continue;
    const response = peer.ProposalResponsePayload.deserializeBinary(
      endorsed.getProposalResponsePayload_asU8(),
    );
    const chaincodeAction = peer.ChaincodeAction.deserializeBinary(response.getExtension_asU8());
    const rwset = ledger.rwset.TxReadWriteSet.deserializeBinary(chaincodeAction.getResults_asU8());
    for (const ns of rwset.getNsRwsetList()) {
      const kv = ledger.rwset.kvrwset.KVRWSet.deserializeBinary(ns.getRwset_asU8());
      for (const w of kv.getWritesList()) {
        writes.push({
          namespace: ns.getNamespace(),
          key: w.getKey(),
          value: Buffer.from(w.getValue_asU8()).toString('utf8'),
          isDelete: w.getIsDelete(),
        });
      }
    }
  }
  return writes;
}

/**
 * Decodes a serialized `common.Block` (as qscc `GetBlockByNumber` or a deliver stream returns it).
 *
 * @param bytes - the block's protobuf bytes
 * @returns its number and every transaction with id, validation code and writes
 * @throws Error when the bytes are not a block (no header or no data)
 */
export function decodeBlock(bytes: Uint8Array): LedgerBlock {
  const block = common.Block.deserializeBinary(bytes);
  const header = block.getHeader();
  const data = block.getData();
  if (header === undefined || data === undefined) {
    throw new Error('not a block: no header or no data');
  }
  const number = header.getNumber();
  const filter =
    block.getMetadata()?.getMetadataList_asU8()[common.BlockMetadataIndex.TRANSACTIONS_FILTER] ??
    new Uint8Array();
  const transactions = data.getDataList_asU8().map((envelopeBytes, index): LedgerTx => {
    const validation = validationName(filter[index] ?? peer.TxValidationCode.NOT_VALIDATED);
    let transactionId = '';
    let type = 'UNKNOWN';
    try {
      const envelope = common.Envelope.deserializeBinary(envelopeBytes);
      const payload = common.Payload.deserializeBinary(envelope.getPayload_asU8());
      const channelHeaderBytes = payload.getHeader()?.getChannelHeader_asU8();
      if (channelHeaderBytes === undefined) throw new Error('payload has no header');
      const channelHeader = common.ChannelHeader.deserializeBinary(channelHeaderBytes);
      transactionId = channelHeader.getTxId();
      type =
        HEADER_TYPE_NAMES.get(channelHeader.getType()) ?? `TYPE_${String(channelHeader.getType())}`;
      const writes =
        channelHeader.getType() === common.HeaderType.ENDORSER_TRANSACTION
          ? writesOf(peer.Transaction.deserializeBinary(payload.getData_asU8()))
          : [];
      return { transactionId, blockNumber: number, index, type, validation, writes };
    } catch (err) {
      // A malformed envelope is still a ledger entry: the validation code says what the peers
      // made of it, and the verdict must not silently skip it.
      return {
        transactionId,
        blockNumber: number,
        index,
        type,
        validation,
        writes: [],
        undecodable: err instanceof Error ? err.message : String(err),
      };
    }
  });
  return { number, transactions };
}
