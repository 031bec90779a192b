import { expect } from 'chai';
import { createHash, generateKeyPairSync, sign, verify } from 'node:crypto';
import {
  P256_ORDER,
  encodeDerSignature,
  isLowS,
  parseDerSignature,
  rawToLowSDer,
  toLowS,
} from '../../../gateway/src/lib/ecdsa';

describe('ecdsa low-S encoding', () => {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });

  it('turns a high-S signature into its low-S twin, which still verifies', () => {
    let seen = 0;
    for (let i = 0; i < 64; i++) {
      const message = Buffer.from(`message ${i}`);
      const der = sign('sha256', message, privateKey);
      const { r, s } = parseDerSignature(der);
      const high = encodeDerSignature(r, s > P256_ORDER / 2n ? s : P256_ORDER - s);
      expect(isLowS(high)).to.be.false;
      const low = toLowS(high);
      expect(isLowS(low)).to.be.true;
      expect(parseDerSignature(low).s).to.equal(P256_ORDER - parseDerSignature(high).s);
      expect(verify('sha256', message, publicKey, low)).to.be.true;
      seen++;
    }
    expect(seen).to.equal(64);
  });

  it('round-trips DER, including integers that need a leading zero byte', () => {
    const r = (1n << 255n) + 5n;
    const s = 0x7fn;
    const der = encodeDerSignature(r, s);
    expect(der[3]).to.equal(33);
    expect(parseDerSignature(der)).to.deep.equal({ r, s });
  });

  it('converts PKCS#11 r||s output to low-S DER', () => {
    const message = Buffer.from('pkcs11');
    const der = sign('sha256', message, privateKey);
    const { r, s } = parseDerSignature(der);
    const high = s > P256_ORDER / 2n ? s : P256_ORDER - s;
    const raw = Buffer.from(
      r.toString(16).padStart(64, '0') + high.toString(16).padStart(64, '0'),
      'hex',
    );
    const out = rawToLowSDer(raw);
    expect(isLowS(out)).to.be.true;
    expect(verify('sha256', message, publicKey, out)).to.be.true;
    expect(createHash('sha256').update(out).digest()).to.not.deep.equal(
      createHash('sha256').update(raw).digest(),
    );
  });

  it('rejects malformed DER', () => {
    expect(() => parseDerSignature(Uint8Array.from([0x30, 0x02, 0x02, 0x00]))).to.throw(
      /truncated|INTEGER/,
    );
    expect(() => parseDerSignature(Uint8Array.from([0x31, 0x00]))).to.throw(
      'expected DER SEQUENCE',
    );
  });
});
