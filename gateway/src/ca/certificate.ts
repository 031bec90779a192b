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
 * A serial number or key identifier the way Fabric CA writes it: lower-case hex without leading
 * zeros (it trims them from revoke requests and prints big integers in its answers), so values
 * from a certificate and from the CA compare equal. An identifier starting with a zero byte used
 * to compare unequal one time in sixteen.
 *
 * @param hex - hex digits in any case, with or without leading zeros
 * @returns the canonical form; `0` for zero
 */
export function fabricCaHex(hex: string): string {
  const trimmed = hex.toLowerCase().replace(/^0+/, '');
  return trimmed === '' && hex !== '' ? '0' : trimmed;
}

/**
 * Serial number and authority key identifier of a certificate, as hex, the form Fabric CA uses
 * to name a certificate in revoke requests.
 *
 * @param certificate - PEM certificate
 * @returns serial and AKI in Fabric CA's form ({@link fabricCaHex})
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
  return { serial: fabricCaHex(x509.serialNumber), aki: fabricCaHex(aki) };
}
