/**
 * Config updates without a network: the organisation group built from a voted MSP definition,
 * the deterministic re-encoding of an update, the build steps over a recording configtxlator,
 * ConfigSignatures (creator, signed bytes, low S), the CONFIG_UPDATE envelope, and how the
 * orderer's refusals are read.
 */
import { expect } from 'chai';
import { createHash, verify, X509Certificate } from 'node:crypto';
import { common, msp } from '@hyperledger/fabric-protos';
import {
  GovernanceError,
  InputError,
  OrdererError,
  clients,
  governance,
  type ChannelConfig,
  type Configtxlator,
  type MspDefinition,
} from '../../../../gateway/src';
import { isLowS } from '../../../../gateway/src/lib/ecdsa';
import { selfSigned } from '../../../../scripts/lib/openssl-ca';
import { adminOf } from '../../../support/gateway/fake-governance';
import { rejection } from '../../../support/refusal';

function definition(mspId: string): MspDefinition {
  return clients.mspDefinitions.canonicalMspDefinition({
    mspId,
    rootCerts: [selfSigned(`${mspId} root`).certPem, selfSigned(`${mspId} root 2`).certPem],
    tlsRootCerts: [selfSigned(`${mspId} tls root`).certPem],
    nodeOUs: true,
  });
}

type Json = Record<string, unknown>;

/** The value at a path of configtxlator JSON, which has no types. */
function at(value: unknown, ...path: (string | number)[]): unknown {
  return path.reduce<unknown>(
    (v, k) => (v as Record<string | number, unknown> | undefined)?.[k],
    value,
  );
}

/** A configtxlator stand-in: JSON in and out, recording what it was asked. */
function recordingTool(config: Json): { tool: Configtxlator; encoded: Json[]; channels: string[] } {
  const encoded: Json[] = [];
  const channels: string[] = [];
  const update = new common.ConfigUpdate();
  update.setChannelId('consortium');
  return {
    encoded,
    channels,
    tool: {
      decode: () => Promise.resolve(structuredClone(config)),
      encode: (_type, json) => {
        encoded.push(json as Json);
        return Promise.resolve(Buffer.from(JSON.stringify(json)));
      },
      computeUpdate: (channelName) => {
        channels.push(channelName);
        return Promise.resolve(update.serializeBinary());
      },
    },
  };
}

const CONFIG_JSON: Json = {
  channel_group: { groups: { Application: { groups: { Org1MSP: {}, Org2MSP: {} } } } },
};

const CONFIG: ChannelConfig = {
  channelName: 'consortium',
  sequence: 3n,
  blockNumber: 9n,
  config: new Uint8Array([1]),
  organizations: ['Org1MSP', 'Org2MSP'],
};

