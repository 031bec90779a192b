/**
 * ca.openStoredIdentity: a member's stored identity opened for signing, as the governance agent
 * and the operator console take one whose key is not in the description. Shown with a key file
 * (the KMS and HSM kinds go through the same signer opening, exercised by the governance tests).
 */
import { createHash, createPublicKey, verify } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { ConfigError, ca } from '../../../gateway/src';
import { tlsServer } from '../../../scripts/lib/openssl-ca';
import { rejection } from '../../support/refusal';

describe('ca.openStoredIdentity', () => {
  let dir: string;
  let certificate: string;
  const network = { mspId: 'Org2MSP' } as const;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'open-stored-'));
    const pair = tlsServer('admin.org2', 'DNS:admin.org2');
    certificate = pair.certPem;
    const keyPath = join(dir, 'admin.pem');
    writeFileSync(keyPath, pair.keyPem, { mode: 0o600 });
    await ca.newFileIdentityStore({ directory: join(dir, 'ids') }).put({
      name: 'admin',
      mspId: 'Org2MSP',
      certificate,
      key: { type: 'file', path: keyPath },
    });
  });
  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('opens the stored certificate and a signer whose signatures its public key verifies', async () => {
    const opened = await ca.openStoredIdentity({
      directory: join(dir, 'ids'),
      name: 'admin',
      network,
    });
    expect(opened.mspId).to.equal('Org2MSP');
    expect(opened.certificate).to.equal(certificate);
    // The signer signs a SHA-256 digest: the certificate's key verifies it over the message.
    const message = Buffer.from('hello');
    const signature = await opened.signer.sign(createHash('sha256').update(message).digest());
    expect(verify('sha256', message, createPublicKey(certificate), signature)).to.equal(true);
    await opened.signer.close();
  });

  it('refuses a name the store does not hold, naming the store', async () => {
    const err = await rejection(
      ca.openStoredIdentity({ directory: join(dir, 'ids'), name: 'nobody', network }),
    );
    expect(err).to.be.instanceOf(ConfigError);
    expect((err as ConfigError).code).to.equal('INVALID_CONFIG');
    expect((err as Error).message).to.equal(
      `identity nobody is not in the identity store ${join(dir, 'ids')}`,
    );
  });

  it("refuses another member's identity, naming both MSPs", async () => {
    const err = await rejection(
      ca.openStoredIdentity({
        directory: join(dir, 'ids'),
        name: 'admin',
        network: { mspId: 'Org1MSP' },
      }),
    );
    expect((err as ConfigError).code).to.equal('INVALID_CONFIG');
    expect((err as Error).message).to.equal(
      `identity admin in ${join(dir, 'ids')} belongs to Org2MSP, not Org1MSP`,
    );
  });

  it('refuses an HSM-held key when the description configures no HSM', async () => {
    const store = ca.newFileIdentityStore({ directory: join(dir, 'hsm-ids') });
    await store.put({
      name: 'hsm-admin',
      mspId: 'Org2MSP',
      certificate,
      key: { type: 'hsm', tokenLabel: 'fabric', id: 'abcd' },
    });
    const err = await rejection(
      ca.openStoredIdentity({ directory: join(dir, 'hsm-ids'), name: 'hsm-admin', network }),
    );
    expect(err).to.be.instanceOf(ConfigError);
    expect((err as Error).message).to.contain('needs options.hsm');
  });
});
