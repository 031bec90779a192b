/**
 * The key path the chaincode takes on Node 12 (the AMB build's runtime, which has no JWK export
 * and no asymmetricKeyDetails) against the JWK path it takes on Node 15.9+: one answer for every
 * encoding of a key, and the same refusals. Both run here, on the test's own Node.
 */
import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { expect } from 'chai';
import {
  describeKeyWithoutJwk,
  normalizePublicKey,
} from '../../../chaincode/src/feeds/lib/signatures';
import { canonicalP256Spki } from '../../../chaincode/src/feeds/lib/spki-compat';
import { p256Encodings } from '../../support/key-encodings';

function parsed(base64: string) {
  return createPublicKey({ key: Buffer.from(base64, 'base64'), format: 'der', type: 'spki' });
}

describe('oracle keys without JWK export (Node 12 path)', () => {
  const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const encodings = p256Encodings(publicKey);

  for (const [name, encoded] of Object.entries(encodings) as [string, string][]) {
    it(`gives the JWK path's canonical form for a P-256 key ${name}`, () => {
      const expected = normalizePublicKey(encoded);
      expect(expected).to.deep.equal({ keyType: 'p256', publicKey: encodings.canonical });
      expect(describeKeyWithoutJwk(parsed(encoded))).to.deep.equal(expected);
    });
  }

  it("gives the JWK path's answer for an Ed25519 key", () => {
    const ed = generateKeyPairSync('ed25519').publicKey;
    const der = ed.export({ format: 'der', type: 'spki' }).toString('base64');
    expect(describeKeyWithoutJwk(parsed(der))).to.deep.equal(normalizePublicKey(der));
  });

  it('refuses a P-384 key as the JWK path does', () => {
    const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' }).publicKey;
    const der = p384.export({ format: 'der', type: 'spki' }).toString('base64');
    expect(normalizePublicKey(der)).to.equal(undefined);
    expect(describeKeyWithoutJwk(p384)).to.equal(undefined);
  });

  it('refuses explicit parameters that differ from P-256 in one coefficient', () => {
    const der = Buffer.from(encodings.explicit, 'base64');
    // The curve's b coefficient starts 5ac635d8; change its first octet.
    const at = der.indexOf(Buffer.from('5ac635d8', 'hex'));
    expect(at).to.be.greaterThan(0);
    const altered = Buffer.from(der);
    altered[at] = 0x5b;
    expect(canonicalP256Spki(altered)).to.equal(undefined);
  });

  it('refuses DER with bytes after the key', () => {
    const der = Buffer.concat([Buffer.from(encodings.canonical, 'base64'), Buffer.from([0])]);
    expect(canonicalP256Spki(der)).to.equal(undefined);
  });
});
