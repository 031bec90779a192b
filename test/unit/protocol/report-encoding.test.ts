import { createPrivateKey, createPublicKey, sign, verify } from 'node:crypto';
import { expect } from 'chai';
import {
  CONFIG_DOMAIN,
  REPORT_DOMAIN,
  ReportEncodingError,
  canonicalJson,
  computeConfigDigest,
  encodeReport,
  reportBodyText,
} from '@oracle-consortium/protocol';
import { verifySignature } from '../../../chaincode/src/feeds/lib/signatures';
import { isHighS } from '../../support/ecdsa-der';
import { reportVectors } from '../../support/report-vectors';

const vectors = reportVectors;
const keys = vectors.testKeys;

describe('report encoding', () => {
  it('uses the domain prefixes the vectors record', () => {
    expect(REPORT_DOMAIN).to.equal(vectors.reportDomain);
    expect(CONFIG_DOMAIN).to.equal(vectors.configDomain);
  });

  for (const v of vectors.reports) {
    describe(`vector "${v.name}"`, () => {
      it('encodes to the expected bytes', () => {
        expect(encodeReport(v.input).toString('hex')).to.equal(v.expectedHex);
      });

      it('has a body equal to the canonical JSON of the fields', () => {
        expect(reportBodyText(v.input)).to.equal(v.expectedBodyText);
        expect(v.expectedBodyText).to.equal(canonicalJson(v.input));
      });

      it('reproduces the Ed25519 signature exactly', () => {
        const sig = sign(
          null,
          encodeReport(v.input),
          createPrivateKey(keys.ed25519.privateKeyPkcs8Pem),
        );
        expect(sig.toString('base64')).to.equal(v.signatures.ed25519);
      });

      it('accepts the recorded Ed25519 signature', () => {
        const ok = verifySignature(
          'ed25519',
          keys.ed25519.publicKeySpkiBase64,
          encodeReport(v.input),
          Buffer.from(v.signatures.ed25519, 'base64'),
        );
        expect(ok).to.equal(true);
      });

      it('accepts the recorded low-S P-256 signature', () => {
        const sig = Buffer.from(v.signatures.p256LowS, 'base64');
        expect(isHighS(sig)).to.equal(false);
        const ok = verifySignature(
          'p256',
          keys.p256.publicKeySpkiBase64,
          encodeReport(v.input),
          sig,
        );
        expect(ok).to.equal(true);
      });

      it('accepts the recorded high-S P-256 signature', () => {
        const sig = Buffer.from(v.signatures.p256HighS, 'base64');
        expect(isHighS(sig)).to.equal(true);
        const ok = verifySignature(
          'p256',
          keys.p256.publicKeySpkiBase64,
          encodeReport(v.input),
          sig,
        );
        expect(ok).to.equal(true);
      });
    });
  }

  it('has test keys whose public halves match the private halves', () => {
    for (const k of [keys.p256, keys.ed25519]) {
      const derived = createPublicKey(createPrivateKey(k.privateKeyPkcs8Pem))
        .export({ format: 'der', type: 'spki' })
        .toString('base64');
      expect(derived).to.equal(k.publicKeySpkiBase64);
    }
  });

  it('makes a signature over one round fail for another round', () => {
    const v = vectors.reports[0]!;
    const other = encodeReport({ ...v.input, roundId: '2' });
    const key = createPublicKey({
      key: Buffer.from(keys.ed25519.publicKeySpkiBase64, 'base64'),
      format: 'der',
      type: 'spki',
    });
    expect(verify(null, other, key, Buffer.from(v.signatures.ed25519, 'base64'))).to.equal(false);
  });

  for (const v of vectors.invalid) {
    it(`rejects ${v.name} with a ReportEncodingError (a RangeError) naming the fields`, () => {
      let thrown: unknown;
      try {
        encodeReport(v.input);
      } catch (err) {
        thrown = err;
      }
      expect(thrown).to.be.instanceOf(ReportEncodingError);
      expect(thrown).to.be.instanceOf(RangeError);
      const err = thrown as ReportEncodingError;
      expect(err.fields).to.not.be.empty;
      expect(err.message).to.equal(`report fields outside encoding v1: ${err.fields.join(', ')}`);
    });
  }
});

describe('config digest', () => {
  for (const v of vectors.configDigests) {
    it(`matches the vector "${v.name}"`, () => {
      expect(computeConfigDigest(v.input)).to.equal(v.expectedDigest);
    });
  }

  it('changes with the config version alone', () => {
    const base = vectors.configDigests[0]!.input;
    expect(computeConfigDigest({ ...base, configVersion: base.configVersion + 1 })).to.not.equal(
      computeConfigDigest(base),
    );
  });
});
