/**
 * Pure rules for carrying out an approved channel change: decoding the `common.ConfigUpdate` a
 * member posts, checking that it does exactly what the change says, and verifying an
 * organisation admin's `common.ConfigSignature` over it the way the ordering service will.
 *
 * What the ordering service applies is the update's delta: the elements of the write set whose
 * version differs from the read set's. Elements at the same version are references and are
 * ignored, and a modified group's children are exactly the keys its write set lists. So the
 * checks here are on versions and key sets: the channel group unmodified; the Application group
 * modified (its `MAJORITY Admins` mod_policy then decides) with its values and policies
 * unmodified and its organisations exactly the channel's organisations plus the invitee (ADD_ORG)
 * or minus the removed member (REMOVE_ORG); for ADD_ORG the new organisation's group holds the
 * voted MSP definition and policies that name only itself, so it can never count as a second vote
 * of another member in a MAJORITY policy.
 *
 * The update does not carry the current configuration, so a value or policy of the Application
 * group left out of both read and write sets (which would delete it) cannot be seen here; each
 * signing admin's tooling compares the update with one it computed itself before signing.
 */
import { createHash, verify, type KeyObject } from 'node:crypto';
import { common, msp } from '@hyperledger/fabric-protos';
import {
  parseCertificate,
  type Certificate,
  type MspDefinition,
} from '@oracle-consortium/protocol';
import { ensure, fail } from '../lib/errors';

/** What a channel change does. */
export type ChannelAction = 'ADD_ORG' | 'REMOVE_ORG';

/** The name of the channel group holding the member organisations. */
export const APPLICATION_GROUP = 'Application';

/** The Application group's mod_policy: its `MAJORITY Admins` implicit-meta policy. */
export const APPLICATION_MOD_POLICY = 'Admins';

/** The node OU that marks an administrator's certificate (Fabric's default `AdminOUIdentifier`). */
export const ADMIN_OU = 'admin';

/** Values an added organisation's group may carry. */
const ORG_VALUES = ['MSP', 'AnchorPeers'] as const;

/** `common.Policy.PolicyType`. */
const POLICY_SIGNATURE = 1;
const POLICY_IMPLICIT_META = 3;

/** `msp.MSPPrincipal.Classification`. */
const PRINCIPAL_ROLE = 0;
const PRINCIPAL_ORGANIZATION_UNIT = 1;
const PRINCIPAL_IDENTITY = 2;

/** Curve orders of the curves Fabric MSPs use, to refuse high-S signatures as Fabric does. */
/**
 * The named curve of an EC public key from its SPKI (the algorithm parameters' OID), since
 * `asymmetricKeyDetails` needs Node 15.7 and the AMB build runs on Node 12.
 */
function namedCurve(key: KeyObject): string {
  const spki = key.export({ type: 'spki', format: 'der' }).toString('hex');
  if (spki.includes('06082a8648ce3d030107')) return 'prime256v1';
  if (spki.includes('06052b81040022')) return 'secp384r1';
  return '';
}

const CURVE_ORDERS: Readonly<Record<string, bigint>> = {
  prime256v1: BigInt('0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551'),
  secp384r1: BigInt(
    '0xffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973',
  ),
};

/** What a config update must do: one approved channel change, on this channel. */
export interface ExpectedChange {
  /** The chaincode's channel. */
  readonly channelId: string;
  /** Add or remove. */
  readonly action: ChannelAction;
  /** The organisation added or removed. */
  readonly mspId: string;
  /** With ADD_ORG: the voted definition, canonical. */
  readonly definition?: MspDefinition;
  /** The organisations in the channel now, as the chain knows them. */
  readonly organizations: readonly string[];
}

/** The identity a transaction was submitted by. */
export interface Caller {
  /** Its MSP id. */
  readonly mspId: string;
  /** Its serialized certificate (PEM bytes), as the transaction carries it. */
  readonly idBytes: Uint8Array;
}

/**
 * The id of a config update: lowercase hex SHA-256 of its bytes.
 *
 * @param configUpdate - the `common.ConfigUpdate` bytes
 * @returns 64 lowercase hex digits
 */
