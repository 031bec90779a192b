/**
 * Real `common.ConfigUpdate` bytes for the channel update tests, built with
 * @hyperledger/fabric-protos in the shape `configtxlator compute_update` produces (checked against
 * the tool's output): the read set names the Application group with its values, policies and the
 * organisations kept, as references (version only); the write set bumps the Application group's
 * version, repeats the references and, for ADD_ORG, carries the new organisation's whole group.
 * Also `common.ConfigSignature` parts signed with node:crypto keys, low-S as Fabric signs.
 */
import { X509Certificate, createPrivateKey, randomBytes, sign } from 'node:crypto';
import { common, msp } from '@hyperledger/fabric-protos';
import type { MspDefinition } from '@oracle-consortium/protocol';
import { P256_ORDER, encodeDerSignature, parseDerSignature } from './ecdsa-der';

/** The Application group's values and policies in the local network (references in an update). */
export const APP_VALUES = ['ACLs', 'Capabilities'];
export const APP_POLICIES = ['Admins', 'Endorsement', 'LifecycleEndorsement', 'Readers', 'Writers'];

/** What to build. */
export interface UpdateSpec {
  readonly channelId?: string;
  readonly action: 'ADD_ORG' | 'REMOVE_ORG';
  readonly mspId: string;
  /** The organisations in the channel before the update. */
  readonly organizations: readonly string[];
  /** With ADD_ORG: the definition the new group gets. */
  readonly definition?: MspDefinition;
  /** The Application group's version before the update. */
  readonly appVersion?: number;
  /** Changes to the built message before it is serialised, to make a bad update. */
  readonly tamper?: (update: common.ConfigUpdate) => void;
  /** Changes to the added organisation's group. */
  readonly tamperOrg?: (group: common.ConfigGroup) => void;
}

/** google-protobuf's `jspb.Map`, typed: the package ships no types of its own. */
export interface ProtoMap<V> {
  get(key: string): V | undefined;
  set(key: string, value: V): unknown;
  del(key: string): boolean;
  getLength(): number;
}

/**
 * A group's sub-groups.
 *
 * @param group - the group
 * @returns its groups map
 */
export function groupsOf(group: common.ConfigGroup): ProtoMap<common.ConfigGroup> {
  return group.getGroupsMap() as ProtoMap<common.ConfigGroup>;
}

/**
 * A group's values.
 *
 * @param group - the group
 * @returns its values map
 */
export function valuesOf(group: common.ConfigGroup): ProtoMap<common.ConfigValue> {
  return group.getValuesMap() as ProtoMap<common.ConfigValue>;
}

/**
 * A group's policies.
 *
 * @param group - the group
 * @returns its policies map
 */
export function policiesOf(group: common.ConfigGroup): ProtoMap<common.ConfigPolicy> {
  return group.getPoliciesMap() as ProtoMap<common.ConfigPolicy>;
}

/**
 * The Application group of an update's read or write set.
 *
 * @param update - the update
 * @param set - which set
 * @returns the group
 */
export function applicationOf(
  update: common.ConfigUpdate,
  set: 'read' | 'write',
): common.ConfigGroup {
  const root = set === 'read' ? update.getReadSet() : update.getWriteSet();
  const app = root === undefined ? undefined : groupsOf(root).get('Application');
  if (app === undefined) throw new Error(`the ${set} set has no Application group`);
  return app;
}

function groupRef(version: number): common.ConfigGroup {
  const g = new common.ConfigGroup();
  g.setVersion(version);
  return g;
}

function policyRef(version: number): common.ConfigPolicy {
  const p = new common.ConfigPolicy();
  p.setVersion(version);
  return p;
}

function valueRef(version: number): common.ConfigValue {
  const v = new common.ConfigValue();
  v.setVersion(version);
  return v;
}

/**
 * A signature policy `1 of [principal]`.
 *
 * @param mspId - the principal's MSP
 * @param role - `msp.MSPRole.MSPRoleTypeMap[keyof msp.MSPRole.MSPRoleTypeMap]`
 * @returns the policy
 */
export function signedBy(
  mspId: string,
  role: msp.MSPRole.MSPRoleTypeMap[keyof msp.MSPRole.MSPRoleTypeMap],
): common.Policy {
  const mspRole = new msp.MSPRole();
  mspRole.setMspIdentifier(mspId);
  mspRole.setRole(role);
  const principal = new msp.MSPPrincipal();
  principal.setPrincipalClassification(0);
  principal.setPrincipal(mspRole.serializeBinary());
  const signedByRule = new common.SignaturePolicy();
  signedByRule.setSignedBy(0);
  const nOutOf = new common.SignaturePolicy.NOutOf();
  nOutOf.setN(1);
  nOutOf.setRulesList([signedByRule]);
  const rule = new common.SignaturePolicy();
  rule.setNOutOf(nOutOf);
  const envelope = new common.SignaturePolicyEnvelope();
  envelope.setVersion(0);
  envelope.setRule(rule);
  envelope.setIdentitiesList([principal]);
  const policy = new common.Policy();
  policy.setType(1);
  policy.setValue(envelope.serializeBinary());
  return policy;
}

/** The PEM text of a base64 DER certificate. */
function pemOf(der: string): Uint8Array {
  return Buffer.from(new X509Certificate(Buffer.from(der, 'base64')).toString(), 'utf8');
}

