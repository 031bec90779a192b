import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CaError,
  ConfigError,
  ca,
  signers,
  type CaClient,
  type Signer,
} from '../../../gateway/src';
import {
  KMS_CREDENTIALS,
  softHsmToken,
  startFabricCa,
  startLocalKms,
  stop,
  type FabricCa,
  type LocalKms,
} from '../../support/gateway/processes';
import { selfSigned } from '../../../scripts/lib/openssl-ca';
import { rejection } from '../../support/refusal';

function spki(key: { export(o: { type: 'spki'; format: 'der' }): Buffer }): string {
  return key.export({ type: 'spki', format: 'der' }).toString('hex');
}

describe('Fabric CA hex identifiers', () => {
  it('writes serials and key identifiers as Fabric CA does: lower case without leading zeros', () => {
    expect(ca.fabricCaHex('0F23449F')).to.equal('f23449f');
    expect(ca.fabricCaHex('00ab')).to.equal('ab');
    expect(ca.fabricCaHex('ab00')).to.equal('ab00');
    expect(ca.fabricCaHex('000')).to.equal('0');
    expect(ca.fabricCaHex('')).to.equal('');
  });
});

describe('Fabric CA (real fabric-ca-server with TLS)', function () {
  this.timeout(60000);
  const dir = mkdtempSync(join(tmpdir(), 'gw-ca-test-'));
  let server: FabricCa;
  let kms: LocalKms;
  let client: CaClient;
  let registrar: { certificate: string; signer: Signer };

  before(async () => {
    [server, kms] = await Promise.all([startFabricCa(), startLocalKms()]);
    client = ca.newCaClient({
      url: server.url,
      address: server.address,
      tlsRootCerts: server.tlsRoot,
    });
    // The registrar's key lives in KMS: every register/revoke token below is KMS-signed.
    const keyId = await signers.createKmsKey({
      region: 'eu-west-2',
      endpoint: kms.endpoint,
      credentials: KMS_CREDENTIALS,
    });
    const signer = signers.newKmsSigner({
      keyId,
      region: 'eu-west-2',
      endpoint: kms.endpoint,
      credentials: KMS_CREDENTIALS,
    });
    const { certificate } = await client.enroll({
      enrollmentId: 'admin',
      enrollmentSecret: 'adminpw',
      signer,
    });
    registrar = { certificate, signer };
  });
  after(async () => {
    await Promise.all([stop(server.process), stop(kms.process)]);
  });

  it('builds a CSR that openssl verifies, with CN = enrollment id and the signer public key', async () => {
    const signer = await signers.generateFileKey({ path: join(dir, 'csr.pem') });
    const pem = await ca.createCsr({ commonName: 'app-csr', signer });
    const file = join(dir, 'req.csr');
    writeFileSync(file, pem);
    const out = spawnSync(
      'openssl',
      ['req', '-in', file, '-verify', '-noout', '-subject', '-pubkey'],
      {
        encoding: 'utf8',
      },
    );
    expect(out.status, out.stderr).to.equal(0);
    expect(out.stderr + out.stdout).to.match(/verify OK/i);
    expect(out.stdout).to.match(/CN\s*=\s*app-csr/);
    const pub = (await signer.publicKey()).export({ type: 'spki', format: 'pem' }).toString();
    expect(out.stdout).to.contain(pub.trim());
  });

  it('enrolls a KMS-held key: the certificate carries the KMS public key and CN', () => {
    const cert = new X509Certificate(registrar.certificate);
    expect(cert.subject).to.contain('CN=admin');
    return registrar.signer.publicKey().then((pub) => {
      expect(spki(cert.publicKey)).to.equal(spki(pub));
    });
  });

  it('registers with a KMS-signed token, enrolls an HSM key, reenrolls with the same key, then revokes', async () => {
    const secret = await client.register({ registrar, enrollmentId: 'hsm-user', affiliation: '' });
    expect(secret).to.be.a('string').and.not.empty;
    const token = softHsmToken();
    const ref = signers.generateHsmKey({ ...token, label: 'hsm-user' });
    const signer = signers.newHsmSigner({ ...token, id: ref.id });
    const first = await client.enroll({
      enrollmentId: 'hsm-user',
      enrollmentSecret: secret,
      signer,
    });
    const second = await client.reenroll({ certificate: first.certificate, signer });
    const a = new X509Certificate(first.certificate);
    const b = new X509Certificate(second.certificate);
    expect(b.serialNumber).to.not.equal(a.serialNumber);
    expect(spki(b.publicKey)).to.equal(spki(a.publicKey));
    expect(spki(b.publicKey)).to.equal(spki(await signer.publicKey()));
    expect(b.subject).to.contain('CN=hsm-user');

    const revoked = await client.revoke({
      registrar,
      enrollmentId: 'hsm-user',
      reason: 'keycompromise',
      generateCrl: true,
    });
    expect(revoked.revoked.map((r) => r.serial).sort()).to.deep.equal(
      [a.serialNumber, b.serialNumber].map((s) => ca.fabricCaHex(s)).sort(),
    );
    expect(revoked.crl).to.contain('BEGIN X509 CRL');
    const err = await rejection(client.reenroll({ certificate: second.certificate, signer }));
    expect(err).to.be.instanceOf(CaError);
    expect((err as CaError).code).to.equal('CA_REJECTED');
    expect((err as CaError).httpStatus).to.equal(401);
    await signer.close();
  });

  it('revokes one certificate by serial and AKI', async () => {
    const secret = await client.register({
      registrar,
      enrollmentId: 'one-cert',
      enrollmentSecret: 'pw1',
    });
    expect(secret).to.equal('pw1');
    const signer = await signers.generateFileKey({ path: join(dir, 'one.pem') });
    const { certificate } = await client.enroll({
      enrollmentId: 'one-cert',
      enrollmentSecret: 'pw1',
      signer,
    });
    const { serial, aki } = ca.serialAndAki(certificate);
    // Fabric CA's form: lower-case hex without leading zeros (a 20- or 32-byte identifier).
    expect(aki).to.match(/^[1-9a-f][0-9a-f]{29,63}$/);
    const out = await client.revoke({ registrar, certificate });
    expect(out.revoked).to.have.length(1);
    expect(out.revoked[0]!.serial).to.equal(serial);
    expect(out.revoked[0]!.aki).to.equal(aki);
  });

  it('refuses a wrong enrollment secret with CA_REJECTED and the CA error entries', async () => {
    const signer = await signers.generateFileKey({ path: join(dir, 'bad.pem') });
    const err = await rejection(
      client.enroll({ enrollmentId: 'admin', enrollmentSecret: 'wrong', signer }),
    );
    expect(err).to.be.instanceOf(CaError);
    expect((err as CaError).code).to.equal('CA_REJECTED');
    expect((err as CaError).caErrors.length).to.be.greaterThan(0);
  });

  it('refuses a registrar token signed by a key that does not match the certificate', async () => {
    const other = await signers.generateFileKey({ path: join(dir, 'other.pem') });
    const err = await rejection(
      client.register({
        registrar: { certificate: registrar.certificate, signer: other },
        enrollmentId: 'x',
      }),
    );
    expect(err).to.be.instanceOf(CaError);
    expect((err as CaError).code).to.equal('CA_REJECTED');
  });

  it('fails TLS against a wrong root with CA_UNAVAILABLE naming the CA, on enroll and REST calls', async () => {
    const wrong = ca.newCaClient({
      url: server.url,
      address: server.address,
      tlsRootCerts: selfSigned('foreign').certPem,
    });
    const signer = await signers.generateFileKey({ path: join(dir, 'tls.pem') });
    for (const attempt of [
      () => wrong.enroll({ enrollmentId: 'admin', enrollmentSecret: 'adminpw', signer }),
      () => wrong.getCaInfo(),
    ]) {
      const err = await rejection(attempt());
      expect(err).to.be.instanceOf(CaError);
      expect((err as CaError).code).to.equal('CA_UNAVAILABLE');
      expect((err as CaError).message).to.contain(server.hostname);
    }
  });

  it('never turns TLS verification off: no roots is a configuration error', () => {
    expect(() => ca.newCaClient({ url: server.url, tlsRootCerts: [] }))
      .to.throw(ConfigError)
      .with.property('code', 'INVALID_CONFIG');
  });

  it('reads CA info over TLS with the hostname as server name', async () => {
    const info = await client.getCaInfo();
    expect(info.caChain).to.contain('BEGIN CERTIFICATE');
    expect(info.version).to.match(/^1\.5/);
  });

  it('stores certificate and key reference only, and reopens a working signer from it', async () => {
    const store = ca.newFileIdentityStore({ directory: join(dir, 'store') });
    await store.put({
      name: 'admin',
      mspId: 'Org1MSP',
      certificate: registrar.certificate,
      key: { ...registrar.signer.keyReference, secretAccessKey: 'must-not-be-written' } as never,
    });
    const raw = readFileSync(join(dir, 'store', 'admin.id.json'), 'utf8');
    expect(raw).to.not.contain('PRIVATE KEY');
    expect(raw).to.not.contain('must-not-be-written');
    const stored = await store.get('admin');
    expect(stored?.key).to.deep.equal(registrar.signer.keyReference);
    expect(await store.list()).to.deep.equal(['admin']);
    const reopened = await signers.openSigner(stored!.key, {
      kms: { credentials: KMS_CREDENTIALS },
    });
    expect(spki(await reopened.publicKey())).to.equal(spki(await registrar.signer.publicKey()));
    await store.remove('admin');
    expect(await store.get('admin')).to.equal(undefined);
  });
});