export function channelUpdateId(configUpdate: Uint8Array): string {
  return createHash('sha256').update(configUpdate).digest('hex');
}

/**
 * Signatures a config update needs: more than half of the channel's organisations, which is
 * what the Application group's `MAJORITY Admins` mod_policy asks.
 *
 * @param organizations - how many organisations the channel has
 * @returns floor(n/2) + 1
 */
export function requiredSignatures(organizations: number): number {
  return Math.floor(organizations / 2) + 1;
}

/**
 * Decodes `common.ConfigUpdate` bytes.
 *
 * @param bytes - the bytes
 * @returns the message
 * @throws ChaincodeError `INVALID_CONFIG_UPDATE` when they are empty or not a ConfigUpdate
 */
export function decodeConfigUpdate(bytes: Uint8Array): common.ConfigUpdate {
  ensure(bytes.length > 0, 'INVALID_CONFIG_UPDATE', 'configUpdate is empty');
  let update: common.ConfigUpdate;
  try {
    update = common.ConfigUpdate.deserializeBinary(bytes);
  } catch (err) {
    return fail(
      'INVALID_CONFIG_UPDATE',
      `configUpdate is not a common.ConfigUpdate: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
  ensure(
    update.getReadSet() !== undefined && update.getWriteSet() !== undefined,
    'INVALID_CONFIG_UPDATE',
    'configUpdate has no read set or no write set; it is not what configtxlator compute_update produces',
  );
  return update;
}

/**
 * The part of google-protobuf's `jspb.Map` used here. The package ships no types of its own, so
 * fabric-protos' map getters are untyped; these accessors give them their value types once.
 */
interface ProtoMap<V> {
  getLength(): number;
  keys(): Iterable<string>;
  get(key: string): V | undefined;
}

function groupsOf(group: common.ConfigGroup): ProtoMap<common.ConfigGroup> {
  return group.getGroupsMap() as ProtoMap<common.ConfigGroup>;
}

function valuesOf(group: common.ConfigGroup): ProtoMap<common.ConfigValue> {
  return group.getValuesMap() as ProtoMap<common.ConfigValue>;
}

function policiesOf(group: common.ConfigGroup): ProtoMap<common.ConfigPolicy> {
  return group.getPoliciesMap() as ProtoMap<common.ConfigPolicy>;
}

/** A map entry the caller knows is there (it came from the map's own keys). */
function entry<V>(map: ProtoMap<V>, key: string): V {
  const value = map.get(key);
  if (value === undefined) {
    throw new Error(`protobuf map lost its key ${key}`);
  }
  return value;
}

function keysOf(map: ProtoMap<unknown>): string[] {
  return [...map.keys()].sort();
}

function sameKeys(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((k, i) => k === b[i]);
}

function mismatch(message: string): never {
  return fail('CONFIG_UPDATE_MISMATCH', message);
}

/** Refuses a value or policy map whose write set modifies, adds or drops anything. */
function requireUnmodified(
  what: string,
  read: ProtoMap<{ getVersion(): number }>,
  write: ProtoMap<{ getVersion(): number }>,
): void {
  const readKeys = [...read.keys()].sort();
  const writeKeys = [...write.keys()].sort();
  ensure(
    sameKeys(readKeys, writeKeys),
    'CONFIG_UPDATE_MISMATCH',
    `the update changes the ${what} (read set ${JSON.stringify(readKeys)}, write set ${JSON.stringify(writeKeys)}); a membership change touches only the organisations`,
  );
  for (const k of writeKeys) {
    ensure(
      read.get(k)?.getVersion() === write.get(k)?.getVersion(),
      'CONFIG_UPDATE_MISMATCH',
      `the update modifies ${what} ${k}; a membership change touches only the organisations`,
    );
  }
}

function pemOrDerToBase64Der(bytes: Uint8Array, what: string): string {
  try {
    return parseCertificate(Buffer.from(bytes)).raw.toString('base64');
  } catch {
    return mismatch(`${what} holds a certificate that does not parse`);
  }
}

function sameCertificates(actual: readonly string[], voted: readonly string[]): boolean {
  return sameKeys([...actual].sort(), [...voted].sort());
}

/** The MSP ids a signature policy's principals name; a principal naming none is refused. */
function principalMspIds(policy: common.Policy, where: string): string[] {
  const envelope = common.SignaturePolicyEnvelope.deserializeBinary(policy.getValue_asU8());
  return envelope.getIdentitiesList().map((principal, i) => {
    const bytes = principal.getPrincipal_asU8();
    switch (principal.getPrincipalClassification()) {
      case PRINCIPAL_ROLE:
        return msp.MSPRole.deserializeBinary(bytes).getMspIdentifier();
      case PRINCIPAL_ORGANIZATION_UNIT:
        return msp.OrganizationUnit.deserializeBinary(bytes).getMspIdentifier();
      case PRINCIPAL_IDENTITY:
        return msp.SerializedIdentity.deserializeBinary(bytes).getMspid();
      default:
        return mismatch(`${where} principal ${i} has a classification this contract cannot check`);
    }
  });
}

/** Checks the group an ADD_ORG adds: new, the voted MSP, and policies of its own. */
function checkAddedGroup(
  group: common.ConfigGroup,
  mspId: string,
  definition: MspDefinition,
): void {
  const where = `${APPLICATION_GROUP}.${mspId}`;
  ensure(group.getVersion() === 0, 'CONFIG_UPDATE_MISMATCH', `${where} must be new (version 0)`);
  ensure(groupsOf(group).getLength() === 0, 'CONFIG_UPDATE_MISMATCH', `${where} has groups`);
  const policies = policiesOf(group);
  const values = valuesOf(group);
  const policyNames = keysOf(policies);
  const modPolicies: [string, string][] = [[where, group.getModPolicy()]];
  for (const name of keysOf(values)) {
    ensure(
      (ORG_VALUES as readonly string[]).includes(name),
      'CONFIG_UPDATE_MISMATCH',
      `${where} carries a value ${name}; an organisation carries only ${ORG_VALUES.join(' and ')}`,
    );
    const value = entry(values, name);
    ensure(value.getVersion() === 0, 'CONFIG_UPDATE_MISMATCH', `${where}.${name} must be new`);
    modPolicies.push([`${where}.${name}`, value.getModPolicy()]);
  }
  const mspValue = values.get('MSP');
  if (mspValue === undefined) {
    return mismatch(`${where} has no MSP value`);
  }
  let config: msp.FabricMSPConfig;
  try {
    const mspConfig = msp.MSPConfig.deserializeBinary(mspValue.getValue_asU8());
    ensure(mspConfig.getType() === 0, 'CONFIG_UPDATE_MISMATCH', `${where}.MSP is not a Fabric MSP`);
    config = msp.FabricMSPConfig.deserializeBinary(mspConfig.getConfig_asU8());
  } catch (err) {
    if (err instanceof Error && err.name === 'ChaincodeError') throw err;
    return mismatch(`${where}.MSP does not decode as a Fabric MSP configuration`);
  }
  ensure(
    config.getName() === mspId,
    'CONFIG_UPDATE_MISMATCH',
    `${where}.MSP is named ${JSON.stringify(config.getName())}, not ${mspId}`,
  );
  const roots = config.getRootCertsList_asU8().map((c) => pemOrDerToBase64Der(c, `${where}.MSP`));
  ensure(
    sameCertificates(roots, definition.rootCerts),
    'CONFIG_UPDATE_MISMATCH',
    `${where}.MSP root certificates are not the ones voted (mspDefinition of the change)`,
  );
  const tlsRoots = config
    .getTlsRootCertsList_asU8()
    .map((c) => pemOrDerToBase64Der(c, `${where}.MSP`));
  ensure(
    sameCertificates(tlsRoots, definition.tlsRootCerts),
    'CONFIG_UPDATE_MISMATCH',
    `${where}.MSP TLS root certificates are not the ones voted (mspDefinition of the change)`,
  );
  const nodeOUs = config.getFabricNodeOus()?.getEnable() === true;
  ensure(
    nodeOUs === definition.nodeOUs,
    'CONFIG_UPDATE_MISMATCH',
    `${where}.MSP has node OUs ${nodeOUs ? 'enabled' : 'disabled'}; the voted definition has them ${definition.nodeOUs ? 'enabled' : 'disabled'}`,
  );
  for (const name of policyNames) {
    const configPolicy = entry(policies, name);
    ensure(
      configPolicy.getVersion() === 0,
      'CONFIG_UPDATE_MISMATCH',
      `${where}/${name} must be new`,
    );
    modPolicies.push([`${where}/${name}`, configPolicy.getModPolicy()]);
    const policy = configPolicy.getPolicy();
    const type = policy?.getType();
    if (policy === undefined || type === POLICY_IMPLICIT_META) {
      // Implicit meta policies refer to the group's own sub-groups, and it has none.
      continue;
    }
    ensure(
      type === POLICY_SIGNATURE,
      'CONFIG_UPDATE_MISMATCH',
      `${where}/${name} is neither a signature nor an implicit meta policy`,
    );
    let named: string[];
    try {
      named = principalMspIds(policy, `${where}/${name}`);
    } catch (err) {
      if (err instanceof Error && err.name === 'ChaincodeError') throw err;
      return mismatch(`${where}/${name} does not decode as a signature policy`);
    }
    const foreign = named.filter((id) => id !== mspId);
    ensure(
      foreign.length === 0,
      'CONFIG_UPDATE_MISMATCH',
      `${where}/${name} names ${[...new Set(foreign)].join(', ')}; an added organisation's policies name only itself, or another member would count twice`,
    );
  }
  for (const [element, modPolicy] of modPolicies) {
    ensure(
      policyNames.includes(modPolicy),
      'CONFIG_UPDATE_MISMATCH',
      `${element} has mod_policy ${JSON.stringify(modPolicy)}; it must be one of ${mspId}'s own policies (${policyNames.join(', ')})`,
    );
  }
}

