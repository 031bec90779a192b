/**
 * Real Fabric blocks for the chaos suite's unit tests, built with @hyperledger/fabric-protos in the
 * shape a peer's qscc returns them: envelopes of endorser transactions carrying a kv write set, a
 * config envelope, and the transaction filter in the block metadata.
 */
import { common, ledger, peer } from '@hyperledger/fabric-protos';

/** One transaction to put in a test block. */
export interface TestTx {
  /** Transaction id. */
  id: string;
  /** Validation code (peer.TxValidationCode); VALID when absent. */
  code?: number;
  /** Keys written in namespace `kv` (value as text). */
  writes?: Record<string, string>;
  /** A config envelope instead of an endorser transaction. */
  config?: boolean;
  /** Raw envelope bytes instead of a well-formed envelope. */
  raw?: Uint8Array;
}

function endorserPayload(writes: Record<string, string>): Uint8Array {
  const kv = new ledger.rwset.kvrwset.KVRWSet();
  for (const [key, value] of Object.entries(writes)) {
    const w = new ledger.rwset.kvrwset.KVWrite();
    w.setKey(key);
    w.setValue(Buffer.from(value, 'utf8'));
    kv.addWrites(w);
  }
  const ns = new ledger.rwset.NsReadWriteSet();
  ns.setNamespace('kv');
  ns.setRwset(kv.serializeBinary());
  const lifecycle = new ledger.rwset.NsReadWriteSet();
  lifecycle.setNamespace('_lifecycle');
  lifecycle.setRwset(new ledger.rwset.kvrwset.KVRWSet().serializeBinary());
  const rwset = new ledger.rwset.TxReadWriteSet();
  rwset.setDataModel(ledger.rwset.TxReadWriteSet.DataModel.KV);
  rwset.setNsRwsetList([lifecycle, ns]);
  const action = new peer.ChaincodeAction();
  action.setResults(rwset.serializeBinary());
  const prp = new peer.ProposalResponsePayload();
  prp.setExtension$(action.serializeBinary());
  const endorsed = new peer.ChaincodeEndorsedAction();
  endorsed.setProposalResponsePayload(prp.serializeBinary());
  const cap = new peer.ChaincodeActionPayload();
  cap.setAction(endorsed);
  const txAction = new peer.TransactionAction();
  txAction.setPayload(cap.serializeBinary());
  const tx = new peer.Transaction();
  tx.setActionsList([txAction]);
  return tx.serializeBinary();
}

function envelope(tx: TestTx): Uint8Array {
  if (tx.raw !== undefined) return tx.raw;
  const ch = new common.ChannelHeader();
  ch.setType(
    tx.config === true ? common.HeaderType.CONFIG : common.HeaderType.ENDORSER_TRANSACTION,
  );
  ch.setTxId(tx.id);
  ch.setChannelId('consortium');
  const header = new common.Header();
  header.setChannelHeader(ch.serializeBinary());
  const payload = new common.Payload();
  payload.setHeader(header);
  payload.setData(
    tx.config === true ? new Uint8Array([1, 2, 3]) : endorserPayload(tx.writes ?? {}),
  );
  const env = new common.Envelope();
  env.setPayload(payload.serializeBinary());
  env.setSignature(new Uint8Array([48, 1, 0]));
  return env.serializeBinary();
}

/**
 * Serializes a block holding the given transactions.
 *
 * @param number - block number
 * @param txs - its transactions in order
 * @returns the block's protobuf bytes
 */
export function blockBytes(number: number, txs: readonly TestTx[]): Uint8Array {
  const header = new common.BlockHeader();
  header.setNumber(number);
  const data = new common.BlockData();
  data.setDataList(txs.map(envelope));
  const metadata = new common.BlockMetadata();
  const filter = Uint8Array.from(txs.map((t) => t.code ?? peer.TxValidationCode.VALID));
  metadata.setMetadataList([
    new Uint8Array(),
    new Uint8Array(),
    filter,
    new Uint8Array(),
    new Uint8Array(),
  ]);
  const block = new common.Block();
  block.setHeader(header);
  block.setData(data);
  block.setMetadata(metadata);
  return block.serializeBinary();
}
