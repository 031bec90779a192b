/**
 * The `_lifecycle` system chaincode through the library's connection, as an organisation's admin:
 * reading the committed definitions, its own approvals and the commit readiness, approving for its
 * own organisation and committing. Arguments and answers are the `lifecycle` protobuf messages the
 * peer CLI sends; an approval is endorsed by the admin's own organisation only (it writes that
 * organisation's implicit collection), a commit by the organisations that approved it.
 */
import { peer } from '@hyperledger/fabric-protos';
import type { Connection } from '../connection/connection';
import { ConsortiumError } from '../errors';
import type { ChaincodeDefinition } from './definition-policy';

const LIFECYCLE = '_lifecycle';
const { lifecycle } = peer;

/** A definition its own organisation approved, with the package its peers run. */
export interface ApprovedDefinition {
  /** The definition. */
  readonly definition: ChaincodeDefinition;
  /** The package ID of the approval; undefined when approved without a package. */
  readonly packageId: string | undefined;
}

/** The fields every lifecycle definition message shares. */
interface DefinitionMessage {
  getSequence(): number;
  getVersion(): string;
  getEndorsementPlugin(): string;
  getValidationPlugin(): string;
  getValidationParameter_asU8(): Uint8Array;
  getCollections(): peer.CollectionConfigPackage | undefined;
  getInitRequired(): boolean;
}

function definitionOf(name: string, m: DefinitionMessage): ChaincodeDefinition {
  return {
    name,
    sequence: BigInt(m.getSequence()),
    version: m.getVersion(),
    endorsementPlugin: m.getEndorsementPlugin(),
    validationPlugin: m.getValidationPlugin(),
    validationParameter: m.getValidationParameter_asU8(),
    collections: m.getCollections()?.serializeBinary() ?? new Uint8Array(),
    initRequired: m.getInitRequired(),
  };
}

/** The setters every lifecycle definition argument message shares. */
interface DefinitionArgs {
  setSequence(value: number): void;
  setName(value: string): void;
  setVersion(value: string): void;
  setEndorsementPlugin(value: string): void;
  setValidationPlugin(value: string): void;
  setValidationParameter(value: Uint8Array): void;
  setCollections(value?: peer.CollectionConfigPackage): void;
  setInitRequired(value: boolean): void;
}

function fill<T extends DefinitionArgs>(args: T, d: ChaincodeDefinition): T {
  args.setSequence(Number(d.sequence));
  args.setName(d.name);
  args.setVersion(d.version);
  args.setEndorsementPlugin(d.endorsementPlugin);
  args.setValidationPlugin(d.validationPlugin);
  args.setValidationParameter(d.validationParameter);
  if (d.collections.length > 0) {
    args.setCollections(peer.CollectionConfigPackage.deserializeBinary(d.collections));
  }
  args.setInitRequired(d.initRequired);
  return args;
}

/**
 * Whether two definitions are the same definition (every field `_lifecycle` compares).
 *
 * @param a - one
 * @param b - the other
 * @returns true when sequence, version, plugins, policy, collections and init match
 */
export function sameDefinition(a: ChaincodeDefinition, b: ChaincodeDefinition): boolean {
  const bytes = (x: Uint8Array) => Buffer.from(x).toString('base64');
  return (
    a.name === b.name &&
    a.sequence === b.sequence &&
    a.version === b.version &&
    a.endorsementPlugin === b.endorsementPlugin &&
    a.validationPlugin === b.validationPlugin &&
    a.initRequired === b.initRequired &&
    bytes(a.validationParameter) === bytes(b.validationParameter) &&
    bytes(a.collections) === bytes(b.collections)
  );
}

/**
 * Every chaincode definition committed on the connection's channel.
 *
 * @param connection - any member identity of the channel
 * @returns the definitions, in `_lifecycle`'s order
 * @throws TransactionError or ConnectionError when the query fails
 */
export async function queryCommittedDefinitions(
  connection: Connection,
): Promise<ChaincodeDefinition[]> {
  const bytes = await connection.evaluate({
    chaincode: LIFECYCLE,
    transaction: 'QueryChaincodeDefinitions',
    arguments: [new lifecycle.QueryChaincodeDefinitionsArgs().serializeBinary()],
  });
  return lifecycle.QueryChaincodeDefinitionsResult.deserializeBinary(bytes)
    .getChaincodeDefinitionsList()
    .map((d) => definitionOf(d.getName(), d));
}

/**
 * The definition the connection's organisation approved at a sequence, read from its own peer.
 *
 * @param connection - an admin (or member) of the organisation
 * @param name - the chaincode
 * @param sequence - the sequence
 * @returns the approval, or undefined when the organisation approved nothing at that sequence
 * @throws TransactionError or ConnectionError when the query fails otherwise
 */
