/**
 * parseCertificate reads the same facts from a certificate whether Node's X509Certificate answers
 * (Node 15.6+) or the DER is read by hand (the path the chaincode's AMB build takes on Node 12):
 * both readings of every certificate of the MSP-definition vectors must agree, and the hand reading
 * must refuse what is not a certificate.
 */
import { X509Certificate } from 'node:crypto';
import { expect } from 'chai';
import { parseCertificate } from '@oracle-consortium/protocol';
import { mspVectors } from '../../support/msp-vectors';

const pems = mspVectors.certificates;

describe('X.509 reading without X509Certificate (Node 12 path)', () => {
  for (const [name, pem] of Object.entries<string>(pems)) {
    it(`reads the ${name} certificate as X509Certificate does`, () => {
      const native = new X509Certificate(pem);
      const byHand = parseCertificate(Buffer.from(pem), { native: false });
      expect(byHand.raw.equals(native.raw)).to.equal(true);
      expect(byHand.ca).to.equal(native.ca);
      expect(byHand.subject).to.equal(native.subject);
      expect(
        byHand.publicKey
          .export({ format: 'der', type: 'spki' })
          .equals(native.publicKey.export({ format: 'der', type: 'spki' })),
      ).to.equal(true);
    });
  }

  it('agrees with X509Certificate on who issued and signed each certificate', () => {
    const names = Object.keys(pems) as (keyof typeof pems)[];
    for (const subject of names) {
      for (const issuer of names) {
        const native = new X509Certificate(pems[subject]);
        const nativeIssuer = new X509Certificate(pems[issuer]);
        const byHand = parseCertificate(Buffer.from(pems[subject]), { native: false });
        const byHandIssuer = parseCertificate(Buffer.from(pems[issuer]), { native: false });
        const label = `${subject} by ${issuer}`;
        expect(byHand.checkIssued(byHandIssuer), label).to.equal(native.checkIssued(nativeIssuer));
        expect(byHand.verify(byHandIssuer.publicKey), label).to.equal(
          native.verify(nativeIssuer.publicKey),
        );
      }
    }
  });

  it('reads DER as it reads PEM', () => {
    const der = new X509Certificate(pems.orgRoot).raw;
    expect(parseCertificate(der, { native: false }).raw.equals(der)).to.equal(true);
  });

  it('refuses bytes that are not a certificate, naming the problem', () => {
    expect(() => parseCertificate(Buffer.from('30030201', 'hex'), { native: false })).to.throw(
      Error,
      /not an X.509 certificate/,
    );
    expect(() =>
      parseCertificate(Buffer.from('-----BEGIN CERTIFICATE-----\n!!\n'), { native: false }),
    ).to.throw(Error, /PEM without one CERTIFICATE block/);
  });

  it('does not verify a certificate whose signed part was altered', () => {
    const der = Buffer.from(new X509Certificate(pems.leaf).raw);
    const root = parseCertificate(Buffer.from(pems.orgRoot), { native: false });
    const leaf = parseCertificate(der, { native: false });
    // The serial number's second octet (certificate and tbsCertificate headers 4 octets each,
    // version 5, the serial's tag and length 2), well within the signed part.
    const altered = Buffer.from(der);
    altered[16] = (altered[16] ?? 0) ^ 1;
    expect(leaf.verify(root.publicKey)).to.equal(
      new X509Certificate(der).verify(new X509Certificate(pems.orgRoot).publicKey),
    );
    expect(parseCertificate(altered, { native: false }).verify(root.publicKey)).to.equal(false);
  });
});