/**
 * The group an organisation gets in the Application group, as configtxgen writes it: the MSP
 * value (certificates as PEM) and Admins/Readers/Writers/Endorsement policies of its own.
 *
 * @param definition - the organisation's MSP definition (canonical or PEM)
 * @returns the group, version 0
 */
export function orgGroup(definition: MspDefinition): common.ConfigGroup {
  const toPem = (c: string): Uint8Array =>
    c.includes('BEGIN') ? Buffer.from(c, 'utf8') : pemOf(c);
  const config = new msp.FabricMSPConfig();
  config.setName(definition.mspId);
  config.setRootCertsList(definition.rootCerts.map(toPem));
  config.setTlsRootCertsList(definition.tlsRootCerts.map(toPem));
  if (definition.nodeOUs) {
    const ous = new msp.FabricNodeOUs();
    ous.setEnable(true);
    for (const [setter, ou] of [
      ['setClientOuIdentifier', 'client'],
      ['setPeerOuIdentifier', 'peer'],
      ['setAdminOuIdentifier', 'admin'],
      ['setOrdererOuIdentifier', 'orderer'],
    ] as const) {
      const id = new msp.FabricOUIdentifier();
      id.setOrganizationalUnitIdentifier(ou);
      id.setCertificate(toPem(definition.rootCerts[0]!));
      ous[setter](id);
    }
    config.setFabricNodeOus(ous);
  }
  const mspConfig = new msp.MSPConfig();
  mspConfig.setType(0);
  mspConfig.setConfig(config.serializeBinary());
  const mspValue = new common.ConfigValue();
  mspValue.setModPolicy('Admins');
  mspValue.setValue(mspConfig.serializeBinary());
  const group = new common.ConfigGroup();
  group.setModPolicy('Admins');
  valuesOf(group).set('MSP', mspValue);
  const roles: [string, msp.MSPRole.MSPRoleTypeMap[keyof msp.MSPRole.MSPRoleTypeMap]][] = [
    ['Admins', 1],
    ['Readers', 0],
    ['Writers', 0],
    ['Endorsement', 3],
  ];
  for (const [name, role] of roles) {
    const p = new common.ConfigPolicy();
    p.setModPolicy('Admins');
    p.setPolicy(signedBy(definition.mspId, role));
    policiesOf(group).set(name, p);
  }
  return group;
}

function applicationRef(version: number, organizations: readonly string[]): common.ConfigGroup {
  const app = groupRef(version);
  for (const org of organizations) groupsOf(app).set(org, groupRef(0));
  for (const name of APP_POLICIES) policiesOf(app).set(name, policyRef(0));
  for (const name of APP_VALUES) valuesOf(app).set(name, valueRef(0));
  return app;
}

/**
 * Builds the ConfigUpdate of one membership change, as compute_update would.
 *
 * @param spec - the change, the channel's organisations and optional tampering
 * @returns the message (serialise with `serializeBinary`)
 */
export function buildUpdateMessage(spec: UpdateSpec): common.ConfigUpdate {
  const version = spec.appVersion ?? 1;
  const kept = spec.organizations.filter((o) => o !== spec.mspId);
  const readApp = applicationRef(version, kept);
  const writeApp = applicationRef(version + 1, kept);
  writeApp.setModPolicy('Admins');
  if (spec.action === 'ADD_ORG') {
    const group = orgGroup(spec.definition!);
    spec.tamperOrg?.(group);
    groupsOf(writeApp).set(spec.mspId, group);
  }
  const read = groupRef(0);
  groupsOf(read).set('Application', readApp);
  const write = groupRef(0);
  groupsOf(write).set('Application', writeApp);
  const update = new common.ConfigUpdate();
  update.setChannelId(spec.channelId ?? 'consortium');
  update.setReadSet(read);
  update.setWriteSet(write);
  spec.tamper?.(update);
  return update;
}

/**
 * Builds and serialises the ConfigUpdate of one membership change.
 *
 * @param spec - the change
 * @returns the bytes
 */
export function buildUpdate(spec: UpdateSpec): Buffer {
  return Buffer.from(buildUpdateMessage(spec).serializeBinary());
}

/**
 * A `common.SignatureHeader` naming an identity as creator, with a fresh nonce.
 *
 * @param mspId - the creator's MSP
 * @param certPem - its certificate
 * @returns the header bytes
 */
export function signatureHeader(mspId: string, certPem: string): Buffer {
  const creator = new msp.SerializedIdentity();
  creator.setMspid(mspId);
  creator.setIdBytes(Buffer.from(certPem, 'utf8'));
  const header = new common.SignatureHeader();
  header.setCreator(creator.serializeBinary());
  header.setNonce(randomBytes(24));
  return Buffer.from(header.serializeBinary());
}

/**
 * Signs `header ‖ update` with SHA-256 ECDSA, low-S as Fabric's signers do.
 *
 * @param keyPem - the P-256 private key
 * @param header - the signature header bytes
 * @param update - the ConfigUpdate bytes
 * @returns the DER signature
 */
export function signConfig(keyPem: string, header: Uint8Array, update: Uint8Array): Buffer {
  const der = sign('sha256', Buffer.concat([header, update]), {
    key: createPrivateKey(keyPem),
    dsaEncoding: 'der',
  });
  const { r, s } = parseDerSignature(der);
  return s > P256_ORDER / 2n ? encodeDerSignature(r, P256_ORDER - s) : der;
}
