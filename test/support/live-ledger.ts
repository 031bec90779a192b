/**
 * Observing a real network from a test: the code of a chaincode error as the bare fabric-gateway
 * client reports it, a peer having committed a block, and what a peer keeps on disk.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { GatewayError, type Network } from '@hyperledger/fabric-gateway';
import { ERROR_CODE_PATTERN } from '@oracle-consortium/protocol';

/** The chaincode error code each endorsing peer reported, and the texts they came from. */
export interface ChaincodeFailure {
  /** One code per peer detail, or the code in the error message when there are no details. */
  readonly codes: string[];
  /** The peer messages (or the error message) the codes were read from. */
  readonly messages: string[];
}

/**
 * Reads the `[CODE]` of a chaincode error out of a fabric-gateway error: from every per-peer
 * detail of an `EndorseError`, or from the message of an evaluate's `GatewayError` (which carries
 * no details).
 *
 * @param err - what the gateway call threw
 * @returns the codes and their texts
 * @throws Error when `err` is not a GatewayError or carries no `[CODE]`
 */
export function chaincodeFailure(err: unknown): ChaincodeFailure {
  if (!(err instanceof GatewayError)) {
    throw new Error(`expected a GatewayError, got ${String(err)}`, { cause: err });
  }
  const messages = err.details.length > 0 ? err.details.map((d) => d.message) : [err.message];
  const codes = messages.map((m) => {
    const code = ERROR_CODE_PATTERN.exec(m)?.[1];
    if (code === undefined) throw new Error(`no [CODE] in "${m}"`, { cause: err });
    return code;
  });
  return { codes, messages };
}

/**
 * Resolves once the peer behind `network`'s gateway connection has committed block `blockNumber`
 * (its deliver service only sends a block after committing it).
 *
 * @param network - a network obtained from a gateway connected to the peer of interest
 * @param blockNumber - the block to wait for
 */
export async function committedOn(network: Network, blockNumber: bigint): Promise<void> {
  const blocks = await network.getFilteredBlockEvents({ startBlock: blockNumber });
  try {
    for await (const block of blocks) {
      if (BigInt(block.getNumber()) >= blockNumber) return;
    }
  } finally {
    blocks.close();
  }
}

/**
 * The data directory of one peer of a network that `test-network/network.sh` brought up
 * (`<network home>/data/<node name>-<member name, lower case>`).
 *
 * @param descriptionFile - the network description the network was started with (read here for
 *   the member and node names the data directories are named after, a layout of
 *   test-network/, not something the library's reader exposes)
 * @param memberName - e.g. `Org2`
 * @param nodeIndex - the peer's index within the member
 * @returns the absolute directory
 * @throws Error when the member, node or directory does not exist
 */
export function peerDataDir(
  descriptionFile: string,
  memberName: string,
  nodeIndex: number,
): string {
  const desc = JSON.parse(readFileSync(descriptionFile, 'utf8')) as {
    Members: { Name: string; Nodes: { Name: string }[] }[];
  };
  const member = desc.Members.find((m) => m.Name === memberName);
  const node = member?.Nodes[nodeIndex];
  if (member === undefined || node === undefined) {
    throw new Error(`no node ${String(nodeIndex)} of ${memberName}`);
  }
  const dir = path.join(
    path.dirname(path.resolve(descriptionFile)),
    'data',
    `${node.Name}-${member.Name.toLowerCase()}`,
  );
  if (!existsSync(dir)) throw new Error(`no data directory ${dir}`);
  return dir;
}

/**
 * The files under `dir` whose raw bytes contain `marker` (as `grep -rlF` would list them). Files
 * that disappear while being read (LevelDB compactions) are skipped.
 *
 * @param dir - the directory to search recursively
 * @param marker - the text to look for, as UTF-8
 * @returns the matching files' paths
 */
export function filesContaining(dir: string, marker: string): string[] {
  const needle = Buffer.from(marker, 'utf8');
  const hits: string[] = [];
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath, entry.name);
    try {
      if (readFileSync(file).includes(needle)) hits.push(file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }
  return hits;
}
