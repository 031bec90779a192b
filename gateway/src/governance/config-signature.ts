/**
 * `common.ConfigSignature`s over a config update, made with any library signer (file, KMS, HSM):
 * a signature header naming the signer (SerializedIdentity of MSP id and certificate PEM, with a
 * fresh nonce) and an ECDSA signature over SHA-256(header || ConfigUpdate), low S as Fabric
 * demands. Signatures travel on the chain (the contract's `signChannelUpdate`), so no file passes
 * between members; whoever submits puts them all in the update envelope.
 */
import { createHash, randomBytes, verify, X509Certificate } from 'node:crypto';
import { common, msp } from '@hyperledger/fabric-protos';
import { InputError } from '../errors';
import { isLowS, toLowS } from '../lib/ecdsa';
import type { Signer } from '../signers/signer';

/** Who signs: an identity's MSP id and certificate, and the signer holding its key. */
export interface ConfigSigningIdentity {
  /** The identity's MSP id. */
  readonly mspId: string;
  /** Its PEM certificate. */
  readonly certificate: string;
  /** The signer of its key (file, KMS or HSM). */
  readonly signer: Signer;
}

/** The two parts of a `common.ConfigSignature`. */
export interface ConfigSignatureParts {
  /** The serialized `common.SignatureHeader`. */
  readonly signatureHeader: Uint8Array;
  /** The DER ECDSA signature (low S) over SHA-256(signatureHeader || configUpdate). */
  readonly signature: Uint8Array;
}

/**
 * A serialized `common.SignatureHeader` for an identity, with a fresh 24-byte nonce.
 *
 * @param mspId - the MSP id
 * @param certificate - the PEM certificate
 * @returns the header bytes
 */
export function signatureHeaderFor(mspId: string, certificate: string): Uint8Array {
  const creator = new msp.SerializedIdentity();
  creator.setMspid(mspId);
  creator.setIdBytes(Buffer.from(certificate, 'utf8'));
  const header = new common.SignatureHeader();
  header.setCreator(creator.serializeBinary());
  header.setNonce(randomBytes(24));
  return header.serializeBinary();
}

/**
 * Signs bytes as Fabric verifies them: SHA-256 then ECDSA with low S (Ed25519 signers get the
 * message itself).
 *
 * @param signer - the signer
 * @param message - the bytes signed
 * @returns the signature
 * @throws SignerError when the KMS or HSM fails
 */
export async function signFabricMessage(signer: Signer, message: Uint8Array): Promise<Uint8Array> {
  if (signer.algorithm === 'ED25519') return signer.sign(message);
  const digest = createHash('sha256').update(message).digest();
  return toLowS(await signer.sign(digest));
}

/**
 * Signs a config update as one identity, for the update's `signatures` list.
 *
 * @param configUpdate - the serialized `common.ConfigUpdate`
 * @param identity - MSP id, certificate and signer of the signing admin
 * @returns the signature header and signature
 * @throws InputError `INVALID_INPUT` when the update is empty
 * @throws SignerError when the KMS or HSM fails
 * @example
 * ```ts
 * const parts = await governance.signConfigUpdate(update.configUpdate, { mspId: 'Org1MSP', certificate, signer });
 * ```
 */
export async function signConfigUpdate(
  configUpdate: Uint8Array,
  identity: Readonly<ConfigSigningIdentity>,
): Promise<ConfigSignatureParts> {
  if (configUpdate.length === 0) {
    throw new InputError({ code: 'INVALID_INPUT', message: 'the config update to sign is empty' });
  }
  const signatureHeader = signatureHeaderFor(identity.mspId, identity.certificate);
  const signature = await signFabricMessage(
    identity.signer,
    Buffer.concat([signatureHeader, configUpdate]),
  );
  return { signatureHeader, signature };
}

/** Who a config signature names and whether it verifies. */
export interface ConfigSignatureCheck {
  /** The MSP id its header names. */
  readonly mspId: string;
  /** The PEM certificate its header names. */
  readonly certificate: string;
  /** Whether the signature verifies over the update with that certificate's key, with low S. */
  readonly valid: boolean;
}

/**
 * Checks a config signature the way the orderer's first step does: the header's creator, and the
 * signature over SHA-256(header || update) with low S. Policy (is the creator an admin?) is the
 * channel's to decide.
 *
 * @param configUpdate - the serialized `common.ConfigUpdate`
 * @param parts - the signature header and signature
 * @returns the creator and whether the signature is valid
 * @throws InputError `INVALID_INPUT` when the header or its certificate cannot be decoded
 */
export function checkConfigSignature(
  configUpdate: Uint8Array,
  parts: Readonly<ConfigSignatureParts>,
): ConfigSignatureCheck {
  let mspId: string;
  let certificate: string;
  let cert: X509Certificate;
  try {
    const header = common.SignatureHeader.deserializeBinary(parts.signatureHeader);
    const creator = msp.SerializedIdentity.deserializeBinary(header.getCreator_asU8());
    mspId = creator.getMspid();
    certificate = Buffer.from(creator.getIdBytes_asU8()).toString('utf8');
    cert = new X509Certificate(certificate);
  } catch (cause) {
    throw new InputError({
      code: 'INVALID_INPUT',
      message: 'the config signature header does not name a creator with an X.509 certificate',
      cause,
    });
  }
  const message = Buffer.concat([parts.signatureHeader, configUpdate]);
  let valid: boolean;
  try {
    valid =
      cert.publicKey.asymmetricKeyType === 'ed25519'
        ? verify(null, message, cert.publicKey, parts.signature)
        : isLowS(parts.signature) && verify('sha256', message, cert.publicKey, parts.signature);
  } catch {
    valid = false;
  }
  return { mspId, certificate, valid };
}
