/**
 * The wire the library's integration suites speak, from the environment: GATEWAY_TRANSPORT=legacy
 * runs them through the legacy transport (discovery, endorser, broadcast and deliver services) on
 * the same 2.5 network, whose peers serve those services beside the Gateway service;
 * `gateway` or `auto` (the library's default, when unset) use the Gateway service.
 */
import { connection, type Connection, type ConnectOptions } from '@oracle-consortium/gateway';
import { describedIdentity } from '../../../scripts/lib/described-identity';

const MODES = ['gateway', 'legacy', 'auto'] as const;

/**
 * The `transport` option the suites add to every connection.
 *
 * @returns `{ transport }` from GATEWAY_TRANSPORT, or nothing when it is unset
 * @throws Error when GATEWAY_TRANSPORT names no transport
 */
export function suiteTransport(): Pick<ConnectOptions, 'transport'> {
  const value = process.env.GATEWAY_TRANSPORT;
  if (value === undefined || value === '') return {};
  const mode = MODES.find((m) => m === value);
  if (mode === undefined) {
    throw new Error(`GATEWAY_TRANSPORT=${value} is not one of ${MODES.join(', ')}`);
  }
  return { transport: mode };
}

/**
 * A library connection as one identity the network description lists for a member, over the
 * suites' transport (GATEWAY_TRANSPORT), signing with the identity's key file.
 *
 * @param description - the network description's path
 * @param member - the member's name in the description (`Org1`)
 * @param identity - one of the member's identities (`admin`, `user1`)
 * @param options - further connection options (timeouts, failover)
 * @returns the open connection; the caller closes it
 * @throws Error when the description lists no such identity
 */
export async function connectLibraryAs(
  description: string,
  member: string,
  identity: string,
  options: Readonly<Pick<ConnectOptions, 'timeouts' | 'failover'>> = {},
): Promise<Connection> {
  const network = await connection.loadNetworkDescription({ path: description, member });
  const id = await describedIdentity(network, identity);
  return connection.connect({
    ...suiteTransport(),
    ...options,
    network,
    identity: { certificate: id.certificate },
    signer: id.signer,
  });
}