export async function queryApprovedDefinition(
  connection: Connection,
  name: string,
  sequence: bigint,
): Promise<ApprovedDefinition | undefined> {
  const args = new lifecycle.QueryApprovedChaincodeDefinitionArgs();
  args.setName(name);
  args.setSequence(Number(sequence));
  let bytes: Uint8Array;
  try {
    bytes = await connection.evaluate({
      chaincode: LIFECYCLE,
      transaction: 'QueryApprovedChaincodeDefinition',
      arguments: [args.serializeBinary()],
      endorsingOrganizations: [connection.mspId],
    });
  } catch (err) {
    if (
      err instanceof ConsortiumError &&
      /could not fetch approved chaincode definition/.test(err.message)
    ) {
      return undefined;
    }
    throw err;
  }
  const result = lifecycle.QueryApprovedChaincodeDefinitionResult.deserializeBinary(bytes);
  const local = result.getSource()?.getLocalPackage();
  return { definition: definitionOf(name, result), packageId: local?.getPackageId() };
}

/**
 * The package ID of an installed package with this label on the connection's own peer.
 *
 * @param connection - an admin of the organisation (the peer's local admin may list packages)
 * @param label - the package label, such as `consortium_1`
 * @returns its package ID, or undefined when none is installed
 * @throws TransactionError or ConnectionError when the query fails
 */
export async function queryInstalledPackageId(
  connection: Connection,
  label: string,
): Promise<string | undefined> {
  const bytes = await connection.evaluate({
    chaincode: LIFECYCLE,
    transaction: 'QueryInstalledChaincodes',
    arguments: [new lifecycle.QueryInstalledChaincodesArgs().serializeBinary()],
    endorsingOrganizations: [connection.mspId],
  });
  return lifecycle.QueryInstalledChaincodesResult.deserializeBinary(bytes)
    .getInstalledChaincodesList()
    .find((c) => c.getLabel() === label)
    ?.getPackageId();
}

/**
 * Which organisations approved a definition (`CheckCommitReadiness`).
 *
 * @param connection - any member identity of the channel
 * @param definition - the definition, at the committed sequence plus one
 * @returns approval per MSP id
 * @throws TransactionError or ConnectionError when the query fails (a sequence other than the next)
 */
export async function checkCommitReadiness(
  connection: Connection,
  definition: ChaincodeDefinition,
): Promise<Record<string, boolean>> {
  const bytes = await connection.evaluate({
    chaincode: LIFECYCLE,
    transaction: 'CheckCommitReadiness',
    arguments: [fill(new lifecycle.CheckCommitReadinessArgs(), definition).serializeBinary()],
  });
  const out: Record<string, boolean> = {};
  const approvals: unknown =
    lifecycle.CheckCommitReadinessResult.deserializeBinary(bytes).getApprovalsMap();
  (approvals as { forEach(cb: (value: boolean, key: string) => void): void }).forEach((v, k) => {
    out[k] = v;
  });
  return out;
}

/**
 * Approves a definition for the connection's own organisation, endorsed by its own peers.
 *
 * @param connection - an admin of the organisation
 * @param definition - the definition
 * @param packageId - the package its peers run
 * @returns the transaction id
 * @throws TransactionError when the approval is refused or fails validation
 */
export async function approveDefinitionForMyOrg(
  connection: Connection,
  definition: ChaincodeDefinition,
  packageId: string,
): Promise<string> {
  const args = fill(new lifecycle.ApproveChaincodeDefinitionForMyOrgArgs(), definition);
  const local = new lifecycle.ChaincodeSource.Local();
  local.setPackageId(packageId);
  const source = new lifecycle.ChaincodeSource();
  source.setLocalPackage(local);
  args.setSource(source);
  const out = await connection.submit({
    chaincode: LIFECYCLE,
    transaction: 'ApproveChaincodeDefinitionForMyOrg',
    arguments: [args.serializeBinary()],
    endorsingOrganizations: [connection.mspId],
  });
  return out.transactionId;
}

/**
 * Commits a definition, endorsed by peers of the organisations that approved it.
 *
 * @param connection - an admin or client of a member
 * @param definition - the definition
 * @param endorsers - the MSP ids whose peers endorse (a majority of the channel's organisations)
 * @returns the transaction id
 * @throws TransactionError when the commit is refused (too few approvals, a sequence already
 *   committed) or fails validation
 */
export async function commitDefinition(
  connection: Connection,
  definition: ChaincodeDefinition,
  endorsers: readonly string[],
): Promise<string> {
  const out = await connection.submit({
    chaincode: LIFECYCLE,
    transaction: 'CommitChaincodeDefinition',
    arguments: [fill(new lifecycle.CommitChaincodeDefinitionArgs(), definition).serializeBinary()],
    endorsingOrganizations: [...endorsers],
  });
  return out.transactionId;
}
