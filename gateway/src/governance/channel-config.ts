/**
 * Reading a channel's current configuration as an ordinary member client: the peer's configuration
 * system chaincode (`cscc` GetConfigBlock) evaluated through the connection. On Fabric 2.5 its
 * default ACL is `/Channel/Application/Readers`, which every member's clients, peers and admins
 * satisfy, so no orderer access or admin identity is needed to read; the orderer's Deliver service
 * would need a signed seek request and the orderers' Readers policy for the same block. The peer's
 * copy may trail the orderer by a block; an update built on it is then refused as stale and
 * rebuilt, which the agent does anyway.
 */
import { common } from '@hyperledger/fabric-protos';
import type { Connection } from '../connection/connection';
import { GovernanceError } from '../errors';

/** A channel's configuration at one sequence. */
export interface ChannelConfig {
  /** The channel. */
  readonly channelName: string;
  /** The configuration's sequence: how many config updates the channel has applied. */
  readonly sequence: bigint;
  /** The block holding this configuration. */
  readonly blockNumber: bigint;
  /** The serialized `common.Config`. */
  readonly config: Uint8Array;
  /** MSP ids of the Application organisations, sorted. */
  readonly organizations: readonly string[];
}

function malformed(message: string, cause?: unknown): GovernanceError {
  return new GovernanceError({ code: 'CONFIG_UPDATE_INVALID', message, cause });
}

/**
 * Decodes a config block (`common.Block` whose one envelope is a CONFIG transaction).
 *
 * @param blockBytes - the serialized block
 * @param channelName - the channel it belongs to
 * @returns the configuration it carries
 * @throws GovernanceError `CONFIG_UPDATE_INVALID` when the bytes are not a config block
 */
export function decodeConfigBlock(blockBytes: Uint8Array, channelName: string): ChannelConfig {
  let config: common.Config | undefined;
  let blockNumber: bigint;
  try {
    const block = common.Block.deserializeBinary(blockBytes);
    blockNumber = BigInt(block.getHeader()?.getNumber() ?? 0);
    const first = block.getData()?.getDataList_asU8()[0];
    if (first === undefined) throw new Error('the block holds no transaction');
    const payload = common.Payload.deserializeBinary(
      common.Envelope.deserializeBinary(first).getPayload_asU8(),
    );
    const header = common.ChannelHeader.deserializeBinary(
      payload.getHeader()?.getChannelHeader_asU8() ?? new Uint8Array(),
    );
    if (header.getType() !== common.HeaderType.CONFIG) {
      throw new Error(`its transaction has header type ${header.getType()}, not CONFIG`);
    }
    config = common.ConfigEnvelope.deserializeBinary(payload.getData_asU8()).getConfig();
  } catch (cause) {
    throw malformed(
      `the answer for channel ${channelName} is not a config block: ${cause instanceof Error ? cause.message : String(cause)}`,
      cause,
    );
  }
  if (config === undefined) {
    throw malformed(`the config block of channel ${channelName} carries no config`);
  }
  return configOf(config, channelName, blockNumber);
}

/** The slice of jspb's Map the code uses; google-protobuf ships no type declarations. */
interface GroupMap {
  get(key: string): common.ConfigGroup | undefined;
  forEach(callback: (value: common.ConfigGroup, key: string) => void): void;
}

const NO_GROUPS: GroupMap = { get: () => undefined, forEach: () => undefined };

function groupsOf(group: common.ConfigGroup | undefined): GroupMap {
  if (group === undefined) return NO_GROUPS;
  const map: unknown = group.getGroupsMap();
  return map as GroupMap;
}

/**
 * Summarises a decoded `common.Config`.
 *
 * @param config - the config message
 * @param channelName - its channel
 * @param blockNumber - the block it came in (0 when unknown)
 * @returns the summary with the re-serialized config
 */
export function configOf(
  config: common.Config,
  channelName: string,
  blockNumber = 0n,
): ChannelConfig {
  const application = groupsOf(config.getChannelGroup()).get('Application');
  const organizations: string[] = [];
  groupsOf(application).forEach((_group, name) => {
    organizations.push(name);
  });
  return {
    channelName,
    sequence: BigInt(config.getSequence()),
    blockNumber,
    config: config.serializeBinary(),
    organizations: organizations.sort(),
  };
}

/**
 * Reads the channel's newest configuration from one of the connection's peers.
 *
 * @param connection - a connection of any member identity (client, peer or admin)
 * @returns the configuration, its sequence and Application organisations
 * @throws GovernanceError `CONFIG_UPDATE_INVALID` when the peer's answer is not a config block
 * @throws TransactionError `ACCESS_DENIED` when the identity is not a reader of the channel
 * @throws ConnectionError when no peer answers
 * @example
 * ```ts
 * const { sequence, organizations } = await governance.readChannelConfig(conn);
 * ```
 */
export async function readChannelConfig(connection: Connection): Promise<ChannelConfig> {
  const bytes = await connection.evaluate({
    chaincode: 'cscc',
    transaction: 'GetConfigBlock',
    arguments: [connection.channelName],
  });
  return decodeConfigBlock(bytes, connection.channelName);
}
