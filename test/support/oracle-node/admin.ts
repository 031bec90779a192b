/**
 * The admin connection oracle-node tests set their feed up with: Org1's admin from the network
 * description, through the library's connection, and the feeds client over it. The node tests,
 * the active/standby test and the console's oracle-node test all start this way.
 */
import { readFileSync } from 'node:fs';
import {
  clients,
  connection,
  signers,
  type Connection,
  type FeedsClient,
  type NetworkConfig,
} from '@oracle-consortium/gateway';

/** A member's admin, connected. */
export interface AdminConnection {
  /** The member's settings from the description. */
  readonly network: NetworkConfig;
  /** The admin's certificate and key files, as the description lists them. */
  readonly files: { readonly certificatePath: string; readonly privateKeyPath: string };
  /** The connection; the test closes it. */
  readonly connection: Connection;
  /** The feeds contract as the admin. */
  readonly feeds: FeedsClient;
}

/**
 * Connects as a member's admin identity from the network description.
 *
 * @param descriptionPath - the network description
 * @param member - the member (`Org1` when absent)
 * @returns the member's settings, the admin's files, the connection and a feeds client
 * @throws ConfigError `INVALID_CONFIG` when the description lacks the member
 * @throws Error when the description lists no admin identity for the member
 */
export async function connectAdmin(
  descriptionPath: string,
  member = 'Org1',
): Promise<AdminConnection> {
  const network = await connection.loadNetworkDescription({ path: descriptionPath, member });
  const files = network.identities.admin;
  if (files === undefined) throw new Error(`the description lists no admin for ${member}`);
  const conn = connection.connect({
    network,
    identity: { certificate: readFileSync(files.certificatePath, 'utf8') },
    signer: await signers.newFileSigner({ path: files.privateKeyPath }),
  });
  return { network, files, connection: conn, feeds: clients.newFeedsClient({ connection: conn }) };
}
