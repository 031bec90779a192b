import { generateKeyPairSync, sign } from 'node:crypto';
import { expect } from 'chai';
import {
  cachedKeyCount,
  cachedPublicKey,
  normalizePublicKey,
  verifySignature,
} from '../../../chaincode/src/feeds/lib/signatures';
import { flipS } from '../../support/ecdsa-der';

const message = Buffer.from('fabric-oracle-report/v1\n{}');

describe('oracle keys', () => {
  it('normalises a P-256 PEM key to base64 DER SPKI', () => {
    const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const der = publicKey.export({ format: 'der', type: 'spki' }).toString('base64');
    const pem = publicKey.export({ format: 'pem', type: 'spki' }).toString();
    expect(normalizePublicKey(pem)).to.deep.equal({ keyType: 'p256', publicKey: der });
  });

  it('accepts an Ed25519 key given as base64 DER', () => {
    const { publicKey } = generateKeyPairSync('ed25519');
    const der = publicKey.export({ format: 'der', type: 'spki' }).toString('base64');
    expect(normalizePublicKey(der)).to.deep.equal({ keyType: 'ed25519', publicKey: der });
  });

  it('refuses a P-384 key', () => {
    const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-384' });
    expect(
      normalizePublicKey(publicKey.export({ format: 'pem', type: 'spki' }).toString()),
    ).to.equal(undefined);
  });

  it('refuses text that is not a key', () => {
    expect(normalizePublicKey('bm90IGEga2V5')).to.equal(undefined);
  });

  it('parses each key once and serves it from the cache afterwards', () => {
    const { publicKey } = generateKeyPairSync('ed25519');
    const der = publicKey.export({ format: 'der', type: 'spki' }).toString('base64');
    const before = cachedKeyCount();
    const first = cachedPublicKey(der);
    expect(cachedKeyCount()).to.equal(before + 1);
    expect(cachedPublicKey(der)).to.equal(first);
    expect(cachedKeyCount()).to.equal(before + 1);
  });
});

describe('signature verification', () => {
  const p256 = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const p256Der = p256.publicKey.export({ format: 'der', type: 'spki' }).toString('base64');
  const ed = generateKeyPairSync('ed25519');
  const edDer = ed.publicKey.export({ format: 'der', type: 'spki' }).toString('base64');

  it('accepts a P-256 signature and its high-S twin', () => {
    const sig = sign('sha256', message, { key: p256.privateKey, dsaEncoding: 'der' });
    expect(verifySignature('p256', p256Der, message, sig)).to.equal(true);
    expect(verifySignature('p256', p256Der, message, flipS(sig))).to.equal(true);
  });

  it('rejects a P-256 signature over other bytes', () => {
    const sig = sign('sha256', Buffer.from('other'), { key: p256.privateKey, dsaEncoding: 'der' });
    expect(verifySignature('p256', p256Der, message, sig)).to.equal(false);
  });

  it('rejects bytes that are not a DER signature', () => {
    expect(verifySignature('p256', p256Der, message, Buffer.from('garbage'))).to.equal(false);
  });

  it('accepts an Ed25519 signature', () => {
    expect(verifySignature('ed25519', edDer, message, sign(null, message, ed.privateKey))).to.equal(
      true,
    );
  });

  it('rejects an Ed25519 signature of the wrong length', () => {
    expect(verifySignature('ed25519', edDer, message, Buffer.alloc(10))).to.equal(false);
  });
});
