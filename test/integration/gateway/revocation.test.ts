import { expect } from 'chai';
import { randomUUID, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  TransactionError,
  connection,
  signers,
  type CaClient,
  type CaIdentity,
  type Connection,
  type NetworkConfig,
} from '@oracle-consortium/gateway';
import { registrarSession } from '../../support/ca-identities';
import { networkEnvFor, networkSh } from '../../support/network';
import { suiteTransport } from '../../support/gateway/transport';
import { rejection } from '../../support/refusal';

const DESCRIPTION = process.env.NETWORK_DESCRIPTION;
const text = (b: Uint8Array) => Buffer.from(b).toString('utf8');

(DESCRIPTION === undefined ? describe.skip : describe)(
  'revoked certificates (live network)',
  function () {
    this.timeout(300000);
    const dir = mkdtempSync(join(tmpdir(), 'gw-revoke-'));
    let network: NetworkConfig;
    let caClient: CaClient;
    let registrar: CaIdentity;
    let revoked: { enrollmentId: string; certificate: string; conn: Connection };
    let user1: Connection;
    const open: Connection[] = [];
    const connect = (options: Parameters<typeof connection.connect>[0]) => {
      const c = connection.connect({ ...suiteTransport(), ...options });
      open.push(c);
      return c;
    };
    const put = (conn: Connection, key: string, value: string) =>
      conn.submit({ chaincode: 'kv', transaction: 'put', arguments: [key, value] });
    const get = async (conn: Connection, key: string) =>
      text(await conn.evaluate({ chaincode: 'kv', transaction: 'get', arguments: [key] }));

    before(async () => {
      network = await connection.loadNetworkDescription({ path: DESCRIPTION!, member: 'Org1' });
      ({ caClient, registrar } = await registrarSession(network, dir));

      const enrollmentId = `revoked-${randomUUID().slice(0, 8)}`;
      const secret = await caClient.register({
        registrar,
        enrollmentId,
        type: 'client',
        affiliation: '',
      });
      const signer = await signers.generateFileKey({ path: join(dir, `${enrollmentId}.pem`) });
      const { certificate } = await caClient.enroll({
        enrollmentId,
        enrollmentSecret: secret,
        signer,
      });
      revoked = {
        enrollmentId,
        certificate,
        conn: connect({ network, identity: { certificate }, signer }),
      };

      const files = network.identities.user1!;
      user1 = connect({
        network,
        identity: { certificate: readFileSync(files.certificatePath, 'utf8') },
        signer: await signers.newFileSigner({ path: files.privateKeyPath }),
      });
    });
    after(() => {
      open.forEach((c) => {
        c.close();
      });
    });

    it('lets a freshly enrolled Org1 client submit and evaluate before it is revoked', async () => {
      const key = `rv-before-${randomUUID()}`;
      expect(text((await put(revoked.conn, key, 'ok')).result)).to.equal('ok');
      expect(await get(revoked.conn, key)).to.equal('ok');
    });

    it('refuses the revoked certificate on submit and evaluate with ACCESS_DENIED once the CRL is on the channel', async () => {
      const out = await caClient.revoke({
        registrar,
        certificate: revoked.certificate,
        reason: 'keycompromise',
      });
      const serial = new X509Certificate(revoked.certificate).serialNumber.toLowerCase();
      expect(out.revoked.map((r) => r.serial.toLowerCase().replace(/^0+/, ''))).to.deep.equal([
        serial.replace(/^0+/, ''),
      ]);
      await networkSh(networkEnvFor(DESCRIPTION!), 'crl', 'Org1');

      const submitted = await rejection(put(revoked.conn, `rv-after-${randomUUID()}`, 'no'));
      const evaluated = await rejection(get(revoked.conn, 'anything'));
      console.log(
        `      submit with the revoked certificate: ${String(submitted)}\n` +
          `      evaluate with the revoked certificate: ${String(evaluated)}`,
      );
      for (const [operation, err] of [
        ['endorse', submitted],
        ['evaluate', evaluated],
      ] as const) {
        if (!(err instanceof TransactionError)) return expect.fail(String(err));
        expect(err.code).to.equal('ACCESS_DENIED');
        expect(err.message).to.match(
          new RegExp(
            `^the peers of channel ${network.channelName} refused the client identity of Org1MSP: its certificate is revoked .* ${operation} via \\S+ failed: `,
          ),
        );
        // The peer logs "The certificate has been revoked" but tells the client only this.
        const denied = `access denied: channel [${network.channelName}] creator org [Org1MSP]`;
        expect(err.message).to.contain(denied);
        expect(err.details).to.not.be.empty;
        for (const detail of err.details) {
          expect(detail.mspId).to.equal('Org1MSP');
          expect(detail.message).to.contain(denied);
        }
      }
    });

    it('keeps serving another Org1 identity after the CRL update', async () => {
      const key = `rv-other-${randomUUID()}`;
      await put(user1, key, 'still');
      expect(await get(user1, key)).to.equal('still');
    });

    it('adds no configuration block when crl runs again with nothing newly revoked', async () => {
      const output = await networkSh(networkEnvFor(DESCRIPTION!), 'crl', 'Org1');
      expect(output).to.match(/already current \(\d+ revoked certificate\(s\)\); nothing to do/);
    });
  },
);

if (DESCRIPTION === undefined) {
  console.warn(
    '\n  !!! revocation integration tests SKIPPED: NETWORK_DESCRIPTION is not set !!!\n',
  );
}