describe('channel config updates', function () {
  this.timeout(20000);

  it('gives a voted organisation the founding members’ policies and its own roots as PEM', () => {
    const def = definition('Org3MSP');
    const group = governance.organizationGroup(def) as Json;
    expect(group.mod_policy).to.equal('Admins');
    expect(Object.keys(group.policies as Json).sort()).to.deep.equal([
      'Admins',
      'Endorsement',
      'Readers',
      'Writers',
    ]);
    const roles = (name: string) =>
      (at(group, 'policies', name, 'policy', 'value', 'identities') as Json[]).map((i) =>
        at(i, 'principal', 'role'),
      );
    expect(roles('Readers')).to.deep.equal(['ADMIN', 'PEER', 'CLIENT']);
    expect(roles('Writers')).to.deep.equal(['ADMIN', 'CLIENT']);
    expect(roles('Admins')).to.deep.equal(['ADMIN']);
    expect(roles('Endorsement')).to.deep.equal(['PEER']);
    const mspConfig = at(group, 'values', 'MSP', 'value', 'config') as Json;
    expect(mspConfig.name).to.equal('Org3MSP');
    const der = (b64: string) =>
      new X509Certificate(Buffer.from(b64, 'base64').toString('utf8')).raw.toString('base64');
    expect((mspConfig.root_certs as string[]).map(der)).to.deep.equal(def.rootCerts);
    expect((mspConfig.tls_root_certs as string[]).map(der)).to.deep.equal(def.tlsRootCerts);
    expect(
      der(at(mspConfig, 'fabric_node_ous', 'admin_ou_identifier', 'certificate') as string),
    ).to.equal(def.rootCerts[0]);
  });

  it('names any member in Readers, Writers and Endorsement when node OUs are off', () => {
    const group = governance.organizationGroup({
      ...definition('Org4MSP'),
      nodeOUs: false,
    }) as Json;
    expect(
      at(group, 'policies', 'Writers', 'policy', 'value', 'identities', 0, 'principal', 'role'),
    ).to.equal('MEMBER');
    expect(at(group, 'values', 'MSP', 'value', 'config', 'fabric_node_ous')).to.equal(undefined);
  });

  it('refuses a definition that is not a canonical MSP definition, as INVALID_INPUT', () => {
    const err = (() => {
      try {
        governance.organizationGroup({ ...definition('Org3MSP'), rootCerts: ['not a cert'] });
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(err).to.be.instanceOf(InputError);
    expect((err as InputError).code).to.equal('INVALID_INPUT');
    expect((err as InputError).message).to.contain('Org3MSP');
  });

  it('encodes the same update to the same bytes whatever order an encoder wrote its maps in', () => {
    // Hand-encoded as Go's encoder may write it: ConfigUpdate{channel_id, write_set: ConfigGroup{
    // groups: map entries in the given order}}; field 2 entries are {1: key, 2: empty group}.
    const len = (bytes: number[]) => [bytes.length, ...bytes];
    const text = (s: string) => [...Buffer.from(s)];
    const entry = (key: string) => [0x12, ...len([0x0a, ...len(text(key)), 0x12, 0x00])];
    const encode = (keys: string[]) =>
      Uint8Array.from([0x0a, ...len(text('consortium')), 0x1a, ...len(keys.flatMap(entry))]);
    const shuffled = encode(['Org3MSP', 'Org1MSP', 'Org2MSP']);
    const other = encode(['Org2MSP', 'Org3MSP', 'Org1MSP']);
    expect(Buffer.from(shuffled).equals(Buffer.from(other))).to.equal(false);
    const a = governance.canonicalConfigUpdate(shuffled);
    const b = governance.canonicalConfigUpdate(other);
    expect(Buffer.from(a).equals(Buffer.from(b))).to.equal(true);
    expect(Buffer.from(a).equals(Buffer.from(encode(['Org1MSP', 'Org2MSP', 'Org3MSP'])))).to.equal(
      true,
    );
    expect(governance.updateIdOf(a)).to.equal(createHash('sha256').update(a).digest('hex'));
  });

  it('adds the organisation group to Application and computes the update on the channel', async () => {
    const { tool, encoded, channels } = recordingTool(CONFIG_JSON);
    const def = definition('Org3MSP');
    const built = await governance.buildChannelUpdate(
      { action: 'ADD_ORG', mspId: 'Org3MSP', mspDefinition: def },
      CONFIG,
      tool,
    );
    const groups = at(encoded[0], 'channel_group', 'groups', 'Application', 'groups') as Json;
    expect(Object.keys(groups)).to.deep.equal(['Org1MSP', 'Org2MSP', 'Org3MSP']);
    expect(groups.Org3MSP).to.deep.equal(governance.organizationGroup(def));
    expect(channels).to.deep.equal(['consortium']);
    expect(built.baseSequence).to.equal(3n);
    expect(built.updateId).to.equal(governance.updateIdOf(built.configUpdate));
  });

  it('drops the organisation group for a REMOVE_ORG', async () => {
    const { tool, encoded } = recordingTool(CONFIG_JSON);
    await governance.buildChannelUpdate({ action: 'REMOVE_ORG', mspId: 'Org2MSP' }, CONFIG, tool);
    expect(
      Object.keys(at(encoded[0], 'channel_group', 'groups', 'Application', 'groups') as Json),
    ).to.deep.equal(['Org1MSP']);
  });

  it('refuses to add an organisation the config already has, as CHANGE_ALREADY_IN_CONFIG', async () => {
    const { tool, encoded } = recordingTool(CONFIG_JSON);
    const err = await rejection(
      governance.buildChannelUpdate(
        { action: 'ADD_ORG', mspId: 'Org2MSP', mspDefinition: definition('Org2MSP') },
        CONFIG,
        tool,
      ),
    );
    expect(err).to.be.instanceOf(GovernanceError);
    expect(err).to.include({ code: 'CHANGE_ALREADY_IN_CONFIG', currentSequence: 3n });
    expect(encoded).to.deep.equal([]);
  });

  it('refuses an ADD_ORG whose definition names another MSP id', async () => {
    const { tool } = recordingTool(CONFIG_JSON);
    const err = await rejection(
      governance.buildChannelUpdate(
        { action: 'ADD_ORG', mspId: 'Org3MSP', mspDefinition: definition('Org5MSP') },
        CONFIG,
        tool,
      ),
    );
    expect(err).to.be.instanceOf(InputError);
    expect((err as InputError).message).to.contain('definition for Org5MSP');
  });

  it('signs SHA-256(header || update) with low S, naming the signer in the header', async () => {
    const admin = adminOf('Org1MSP');
    const update = Buffer.from('a config update');
    const parts = await governance.signConfigUpdate(update, admin);
    const header = common.SignatureHeader.deserializeBinary(parts.signatureHeader);
    const creator = msp.SerializedIdentity.deserializeBinary(header.getCreator_asU8());
    expect(creator.getMspid()).to.equal('Org1MSP');
    expect(Buffer.from(creator.getIdBytes_asU8()).toString()).to.equal(admin.certificate);
    expect(header.getNonce_asU8().length).to.equal(24);
    expect(isLowS(parts.signature)).to.equal(true);
    const key = new X509Certificate(admin.certificate).publicKey;
    expect(
      verify('sha256', Buffer.concat([parts.signatureHeader, update]), key, parts.signature),
    ).to.equal(true);
    expect(governance.checkConfigSignature(update, parts)).to.include({
      mspId: 'Org1MSP',
      valid: true,
    });
    expect(governance.checkConfigSignature(Buffer.from('another update'), parts).valid).to.equal(
      false,
    );
  });

  it('wraps update and signatures in a CONFIG_UPDATE envelope signed by the submitter', async () => {
    const admin = adminOf('Org2MSP');
    const update = Buffer.from('a config update');
    const signatures = [await governance.signConfigUpdate(update, admin)];
    const bytes = await governance.configUpdateEnvelope({
      channelName: 'consortium',
      configUpdate: update,
      signatures,
      submitter: admin,
    });
    const envelope = common.Envelope.deserializeBinary(bytes);
    const payload = common.Payload.deserializeBinary(envelope.getPayload_asU8());
    const channelHeader = common.ChannelHeader.deserializeBinary(
      payload.getHeader()!.getChannelHeader_asU8(),
    );
    expect(channelHeader.getType()).to.equal(common.HeaderType.CONFIG_UPDATE);
    expect(channelHeader.getChannelId()).to.equal('consortium');
    // google-protobuf has no type declarations here: the timestamp is read through a cast.
    const timestamp: unknown = channelHeader.getTimestamp();
    expect((timestamp as { getSeconds(): number }).getSeconds()).to.be.greaterThan(0);
    const inner = common.ConfigUpdateEnvelope.deserializeBinary(payload.getData_asU8());
    expect(Buffer.from(inner.getConfigUpdate_asU8()).equals(update)).to.equal(true);
    expect(inner.getSignaturesList().map((s) => Buffer.from(s.getSignature_asU8()))).to.deep.equal([
      Buffer.from(signatures[0]!.signature),
    ]);
    const key = new X509Certificate(admin.certificate).publicKey;
    expect(
      verify('sha256', envelope.getPayload_asU8(), key, envelope.getSignature_asU8()),
    ).to.equal(true);
  });

  it('reads an orderer’s policy refusal as CONFIG_POLICY_NOT_SATISFIED naming the policy', () => {
    const refusal = new OrdererError({
      code: 'ORDERER_REFUSED',
      message: 'refused',
      status: 400,
      statusName: 'BAD_REQUEST',
      endpoint: 'orderer1:7050',
      info: "error applying config update to existing channel 'consortium': error authorizing update: error validating DeltaSet: policy for [Group]  /Channel/Application not satisfied: implicit policy evaluation failed - 1 sub-policies were satisfied, but this policy requires 2 of the 'Admins' sub-policies to be satisfied",
    });
    const err = governance.classifyConfigRefusal(refusal, 4n);
    expect(err).to.be.instanceOf(GovernanceError);
    expect(err).to.include({
      code: 'CONFIG_POLICY_NOT_SATISFIED',
      policyPath: '/Channel/Application',
      baseSequence: 4n,
      cause: refusal,
    });
  });

  it('reads an orderer’s read-set refusal as STALE_CONFIG and leaves other errors alone', () => {
    const stale = new OrdererError({
      code: 'ORDERER_REFUSED',
      message: 'refused',
      status: 400,
      statusName: 'BAD_REQUEST',
      endpoint: 'orderer1:7050',
      info: 'error authorizing update: error validating ReadSet: proposed update requires that key [Group]  /Channel/Application be at version 0, but it is currently at version 1',
    });
    expect(governance.classifyConfigRefusal(stale, 0n)).to.include({ code: 'STALE_CONFIG' });
    const other = new OrdererError({
      code: 'ORDERER_REFUSED',
      message: 'refused',
      status: 413,
      statusName: 'REQUEST_ENTITY_TOO_LARGE',
      endpoint: 'orderer1:7050',
      info: 'message too large',
    });
    expect(governance.classifyConfigRefusal(other)).to.equal(other);
  });
});
