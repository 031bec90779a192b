import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import {
  createHash,
  createPublicKey,
  generateKeyPairSync,
  randomBytes,
  verify,
  type KeyObject,
} from 'node:crypto';
import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as Kms from '@aws-sdk/client-kms';
import * as pkcs11js from 'pkcs11js';
import { SignerError, ConfigError, signers, type Signer } from '../../../gateway/src';
import { isLowS, parseDerSignature, P256_ORDER } from '../../../gateway/src/lib/ecdsa';
import {
  KMS_CREDENTIALS,
  freePort,
  softHsmToken,
  startLocalKms,
  stop,
  type LocalKms,
} from '../../support/gateway/processes';

function verifyDigestSignature(pub: KeyObject, message: Buffer, signature: Uint8Array): boolean {
  // The signer got SHA-256(message); node verifies by hashing the message itself.
  return verify('sha256', message, pub, signature);
}

async function signMany(
  signer: Signer,
  count: number,
): Promise<{ message: Buffer; sig: Uint8Array }[]> {
  const out = [];
  for (let i = 0; i < count; i++) {
    const message = randomBytes(64);
    const sig = await signer.sign(createHash('sha256').update(message).digest());
    out.push({ message, sig });
  }
  return out;
}

async function expectRejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  expect.fail('expected the promise to reject');
}

