/**
 * Channel config updates through the gateway library on a real network, without the membership
 * chaincode's governance transactions: read the config through cscc, build an ADD_ORG update with
 * configtxlator, sign it with both founding admins (Org2's key held in local-kms and enrolled with
 * Org2's CA as an admin), broadcast with failover past a dead orderer, and see the new organisation
 * in the config at the next sequence. Then the orderer's refusals, typed: an update signed by one
 * admin of three organisations, and an update computed on the config before that change.
 */
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  clients,
  connection,
  governance,
  orderer,
  signers,
  GovernanceError,
  OrdererError,
  type ChannelConfig,
  type ConfigSigningIdentity,
  type Connection,
  type MspDefinition,
  type OrdererEndpoint,
} from '@oracle-consortium/gateway';
import { selfSigned } from '../../../scripts/lib/openssl-ca';
import { localConfigtxlator } from '../../../scripts/lib/fabric-tools';
import { describedMembers } from '../../support/network';
import { enrollKmsAdmin } from '../../support/ca-identities';

const DESCRIPTION = process.env.NETWORK_DESCRIPTION;
const REPO = join(__dirname, '..', '..', '..');
const run = promisify(execFile);

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  return expect.fail('expected a rejection');
}

/** A port nothing listens on: bound once by us, then released. */
async function deadPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => {
        resolve(port);
      });
    });
  });
}

/** A fresh organisation's definition: its own root and TLS root, made with openssl. */
function invitee(mspId: string): MspDefinition {
  return clients.mspDefinitions.canonicalMspDefinition({
    mspId,
    rootCerts: [selfSigned(`${mspId} root CA`).certPem],
    tlsRootCerts: [selfSigned(`${mspId} TLS root CA`).certPem],
    nodeOUs: true,
  });
}