/**
 * Checks that a decoded config update does exactly the approved change on this channel.
 *
 * @param update - the decoded update
 * @param expected - the change, the channel and its organisations
 * @throws ChaincodeError `WRONG_CHANNEL` when it names another channel
 * @throws ChaincodeError `CONFIG_UPDATE_MISMATCH` naming the first difference otherwise
 */
export function checkConfigUpdate(update: common.ConfigUpdate, expected: ExpectedChange): void {
  ensure(
    update.getChannelId() === expected.channelId,
    'WRONG_CHANNEL',
    `the update is for channel ${JSON.stringify(update.getChannelId())}, this chaincode runs on ${expected.channelId}`,
  );
  ensure(
    (update.getIsolatedDataMap() as ProtoMap<unknown>).getLength() === 0,
    'CONFIG_UPDATE_MISMATCH',
    'the update carries isolated data; a membership change has none',
  );
  const read = update.getReadSet();
  const write = update.getWriteSet();
  if (read === undefined || write === undefined) {
    return fail('INVALID_CONFIG_UPDATE', 'configUpdate has no read set or no write set');
  }
  ensure(
    sameKeys(keysOf(groupsOf(read)), [APPLICATION_GROUP]) &&
      sameKeys(keysOf(groupsOf(write)), [APPLICATION_GROUP]),
    'CONFIG_UPDATE_MISMATCH',
    `the update must touch the ${APPLICATION_GROUP} group only (write set groups ${JSON.stringify(keysOf(groupsOf(write)))})`,
  );
  ensure(
    valuesOf(read).getLength() === 0 &&
      valuesOf(write).getLength() === 0 &&
      policiesOf(read).getLength() === 0 &&
      policiesOf(write).getLength() === 0 &&
      read.getVersion() === write.getVersion(),
    'CONFIG_UPDATE_MISMATCH',
    'the update modifies the channel group itself; a membership change touches only the organisations',
  );
  const readApp = entry(groupsOf(read), APPLICATION_GROUP);
  const writeApp = entry(groupsOf(write), APPLICATION_GROUP);
  ensure(
    writeApp.getVersion() === readApp.getVersion() + 1,
    'CONFIG_UPDATE_MISMATCH',
    `the update must modify the ${APPLICATION_GROUP} group once (version ${readApp.getVersion()} to ${readApp.getVersion() + 1}, got ${writeApp.getVersion()})`,
  );
  ensure(
    writeApp.getModPolicy() === APPLICATION_MOD_POLICY,
    'CONFIG_UPDATE_MISMATCH',
    `the update sets the ${APPLICATION_GROUP} mod_policy to ${JSON.stringify(writeApp.getModPolicy())}; it stays ${APPLICATION_MOD_POLICY}`,
  );
  requireUnmodified(`${APPLICATION_GROUP} values`, valuesOf(readApp), valuesOf(writeApp));
  requireUnmodified(`${APPLICATION_GROUP} policies`, policiesOf(readApp), policiesOf(writeApp));

  const { action, mspId, organizations } = expected;
  const kept = organizations.filter((o) => o !== mspId);
  if (action === 'ADD_ORG') {
    ensure(
      !organizations.includes(mspId),
      'CONFIG_UPDATE_MISMATCH',
      `${mspId} is already an organisation of the channel`,
    );
  } else {
    ensure(
      organizations.includes(mspId),
      'CONFIG_UPDATE_MISMATCH',
      `${mspId} is not an organisation of the channel`,
    );
  }
  const wantWrite = (action === 'ADD_ORG' ? [...kept, mspId] : kept).sort();
  const writeOrgs = keysOf(groupsOf(writeApp));
  const readOrgs = keysOf(groupsOf(readApp));
  ensure(
    sameKeys(writeOrgs, wantWrite),
    'CONFIG_UPDATE_MISMATCH',
    `the update leaves the channel with ${JSON.stringify(writeOrgs)}; ${action} ${mspId} leaves it with ${JSON.stringify(wantWrite)}`,
  );
  ensure(
    sameKeys(readOrgs, [...kept].sort()),
    'CONFIG_UPDATE_MISMATCH',
    `the update's read set names ${JSON.stringify(readOrgs)}; it must name the organisations kept, ${JSON.stringify([...kept].sort())}`,
  );
  for (const org of kept) {
    ensure(
      groupsOf(readApp).get(org)?.getVersion() === groupsOf(writeApp).get(org)?.getVersion(),
      'CONFIG_UPDATE_MISMATCH',
      `the update modifies ${APPLICATION_GROUP}.${org}; ${action} ${mspId} leaves the other organisations as they are`,
    );
  }
  if (action === 'ADD_ORG') {
    if (expected.definition === undefined) {
      return mismatch(`the ADD_ORG change of ${mspId} carries no voted MSP definition`);
    }
    checkAddedGroup(entry(groupsOf(writeApp), mspId), mspId, expected.definition);
  }
}

