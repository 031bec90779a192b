/**
 * The wire the library's integration suites speak, from the environment: GATEWAY_TRANSPORT=legacy
 * runs them through the legacy transport (discovery, endorser, broadcast and deliver services) on
 * the same 2.5 network, whose peers serve those services beside the Gateway service;
 * `gateway` or `auto` (the library's default, when unset) use the Gateway service.
 */
import type { ConnectOptions } from '@oracle-consortium/gateway';

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
