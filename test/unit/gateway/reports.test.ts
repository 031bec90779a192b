import { expect } from 'chai';
import { createPrivateKey, createPublicKey, generateKeyPairSync, verify } from 'node:crypto';
import { InputError, SignerError, reports, signers, type Signer } from '../../../gateway/src';
import { reportVectors } from '../../support/report-vectors';

const vectors = reportVectors;
const keys = vectors.testKeys;
const p256Private = createPrivateKey(keys.p256.privateKeyPkcs8Pem);
const ed25519Private = createPrivateKey(keys.ed25519.privateKeyPkcs8Pem);
const p256Public = createPublicKey({
  key: Buffer.from(keys.p256.publicKeySpkiBase64, 'base64'),
  format: 'der',
  type: 'spki',
});
const ed25519Public = createPublicKey({
  key: Buffer.from(keys.ed25519.publicKeySpkiBase64, 'base64'),
  format: 'der',
  type: 'spki',
});

// What the chaincode does with a signature: ECDSA over SHA-256 of the bytes, or pure Ed25519.
function contractVerifies(
  keyType: 'p256' | 'ed25519',
  bytes: Uint8Array,
  sig: Uint8Array,
): boolean {
  return keyType === 'p256'
    ? verify('sha256', bytes, { key: p256Public, dsaEncoding: 'der' }, sig)
    : verify(null, bytes, ed25519Public, sig);
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  return expect.fail('expected a rejection');
}

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  return expect.fail('expected a throw');
}

describe('gateway report builder', () => {
  it('uses the domain prefixes the shared vectors record', () => {
    expect(reports.REPORT_DOMAIN).to.equal(vectors.reportDomain);
    expect(reports.CONFIG_DOMAIN).to.equal(vectors.configDomain);
  });

  for (const v of vectors.reports) {
    describe(`vector "${v.name}"`, () => {
      it('encodes to exactly the expected bytes', () => {
        expect(Buffer.from(reports.encodeReport(v.input)).toString('hex')).to.equal(v.expectedHex);
        expect(reports.reportBodyText(v.input)).to.equal(v.expectedBodyText);
      });

      it('reproduces the recorded Ed25519 signature from a KeyObject', async () => {
        const sig = await reports.signReport(reports.encodeReport(v.input), ed25519Private);
        expect(Buffer.from(sig).toString('base64')).to.equal(v.signatures.ed25519);
      });

      it('signs with a P-256 KeyObject so the recorded public key verifies', async () => {
        const bytes = reports.encodeReport(v.input);
        const sig = await reports.signReport(bytes, p256Private);
        expect(contractVerifies('p256', bytes, sig)).to.equal(true);
        expect(contractVerifies('p256', bytes, Buffer.from(v.signatures.p256LowS, 'base64'))).to.be
          .true;
      });

      it('signs with library Signers (P-256 gets the digest, Ed25519 the bytes)', async () => {
        const bytes = reports.encodeReport(v.input);
        const p256 = signers.newPemSigner({ pem: keys.p256.privateKeyPkcs8Pem });
        const ed = signers.newPemSigner({ pem: keys.ed25519.privateKeyPkcs8Pem });
        expect(p256.algorithm).to.equal('ECDSA_P256');
        expect(ed.algorithm).to.equal('ED25519');
        expect(contractVerifies('p256', bytes, await reports.signReport(bytes, p256))).to.be.true;
        const edSig = await reports.signReport(bytes, ed);
        expect(Buffer.from(edSig).toString('base64')).to.equal(v.signatures.ed25519);
      });
    });
  }

  for (const v of vectors.configDigests) {
    it(`computes the config digest of "${v.name}"`, () => {
      expect(reports.computeConfigDigest(v.input)).to.equal(v.expectedDigest);
    });
  }

  for (const v of vectors.invalid) {
    it(`refuses to encode "${v.name}" with INVALID_INPUT`, () => {
      const err = thrown(() => reports.encodeReport(v.input));
      if (!(err instanceof InputError)) return expect.fail(String(err));
      expect(err.code).to.equal('INVALID_INPUT');
      expect(err.message).to.match(/configDigest|feedId|roundId|observations/);
    });
  }

  it('builds a signed report whose every signature the contract would accept', async () => {
    const v = vectors.reports[0]!;
    const report = await reports.buildReport(v.input, [
      { oracle: 1, key: ed25519Private },
      { oracle: 0, key: signers.newPemSigner({ pem: keys.p256.privateKeyPkcs8Pem }) },
    ]);
    expect(reports.reportBodyText(report)).to.equal(v.expectedBodyText);
    const bytes = reports.encodeReport(report);
    expect(report.signatures.map((s) => s.oracle)).to.deep.equal([1, 0]);
    expect(report.signatures[0]!.signature).to.equal(v.signatures.ed25519);
    expect(contractVerifies('p256', bytes, Buffer.from(report.signatures[1]!.signature, 'base64')))
      .to.be.true;
  });

  it('rejects a report signed twice by the same oracle index', async () => {
    const v = vectors.reports[0]!;
    const err = await rejection(
      reports.buildReport(v.input, [
        { oracle: 0, key: p256Private },
        { oracle: 0, key: p256Private },
      ]),
    );
    if (!(err instanceof InputError)) return expect.fail(String(err));
    expect(err.code).to.equal('INVALID_INPUT');
    expect(err.message).to.contain('oracle index 0');
  });

  it('refuses a public key or a key of another curve for signing', async () => {
    const bytes = reports.encodeReport(vectors.reports[0]!.input);
    const pub = await rejection(reports.signReport(bytes, p256Public));
    expect(pub).to.be.instanceOf(InputError);
    const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey;
    const other = await rejection(reports.signReport(bytes, p384));
    if (!(other instanceof InputError)) return expect.fail(String(other));
    expect(other.code).to.equal('INVALID_INPUT');
    expect(other.message).to.contain('P-256 or Ed25519');
  });

  it('wraps a failing signer as SignerError SIGNER_FAILED', async () => {
    const broken: Signer = {
      keyReference: { type: 'file', path: '/nowhere' },
      algorithm: 'ECDSA_P256',
      sign: () => Promise.reject(new Error('device gone')),
      publicKey: () => Promise.resolve(p256Public),
      close: () => Promise.resolve(),
    };
    const err = await rejection(
      reports.signReport(reports.encodeReport(vectors.reports[0]!.input), broken),
    );
    if (!(err instanceof SignerError)) return expect.fail(String(err));
    expect(err.code).to.equal('SIGNER_FAILED');
    expect(err.message).to.contain('device gone');
  });

  it('gives the registrable public key and key type of a signer or key', async () => {
    expect(await reports.oraclePublicKey(p256Private)).to.equal(keys.p256.publicKeySpkiBase64);
    expect(await reports.oraclePublicKey(ed25519Public)).to.equal(keys.ed25519.publicKeySpkiBase64);
    const signer = signers.newPemSigner({ pem: keys.ed25519.privateKeyPkcs8Pem });
    expect(await reports.oraclePublicKey(signer)).to.equal(keys.ed25519.publicKeySpkiBase64);
    expect(reports.oracleKeyType(signer)).to.equal('ed25519');
    expect(reports.oracleKeyType(p256Private)).to.equal('p256');
  });
});