/** Organisational units of a certificate's subject. */
function subjectOUs(cert: Certificate): string[] {
  return cert.subject
    .split('\n')
    .flatMap((line) => line.split('+'))
    .map((part) => part.trim())
    .filter((part) => part.startsWith('OU='))
    .map((part) => part.slice(3));
}

/**
 * Whether a certificate is an administrator's under Fabric's node OUs: its subject carries the
 * `admin` OU (the MSP that validated the transaction's creator checked who issued it).
 *
 * @param cert - the certificate
 * @returns true when an OU is `admin`
 */
export function isAdminCertificate(cert: Certificate): boolean {
  return subjectOUs(cert).includes(ADMIN_OU);
}

/** Reads `SEQUENCE { INTEGER r, INTEGER s }` strictly (short lengths: P-256 and P-384 only). */
function derSignatureS(der: Buffer): bigint | undefined {
  if (der.length < 8 || der[0] !== 0x30 || der[1] !== der.length - 2) return undefined;
  let at = 2;
  let s: bigint | undefined;
  for (let i = 0; i < 2; i++) {
    if (der[at] !== 0x02) return undefined;
    const len = der[at + 1] ?? 0;
    const bytes = der.subarray(at + 2, at + 2 + len);
    const first = bytes[0] ?? 0x80;
    if (len === 0 || len > 0x7f || bytes.length !== len || (first & 0x80) !== 0) {
      return undefined;
    }
    // Minimal encoding: a leading zero only before a byte with the high bit set.
    if (len > 1 && first === 0 && ((bytes[1] ?? 0) & 0x80) === 0) return undefined;
    s = BigInt(`0x${bytes.toString('hex')}`);
    if (s === BigInt(0)) return undefined;
    at += 2 + len;
  }
  return at === der.length ? s : undefined;
}

