/**
 * The signatures Fabric's nodes put into a block, checked against the certificate each names: a
 * transaction's endorsements (a peer's signature over the proposal response payload followed by
 * its serialized identity) and the ordering service's block signature (over the signature
 * metadata's value, the signature header and the ASN.1 encoding of the block header, as Fabric's
 * block writer signs). Tests use it to show which node signed a committed block, and with which
 * certificate, on a network whose node keys live in an HSM.
 */
import { X509Certificate, verify } from 'node:crypto';
import { common, msp, peer } from '@hyperledger/fabric-protos';

/** One signature a node made, with the identity it names and whether it verifies. */
export interface NodeSignature {
  /** The MSP id of the signer's serialized identity. */
  readonly mspId: string;
  /** The signer's certificate, PEM, as its serialized identity carries it. */
  readonly certificatePem: string;
  /** The signature verifies with that certificate's public key over the bytes Fabric signs. */
  readonly valid: boolean;
}

/** The identity a `msp.SerializedIdentity` names, and a check of `signature` over `data`. */
function signatureBy(identity: Uint8Array, data: Buffer, signature: Uint8Array): NodeSignature {
  const id = msp.SerializedIdentity.deserializeBinary(identity);
  const certificatePem = Buffer.from(id.getIdBytes_asU8()).toString('utf8');
  const publicKey = new X509Certificate(certificatePem).publicKey;
  return {
    mspId: id.getMspid(),
    certificatePem,
    valid: verify('sha256', data, publicKey, Buffer.from(signature)),
  };
}

/**
 * The endorsements of one transaction of a block, each checked against its endorser's certificate.
 *
 * @param blockBytes - a serialized `common.Block` (qscc `GetBlockByNumber` answers one)
 * @param transactionId - the transaction to read
 * @returns one entry per endorsement of the transaction's chaincode action
 * @throws Error when the block holds no endorser transaction with that id
 */
export function endorsementsOf(blockBytes: Uint8Array, transactionId: string): NodeSignature[] {
  const block = common.Block.deserializeBinary(blockBytes);
  for (const envelopeBytes of block.getData()?.getDataList_asU8() ?? []) {
    const payload = common.Payload.deserializeBinary(
      common.Envelope.deserializeBinary(envelopeBytes).getPayload_asU8(),
    );
    const channelHeader = common.ChannelHeader.deserializeBinary(
      payload.getHeader()?.getChannelHeader_asU8() ?? new Uint8Array(),
    );
    if (channelHeader.getTxId() !== transactionId) continue;
    const transaction = peer.Transaction.deserializeBinary(payload.getData_asU8());
    return transaction.getActionsList().flatMap((action) => {
      const endorsed = peer.ChaincodeActionPayload.deserializeBinary(
        action.getPayload_asU8(),
      ).getAction();
      if (endorsed === undefined) return [];
      const responsePayload = Buffer.from(endorsed.getProposalResponsePayload_asU8());
      return endorsed
        .getEndorsementsList()
        .map((e) =>
          signatureBy(
            e.getEndorser_asU8(),
            Buffer.concat([responsePayload, Buffer.from(e.getEndorser_asU8())]),
            e.getSignature_asU8(),
          ),
        );
    });
  }
  throw new Error(
    `block ${String(block.getHeader()?.getNumber())} has no transaction ${transactionId}`,
  );
}

/** DER length octets. */
function derLength(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v % 256);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

function derTlv(tag: number, content: Buffer): Buffer {
  return Buffer.concat([Buffer.from([tag]), derLength(content.length), content]);
}

/** A non-negative INTEGER, minimal two's complement as Go's encoding/asn1 writes a big.Int. */
function derUnsigned(n: bigint): Buffer {
  let hex = n.toString(16);
  if (hex.length % 2 === 1) hex = `0${hex}`;
  let bytes = Buffer.from(hex, 'hex');
  if ((bytes[0] ?? 0) & 0x80) bytes = Buffer.concat([Buffer.from([0]), bytes]);
  return derTlv(0x02, bytes);
}

/**
 * The bytes of a block header that its signature covers: the DER SEQUENCE of its number, previous
 * hash and data hash (Fabric's protoutil.BlockHeaderBytes).
 *
 * @param header - the block's header
 * @returns the DER encoding
 */
export function blockHeaderBytes(header: common.BlockHeader): Buffer {
  return derTlv(
    0x30,
    Buffer.concat([
      derUnsigned(BigInt(header.getNumber())),
      derTlv(0x04, Buffer.from(header.getPreviousHash_asU8())),
      derTlv(0x04, Buffer.from(header.getDataHash_asU8())),
    ]),
  );
}

/**
 * The ordering service's signatures of a block (its SIGNATURES metadata), each checked against the
 * certificate of the orderer its signature header names.
 *
 * @param blockBytes - a serialized `common.Block`
 * @returns one entry per signature
 * @throws Error when the block has no header or no signatures metadata
 */
export function blockSignaturesOf(blockBytes: Uint8Array): NodeSignature[] {
  const block = common.Block.deserializeBinary(blockBytes);
  const header = block.getHeader();
  const metadataBytes = block.getMetadata()?.getMetadataList_asU8()[
    common.BlockMetadataIndex.SIGNATURES
  ];
  if (header === undefined || metadataBytes === undefined) {
    throw new Error('the block has no header or no signatures metadata');
  }
  const metadata = common.Metadata.deserializeBinary(metadataBytes);
  const headerBytes = blockHeaderBytes(header);
  return metadata.getSignaturesList().map((s) => {
    const signatureHeader = Buffer.from(s.getSignatureHeader_asU8());
    const creator = common.SignatureHeader.deserializeBinary(signatureHeader).getCreator_asU8();
    return signatureBy(
      creator,
      Buffer.concat([Buffer.from(metadata.getValue_asU8()), signatureHeader, headerBytes]),
      s.getSignature_asU8(),
    );
  });
}
