import { createHash } from 'node:crypto';
import { CertificationRequest, CertificationRequestInfo } from '@peculiar/asn1-csr';
import { AsnConvert } from '@peculiar/asn1-schema';
import {
  AlgorithmIdentifier,
  AttributeTypeAndValue,
  AttributeValue,
  Name,
  RelativeDistinguishedName,
  SubjectPublicKeyInfo,
} from '@peculiar/asn1-x509';
import type { Signer } from '../signers/signer';

const OID_COMMON_NAME = '2.5.4.3';
const OID_ECDSA_WITH_SHA256 = '1.2.840.10045.4.3.2';
const OID_ED25519 = '1.3.101.112';

/** Options of {@link createCsr}. */
export interface CsrOptions {
  /** Subject common name; Fabric CA requires the enrollment id. */
  readonly commonName: string;
  /** Signer holding the key to certify; its private key never leaves it. */
  readonly signer: Signer;
}

function toPem(label: string, der: ArrayBuffer): string {
  const b64 = Buffer.from(der).toString('base64');
  const lines = b64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

/**
 * Builds a PKCS#10 certification request for the signer's public key, signed by the signer (so a
 * KMS or HSM key can be certified without leaving the device).
 *
 * @param options - common name and signer
 * @returns PEM `CERTIFICATE REQUEST`
 * @throws SignerError when the signer cannot sign
 * @example
 * ```ts
 * const pem = await ca.createCsr({ commonName: 'app1', signer });
 * ```
 */
export async function createCsr(options: Readonly<CsrOptions>): Promise<string> {
  const spkiDer = (await options.signer.publicKey()).export({ type: 'spki', format: 'der' });
  const info = new CertificationRequestInfo({
    version: 0,
    subject: new Name([
      new RelativeDistinguishedName([
        new AttributeTypeAndValue({
          type: OID_COMMON_NAME,
          value: new AttributeValue({ utf8String: options.commonName }),
        }),
      ]),
    ]),
    subjectPKInfo: AsnConvert.parse(spkiDer, SubjectPublicKeyInfo),
  });
  const infoDer = Buffer.from(AsnConvert.serialize(info));
  const ed25519 = options.signer.algorithm === 'ED25519';
  const signature = await options.signer.sign(
    ed25519 ? infoDer : createHash('sha256').update(infoDer).digest(),
  );
  const request = new CertificationRequest({
    certificationRequestInfo: info,
    signatureAlgorithm: new AlgorithmIdentifier({
      algorithm: ed25519 ? OID_ED25519 : OID_ECDSA_WITH_SHA256,
    }),
    signature: Uint8Array.from(signature).buffer,
  });
  return toPem('CERTIFICATE REQUEST', AsnConvert.serialize(request));
}