describe('signers', function () {
  this.timeout(60000);
  const dir = mkdtempSync(join(tmpdir(), 'gw-signers-'));

  describe('file', () => {
    it('signs SHA-256 digests with a P-256 key so node:crypto verifies them, always low-S', async () => {
      const signer = await signers.generateFileKey({ path: join(dir, 'p256.pem') });
      expect(signer.algorithm).to.equal('ECDSA_P256');
      expect(signer.keyReference).to.deep.equal({ type: 'file', path: join(dir, 'p256.pem') });
      const pub = await signer.publicKey();
      for (const { message, sig } of await signMany(signer, 50)) {
        expect(verifyDigestSignature(pub, message, sig)).to.be.true;
        expect(isLowS(sig)).to.be.true;
      }
    });

    it('signs whole messages natively (signMessage) so the SHA-256 verifies, always low-S', async () => {
      const signer = await signers.generateFileKey({ path: join(dir, 'native.pem') });
      const pub = await signer.publicKey();
      expect(typeof signer.signMessage).to.equal('function');
      for (let i = 0; i < 64; i++) {
        const message = randomBytes(200 + i);
        const sig = await signer.signMessage!(message);
        expect(verifyDigestSignature(pub, message, sig)).to.be.true;
        expect(isLowS(sig)).to.be.true;
        // The same message signed through the digest path verifies against the same key.
        const viaDigest = await signer.sign(createHash('sha256').update(message).digest());
        expect(verifyDigestSignature(pub, message, viaDigest)).to.be.true;
      }
    });

    it('writes generated keys with mode 0600 and refuses to overwrite', async () => {
      const path = join(dir, 'once.pem');
      await signers.generateFileKey({ path });
      expect(statSync(path).mode & 0o777).to.equal(0o600);
      const err = await expectRejection(signers.generateFileKey({ path }));
      expect((err as NodeJS.ErrnoException).code).to.equal('EEXIST');
    });

    it('reads SEC1 and PKCS#8 key files', async () => {
      const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
      const sec1 = join(dir, 'sec1.pem');
      writeFileSync(sec1, privateKey.export({ type: 'sec1', format: 'pem' }));
      const signer = await signers.newFileSigner({ path: sec1 });
      const message = Buffer.from('hello');
      const sig = await signer.sign(createHash('sha256').update(message).digest());
      expect(verifyDigestSignature(createPublicKey(privateKey), message, sig)).to.be.true;
    });

    it('signs whole messages with an Ed25519 key', async () => {
      const signer = await signers.generateFileKey({
        path: join(dir, 'ed.pem'),
        algorithm: 'ED25519',
      });
      expect(signer.algorithm).to.equal('ED25519');
      const message = Buffer.from('fabric message');
      const sig = await signer.sign(message);
      expect(verify(null, message, await signer.publicKey(), sig)).to.be.true;
    });

    it('rejects a P-384 key with INVALID_CONFIG naming the file', async () => {
      const path = join(dir, 'p384.pem');
      const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'secp384r1' });
      writeFileSync(path, privateKey.export({ type: 'pkcs8', format: 'pem' }));
      const err = await expectRejection(signers.newFileSigner({ path }));
      expect(err).to.be.instanceOf(ConfigError);
      expect((err as ConfigError).code).to.equal('INVALID_CONFIG');
      expect((err as ConfigError).message).to.contain(path);
    });

    it('reports a missing key file as KEY_NOT_FOUND', async () => {
      const err = await expectRejection(signers.newFileSigner({ path: join(dir, 'absent.pem') }));
      expect(err).to.be.instanceOf(SignerError);
      expect((err as SignerError).code).to.equal('KEY_NOT_FOUND');
    });
  });

  describe('AWS KMS (real local-kms)', () => {
    let kms: LocalKms;
    let keyId: string;
    const opts = () => ({
      region: 'eu-west-2',
      endpoint: kms.endpoint,
      credentials: KMS_CREDENTIALS,
    });

    before(async () => {
      kms = await startLocalKms();
      keyId = await signers.createKmsKey({ ...opts(), description: 'signer test' });
    });
    after(async () => {
      await stop(kms.process);
    });

    it('creates an ECC_NIST_P256 SIGN_VERIFY key', async () => {
      const client = new Kms.KMSClient({ ...opts() });
      const out = await client.send(new Kms.DescribeKeyCommand({ KeyId: keyId }));
      client.destroy();
      expect(out.KeyMetadata?.KeySpec).to.equal('ECC_NIST_P256');
      expect(out.KeyMetadata?.KeyUsage).to.equal('SIGN_VERIFY');
    });

    it('produces only low-S signatures that verify, where raw KMS output is often high-S', async () => {
      const signer = signers.newKmsSigner({ ...opts(), keyId });
      const pub = await signer.publicKey();
      const results = await signMany(signer, 200);
      for (const { message, sig } of results) {
        expect(verifyDigestSignature(pub, message, sig)).to.be.true;
        expect(isLowS(sig)).to.be.true;
      }
      // The same key signing directly: without normalisation about half are high-S.
      const client = new Kms.KMSClient({ ...opts() });
      let high = 0;
      for (let i = 0; i < 100; i++) {
        const out = await client.send(
          new Kms.SignCommand({
            KeyId: keyId,
            Message: randomBytes(32),
            MessageType: 'DIGEST',
            SigningAlgorithm: 'ECDSA_SHA_256',
          }),
        );
        if (!isLowS(out.Signature!)) high++;
      }
      client.destroy();
      expect(high, 'high-S count in 100 raw KMS signatures').to.be.greaterThan(20);
      await signer.close();
    });

    it('signs the digest itself (MessageType DIGEST), not a hash of it', async () => {
      const signer = signers.newKmsSigner({ ...opts(), keyId });
      const digest = randomBytes(32);
      const sig = await signer.sign(digest);
      const { r, s } = parseDerSignature(sig);
      expect(r > 0n && r < P256_ORDER && s > 0n).to.be.true;
      // Verify over the digest as a prehash: sign(digest) must verify against hash(message)=digest.
      const pub = await signer.publicKey();
      const rehashed = verify('sha256', digest, pub, sig);
      expect(rehashed, 'signature must not cover SHA-256(digest)').to.be.false;
      await signer.close();
    });

    it('caches the public key', async () => {
      const signer = signers.newKmsSigner({ ...opts(), keyId });
      const first = await signer.publicKey();
      expect(await signer.publicKey()).to.equal(first);
      await signer.close();
    });

    it('keeps the key in KMS: the reference holds only id, region and endpoint, and KMS has no export API', () => {
      const signer = signers.newKmsSigner({ ...opts(), keyId });
      expect(signer.keyReference).to.deep.equal({
        type: 'kms',
        keyId,
        region: 'eu-west-2',
        endpoint: kms.endpoint,
      });
      const exporters = Object.keys(Kms).filter((name) =>
        /^(Export|GetPrivate|GetKeyMaterial).*Command$/.test(name),
      );
      expect(exporters).to.deep.equal([]);
    });

    it('rejects digests that are not 32 bytes', async () => {
      const signer = signers.newKmsSigner({ ...opts(), keyId });
      const err = await expectRejection(signer.sign(randomBytes(48)));
      expect(err).to.be.instanceOf(SignerError);
      expect((err as SignerError).code).to.equal('SIGNER_FAILED');
    });

    it('reports an unknown key as KEY_NOT_FOUND', async () => {
      const signer = signers.newKmsSigner({
        ...opts(),
        keyId: '00000000-0000-0000-0000-000000000000',
      });
      const err = await expectRejection(signer.publicKey());
      expect(err).to.be.instanceOf(SignerError);
      expect((err as SignerError).code).to.equal('KEY_NOT_FOUND');
    });

    it('reports an unreachable KMS as SIGNER_UNAVAILABLE naming the endpoint', async () => {
      const port = await freePort();
      const endpoint = `http://127.0.0.1:${port}`;
      const signer = signers.newKmsSigner({
        region: 'eu-west-2',
        endpoint,
        credentials: KMS_CREDENTIALS,
        keyId,
        maxAttempts: 1,
        requestTimeoutMs: 1000,
      });
      const err = await expectRejection(signer.sign(randomBytes(32)));
      expect(err).to.be.instanceOf(SignerError);
      expect((err as SignerError).code).to.equal('SIGNER_UNAVAILABLE');
      expect((err as SignerError).message).to.contain(endpoint);
    });
  });

  describe('PKCS#11 (real SoftHSM2 token)', () => {
    it('generates a sensitive, non-extractable key whose CKA_ID is the SKI, and signs low-S', async () => {
      const token = softHsmToken();
      const ref = signers.generateHsmKey({ ...token, label: 'signer-test' });
      expect(ref.type).to.equal('hsm');
      const signer = signers.newHsmSigner({ ...token, id: ref.id });
      const pub = await signer.publicKey();
      const point = pub.export({ format: 'jwk' });
      const raw = Buffer.concat([
        Buffer.from([4]),
        Buffer.from(point.x!, 'base64url'),
        Buffer.from(point.y!, 'base64url'),
      ]);
      expect(ref.id).to.equal(createHash('sha256').update(raw).digest('hex'));
      for (const { message, sig } of await signMany(signer, 200)) {
        expect(verifyDigestSignature(pub, message, sig)).to.be.true;
        expect(isLowS(sig)).to.be.true;
      }
      await signer.close();

      // Inspect the private key object directly through PKCS#11.
      const p = new pkcs11js.PKCS11();
      p.load(token.library);
      try {
        p.C_Initialize();
      } catch (e) {
        if ((e as { code?: number }).code !== pkcs11js.CKR_CRYPTOKI_ALREADY_INITIALIZED) throw e;
      }
      const slot = p
        .C_GetSlotList(true)
        .find((s) => p.C_GetTokenInfo(s).label.trim() === token.tokenLabel)!;
      const session = p.C_OpenSession(slot, pkcs11js.CKF_SERIAL_SESSION);
      try {
        p.C_Login(session, pkcs11js.CKU_USER, token.pin);
      } catch (e) {
        if ((e as { code?: number }).code !== pkcs11js.CKR_USER_ALREADY_LOGGED_IN) throw e;
      }
      p.C_FindObjectsInit(session, [
        { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_PRIVATE_KEY },
        { type: pkcs11js.CKA_ID, value: Buffer.from(ref.id, 'hex') },
      ]);
      const [key] = p.C_FindObjects(session, 1);
      p.C_FindObjectsFinal(session);
      expect(key).to.not.equal(undefined);
      const attrs = p.C_GetAttributeValue(session, key!, [
        { type: pkcs11js.CKA_EXTRACTABLE },
        { type: pkcs11js.CKA_SENSITIVE },
        { type: pkcs11js.CKA_NEVER_EXTRACTABLE },
      ]);
      expect(attrs.map((a) => a.value[0])).to.deep.equal([0, 1, 1]);
      let valueError: unknown;
      try {
        p.C_GetAttributeValue(session, key!, [{ type: pkcs11js.CKA_VALUE }]);
      } catch (e) {
        valueError = e;
      }
      expect((valueError as { code?: number } | undefined)?.code).to.equal(
        pkcs11js.CKR_ATTRIBUTE_SENSITIVE,
      );
      p.C_CloseSession(session);
    });

    it('serialises concurrent signs on one session', async () => {
      const token = softHsmToken();
      const ref = signers.generateHsmKey({ ...token });
      const signer = signers.newHsmSigner({ ...token, id: ref.id });
      const pub = await signer.publicKey();
      const messages = Array.from({ length: 25 }, () => randomBytes(40));
      const sigs = await Promise.all(
        messages.map((m) => signer.sign(createHash('sha256').update(m).digest())),
      );
      sigs.forEach((sig, i) => {
        expect(verifyDigestSignature(pub, messages[i]!, sig)).to.be.true;
      });
      await signer.close();
    });

    it('reports an unknown key id as KEY_NOT_FOUND', () => {
      const token = softHsmToken();
      expect(() => signers.newHsmSigner({ ...token, id: 'abcdef' }))
        .to.throw(SignerError)
        .with.property('code', 'KEY_NOT_FOUND');
    });

    it('reports an unknown token label as KEY_NOT_FOUND naming the label', () => {
      const token = softHsmToken();
      expect(() => signers.newHsmSigner({ ...token, tokenLabel: 'no-such-token', id: 'ab' }))
        .to.throw(SignerError, /no-such-token/)
        .with.property('code', 'KEY_NOT_FOUND');
    });

    it('reports a wrong PIN as SIGNER_FAILED', () => {
      const token = softHsmToken();
      const ref = signers.generateHsmKey({ ...token });
      expect(() => signers.newHsmSigner({ ...token, pin: '00000000', id: ref.id }))
        .to.throw(SignerError)
        .with.property('code', 'SIGNER_FAILED');
    });
  });

  describe('optional SDKs', () => {
    it('loads neither pkcs11js nor @aws-sdk/client-kms unless their signer is used', () => {
      const root = resolve(__dirname, '../../..');
      const script = `
        const { signers } = require('./gateway/src');
        (async () => {
          const s = await signers.generateFileKey({ path: ${JSON.stringify(join(dir, 'lazy.pem'))} });
          await s.sign(Buffer.alloc(32, 1));
          const loaded = Object.keys(require.cache);
          const before = {
            pkcs11: loaded.some((p) => p.includes('/node_modules/pkcs11js/')),
            kms: loaded.some((p) => p.includes('/node_modules/@aws-sdk/client-kms/')),
          };
          signers.newKmsSigner({ keyId: 'k', region: 'eu-west-2', endpoint: 'http://127.0.0.1:1' });
          const after = Object.keys(require.cache).some((p) => p.includes('/node_modules/@aws-sdk/client-kms/'));
          console.log(JSON.stringify({ ...before, kmsAfterUse: after }));
        })();
      `;
      const out = spawnSync(
        process.execPath,
        ['-r', 'ts-node/register/transpile-only', '-e', script],
        {
          cwd: root,
          encoding: 'utf8',
        },
      );
      expect(out.status, out.stderr).to.equal(0);
      expect(JSON.parse(out.stdout.trim())).to.deep.equal({
        pkcs11: false,
        kms: false,
        kmsAfterUse: true,
      });
    });
  });
});