/** The signer a verified config signature names. */
export interface ConfigSigner {
  /** The signing organisation. */
  readonly mspId: string;
  /** Its certificate. */
  readonly certificate: Certificate;
}

/**
 * Decodes a `common.SignatureHeader` and checks that its creator is the transaction's caller:
 * a signature posted on chain is posted by its signer, so nobody relays another's signature.
 *
 * @param signatureHeader - the header bytes
 * @param caller - the transaction's creator
 * @returns the signer and its certificate
 * @throws ChaincodeError `MALFORMED_INPUT` when the header or its creator does not decode
 * @throws ChaincodeError `SIGNER_NOT_CALLER` when the creator is another identity
 */
export function signerOf(signatureHeader: Uint8Array, caller: Caller): ConfigSigner {
  let creator: msp.SerializedIdentity;
  try {
    const header = common.SignatureHeader.deserializeBinary(signatureHeader);
    creator = msp.SerializedIdentity.deserializeBinary(header.getCreator_asU8());
  } catch {
    return fail('MALFORMED_INPUT', 'signatureHeader is not a common.SignatureHeader');
  }
  const idBytes = Buffer.from(creator.getIdBytes_asU8());
  ensure(
    idBytes.length > 0 && creator.getMspid() !== '',
    'MALFORMED_INPUT',
    'signatureHeader names no creator (msp.SerializedIdentity with MSP id and certificate)',
  );
  ensure(
    creator.getMspid() === caller.mspId && idBytes.equals(Buffer.from(caller.idBytes)),
    'SIGNER_NOT_CALLER',
    `the signature header's creator (${creator.getMspid()}) is not the identity submitting this transaction (${caller.mspId}); an admin posts its own signature`,
  );
  let certificate: Certificate;
  try {
    certificate = parseCertificate(idBytes);
  } catch {
    return fail('MALFORMED_INPUT', "the signature header's creator holds no X.509 certificate");
  }
  return { mspId: caller.mspId, certificate };
}