(DESCRIPTION === undefined ? describe.skip : describe)(
  'channel config updates signed by the founding admins (live network)',
  function () {
    this.timeout(300000);
    const tool = governance.newConfigtxlator({ path: localConfigtxlator() });
    const dir = mkdtempSync(join(tmpdir(), 'gov-broadcast-'));
    let conn: Connection;
    let orderers: OrdererEndpoint[];
    let org1Admin: ConfigSigningIdentity;
    let org2KmsAdmin: ConfigSigningIdentity;
    let initial: ChannelConfig;
    const org3 = 'Org3MSP';

    before(async () => {
      const org1 = await connection.loadNetworkDescription({ path: DESCRIPTION!, member: 'Org1' });
      const org2 = await connection.loadNetworkDescription({ path: DESCRIPTION!, member: 'Org2' });
      const admin1 = org1.identities.admin!;
      org1Admin = {
        mspId: org1.mspId,
        certificate: readFileSync(admin1.certificatePath, 'utf8'),
        signer: await signers.newFileSigner({ path: admin1.privateKeyPath }),
      };
      conn = connection.connect({
        network: org1,
        identity: { certificate: org1Admin.certificate },
        signer: org1Admin.signer,
      });
      orderers = await orderer.loadOrderers({ path: DESCRIPTION! });

      // Org2's second admin: a KMS key, enrolled with Org2's CA as an identity of type admin, so
      // its certificate carries the admin node OU the channel's Admins policies count.
      org2KmsAdmin = await enrollKmsAdmin(org2, dir);
      initial = await governance.readChannelConfig(conn);
      // Majorities below are counted on the founders alone: the channel must not have changed yet.
      expect(initial.organizations, 'run this file on a fresh network').to.deep.equal(
        describedMembers(DESCRIPTION!)
          .map((m) => m.mspId)
          .sort(),
      );
    });

    after(async () => {
      conn.close();
      await org2KmsAdmin.signer.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it('runs the agent command once for Org1: no approved change, nothing done, exit 0', async () => {
      const { stdout, stderr } = await run(
        'npx',
        ['ts-node', '--transpile-only', 'scripts/agent.ts', '--member', 'Org1', '--once'],
        { cwd: REPO, env: { ...process.env, NETWORK_DESCRIPTION: DESCRIPTION } },
      );
      expect(stdout).to.equal('');
      expect(stderr).to.contain('Org1MSP: 0 decision(s) recorded, 0 pending change(s), 0 step(s)');
    });

    it('builds the same update bytes twice for the same change on the same config', async () => {
      const definition = invitee('Org9MSP');
      const change = { action: 'ADD_ORG', mspId: 'Org9MSP', mspDefinition: definition } as const;
      const a = await governance.buildChannelUpdate(change, initial, tool);
      const b = await governance.buildChannelUpdate(change, initial, tool);
      expect(Buffer.from(a.configUpdate).equals(Buffer.from(b.configUpdate))).to.equal(true);
      expect(a.updateId)
        .to.equal(b.updateId)
        .and.to.match(/^[0-9a-f]{64}$/);
      expect(a.baseSequence).to.equal(initial.sequence);
    });

    it('adds Org3MSP at the next sequence with both founding admins signing, one key in KMS', async () => {
      const definition = invitee(org3);
      const update = await governance.buildChannelUpdate(
        { action: 'ADD_ORG', mspId: org3, mspDefinition: definition },
        initial,
        tool,
      );
      const signatures = [
        await governance.signConfigUpdate(update.configUpdate, org1Admin),
        await governance.signConfigUpdate(update.configUpdate, org2KmsAdmin),
      ];
      for (const [i, s] of signatures.entries()) {
        const check = governance.checkConfigSignature(update.configUpdate, s);
        expect(check).to.include({ valid: true, mspId: [org1Admin, org2KmsAdmin][i]!.mspId });
      }
      // The first orderer in the list is down: the broadcast moves on to the next.
      const dead: OrdererEndpoint = {
        ...orderers[0]!,
        name: 'dead-orderer',
        endpoint: { ...orderers[0]!.endpoint, address: '127.0.0.1', port: await deadPort() },
      };
      const applied = await governance.applyConfigUpdate({
        connection: conn,
        orderers: [dead, ...orderers],
        channelName: conn.channelName,
        configUpdate: update.configUpdate,
        signatures,
        submitter: org1Admin,
        baseSequence: update.baseSequence,
        applied: (c) => c.organizations.includes(org3),
      });
      expect(applied.broadcast.attempts).to.equal(2);
      expect(applied.config.sequence).to.equal(initial.sequence + 1n);
      expect(applied.config.organizations).to.include(org3);
      // The MSP value the channel now holds is the voted definition.
      const json = (await tool.decode('common.Config', applied.config.config)) as {
        channel_group: {
          groups: {
            Application: {
              groups: Record<
                string,
                { values: { MSP: { value: { config: Record<string, unknown> } } } }
              >;
            };
          };
        };
      };
      const msp = json.channel_group.groups.Application.groups[org3]!.values.MSP.value.config;
      const ders = (list: unknown) =>
        (list as string[]).map((b64) =>
          new X509Certificate(Buffer.from(b64, 'base64')).raw.toString('base64'),
        );
      expect(msp.name).to.equal(org3);
      expect(ders(msp.root_certs)).to.deep.equal(definition.rootCerts);
      expect(ders(msp.tls_root_certs)).to.deep.equal(definition.tlsRootCerts);
    });

    it('refuses an update signed by one admin of three organisations, naming the Application policy', async () => {
      const current = await governance.readChannelConfig(conn);
      expect(current.organizations).to.include(org3);
      const update = await governance.buildChannelUpdate(
        { action: 'REMOVE_ORG', mspId: org3 },
        current,
        tool,
      );
      const err = await rejection(
        governance.applyConfigUpdate({
          connection: conn,
          orderers,
          channelName: conn.channelName,
          configUpdate: update.configUpdate,
          signatures: [await governance.signConfigUpdate(update.configUpdate, org1Admin)],
          submitter: org1Admin,
          baseSequence: update.baseSequence,
        }),
      );
      expect(err).to.be.instanceOf(GovernanceError);
      const e = err as GovernanceError;
      expect(e.code).to.equal('CONFIG_POLICY_NOT_SATISFIED');
      expect(e.policyPath).to.equal('/Channel/Application');
      expect(e.baseSequence).to.equal(current.sequence);
      expect(e.cause).to.be.instanceOf(OrdererError);
      expect((e.cause as OrdererError).statusName).to.be.oneOf(['BAD_REQUEST', 'FORBIDDEN']);
      expect((await governance.readChannelConfig(conn)).sequence).to.equal(current.sequence);
    });

    it('refuses an update computed on the config before the last change as STALE_CONFIG', async () => {
      const current = await governance.readChannelConfig(conn);
      expect(current.sequence > initial.sequence).to.equal(true);
      const org4 = 'Org4MSP';
      const update = await governance.buildChannelUpdate(
        { action: 'ADD_ORG', mspId: org4, mspDefinition: invitee(org4) },
        initial,
        tool,
      );
      const err = await rejection(
        governance.applyConfigUpdate({
          connection: conn,
          orderers,
          channelName: conn.channelName,
          configUpdate: update.configUpdate,
          signatures: [
            await governance.signConfigUpdate(update.configUpdate, org1Admin),
            await governance.signConfigUpdate(update.configUpdate, org2KmsAdmin),
          ],
          submitter: org1Admin,
          baseSequence: update.baseSequence,
        }),
      );
      expect(err).to.be.instanceOf(GovernanceError);
      const e = err as GovernanceError;
      expect(e.code).to.equal('STALE_CONFIG');
      expect(e.baseSequence).to.equal(initial.sequence);
      expect(e.cause).to.be.instanceOf(OrdererError);
      const after = await governance.readChannelConfig(conn);
      expect(after.sequence).to.equal(current.sequence);
      expect(after.organizations).to.not.include(org4);
    });
  },
);
