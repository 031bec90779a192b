/**
 * The channel's height and committed chaincode definitions, read through the gateway library as
 * the configured member: `qscc GetChainInfo` and `_lifecycle QueryChaincodeDefinitions`. Read on
 * request (the Network page's load and each block event), never in a loop.
 */
import { common, msp, peer } from '@hyperledger/fabric-protos';
import { clients, type Connection } from '@oracle-consortium/gateway';

/** A committed chaincode definition. */
export interface ChaincodeDefinitionView {
  /** The name it is committed under. */
  readonly name: string;
  /** Its version label. */
  readonly version: string;
  /** Its sequence. */
  readonly sequence: number;
  /** The endorsement policy, in the peer CLI's words where it can be said so. */
  readonly endorsementPolicy: string;
  /** Names of its private data collections. */
  readonly collections: readonly string[];
  /** Whether `Init` must be called first. */
  readonly initRequired: boolean;
}

/** The channel as the member's peers see it. */
export interface ChannelView {
  /** The channel. */
  readonly name: string;
  /** Its block height. */
  readonly height: number;
  /** Its committed chaincode definitions, by name. */
  readonly chaincodes: readonly ChaincodeDefinitionView[];
}

const ROLE_NAMES: Record<number, string> = {
  [msp.MSPRole.MSPRoleType.MEMBER]: 'member',
  [msp.MSPRole.MSPRoleType.ADMIN]: 'admin',
  [msp.MSPRole.MSPRoleType.CLIENT]: 'client',
  [msp.MSPRole.MSPRoleType.PEER]: 'peer',
  [msp.MSPRole.MSPRoleType.ORDERER]: 'orderer',
};

function principalName(p: msp.MSPPrincipal): string {
  if (p.getPrincipalClassification() !== msp.MSPPrincipal.Classification.ROLE) return '?';
  const role = msp.MSPRole.deserializeBinary(p.getPrincipal_asU8());
  return `'${role.getMspIdentifier()}.${ROLE_NAMES[role.getRole()] ?? String(role.getRole())}'`;
}

function ruleText(rule: common.SignaturePolicy, principals: readonly string[]): string {
  if (rule.hasSignedBy()) return principals[rule.getSignedBy()] ?? '?';
  const n = rule.getNOutOf();
  if (n === undefined) return '?';
  const parts = n.getRulesList().map((r) => ruleText(r, principals));
  if (n.getN() === 1) return `OR(${parts.join(', ')})`;
  if (n.getN() === parts.length) return `AND(${parts.join(', ')})`;
  return `OutOf(${n.getN()}, ${parts.join(', ')})`;
}

/**
 * The endorsement policy of a definition's validation parameter, as the peer CLI writes it.
 *
 * @param validationParameter - the definition's `ApplicationPolicy` bytes
 * @returns `OR('Org1MSP.peer', …)` for a signature policy, the policy path for a channel policy
 */
export function policyText(validationParameter: Uint8Array): string {
  try {
    const policy = peer.ApplicationPolicy.deserializeBinary(validationParameter);
    const ref = policy.getChannelConfigPolicyReference();
    if (ref !== '') return ref;
    const envelope = policy.getSignaturePolicy();
    const rule = envelope?.getRule();
    if (envelope === undefined || rule === undefined) return 'unknown';
    return ruleText(rule, envelope.getIdentitiesList().map(principalName));
  } catch {
    return 'unreadable';
  }
}

/**
 * Reads the channel's height and chaincode definitions.
 *
 * @param connection - the member's connection
 * @returns the channel view
 * @throws ConsortiumError from the library when no peer answers
 */
export async function readChannel(connection: Connection): Promise<ChannelView> {
  const [height, defs] = await Promise.all([
    clients.ledgerHeight(connection),
    connection.evaluate({
      chaincode: '_lifecycle',
      transaction: 'QueryChaincodeDefinitions',
      arguments: [new peer.lifecycle.QueryChaincodeDefinitionsArgs().serializeBinary()],
    }),
  ]);
  const chaincodes = peer.lifecycle.QueryChaincodeDefinitionsResult.deserializeBinary(defs)
    .getChaincodeDefinitionsList()
    .map((d): ChaincodeDefinitionView => ({
      name: d.getName(),
      version: d.getVersion(),
      sequence: d.getSequence(),
      endorsementPolicy: policyText(d.getValidationParameter_asU8()),
      collections:
        d
          .getCollections()
          ?.getConfigList()
          .map((c) => c.getStaticCollectionConfig()?.getName() ?? '')
          .filter((n) => n !== '') ?? [],
      initRequired: d.getInitRequired(),
    }))
    .sort((a, b) => a.name.localeCompare(b.name));
  return { name: connection.channelName, height: Number(height), chaincodes };
}