/**
 * Verifies a config signature the way the ordering service does: ECDSA with SHA-256 over
 * `signatureHeader ‖ configUpdate` under the signer certificate's key, DER-encoded, low-S (Fabric
 * refuses the high-S twin of a valid signature).
 *
 * @param certificate - the signer's certificate
 * @param signatureHeader - the header bytes
 * @param configUpdate - the update bytes
 * @param signature - the DER signature
 * @throws ChaincodeError `INVALID_CONFIG_SIGNATURE` naming why it is refused
 */
export function verifyConfigSignature(
  certificate: Certificate,
  signatureHeader: Uint8Array,
  configUpdate: Uint8Array,
  signature: Uint8Array,
): void {
  const key = certificate.publicKey;
  const curve = key.asymmetricKeyType === 'ec' ? namedCurve(key) : '';
  const order = CURVE_ORDERS[curve];
  if (key.asymmetricKeyType !== 'ec' || order === undefined) {
    return fail(
      'INVALID_CONFIG_SIGNATURE',
      `the signer's key is ${key.asymmetricKeyType ?? 'unknown'} ${curve}; Fabric MSPs sign with ECDSA on P-256 or P-384`,
    );
  }
  const der = Buffer.from(signature);
  const s = derSignatureS(der);
  if (s === undefined) {
    return fail('INVALID_CONFIG_SIGNATURE', 'signature is not a DER ECDSA signature');
  }
  ensure(
    s <= order / BigInt(2),
    'INVALID_CONFIG_SIGNATURE',
    'signature has a high S value; Fabric accepts only low-S ECDSA signatures',
  );
  const signed = Buffer.concat([Buffer.from(signatureHeader), Buffer.from(configUpdate)]);
  ensure(
    verify('sha256', signed, { key, dsaEncoding: 'der' }, der),
    'INVALID_CONFIG_SIGNATURE',
    'signature does not verify over SHA-256(signatureHeader || configUpdate) with the signer certificate',
  );
}
