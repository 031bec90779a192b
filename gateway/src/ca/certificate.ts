/**
 * Reading certificates the way Fabric CA names them: serial number and authority key identifier.
 */
import { X509Certificate } from 'node:crypto';
import { AsnConvert } from '@peculiar/asn1-schema';
import {
  AuthorityKeyIdentifier,
  Certificate,
  id_ce_authorityKeyIdentifier,
} from '@peculiar/asn1-x509';

/**
 * Serial number and authority key identifier of a certificate, as hex, the form Fabric CA uses
 * to name a certificate in revoke requests.
 *
 * @param certificate - PEM certificate
 * @returns serial and AKI in lower-case hex
 */
export function serialAndAki(certificate: string): {
  /** Serial number, hex. */
  serial: string;
  /** Authority key identifier, hex. */
  aki: string;
} {
  const x509 = new X509Certificate(certificate);
  const cert = AsnConvert.parse(x509.raw, Certificate);
  const ext = cert.tbsCertificate.extensions?.find(
    (e) => e.extnID === id_ce_authorityKeyIdentifier,
  );
  const aki =
    ext !== undefined
      ? Buffer.from(
          AsnConvert.parse(ext.extnValue.buffer, AuthorityKeyIdentifier).keyIdentifier?.buffer ??
            new ArrayBuffer(0),
        ).toString('hex')
      : '';
  return { serial: x509.serialNumber.toLowerCase(), aki };
}
