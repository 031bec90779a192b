/**
 * Endpoints as a managed network publishes them: `hostname:port`, where the hostname is the TLS
 * name of the node but need not resolve. The caller dials `address` (a VPC endpoint or local IP)
 * and presents `hostname` as TLS server name.
 */
import type { LookupFunction } from 'node:net';
import { ConfigError } from '../errors';

/** Where to dial a node and which name its TLS certificate carries. */
export interface Endpoint {
  /** TLS server name, the hostname part of the published endpoint. */
  readonly hostname: string;
  /** Port part of the published endpoint. */
  readonly port: number;
  /** Address to dial; absent means resolve `hostname` through DNS. */
  readonly address?: string;
}

/**
 * Parses `host:port` (optionally with a scheme such as `grpcs://` or `https://`).
 *
 * @param endpoint - published endpoint
 * @param hosts - optional hostname → address map
 * @returns the endpoint
 * @throws ConfigError `INVALID_CONFIG` when the endpoint has no port
 */
export function parseEndpoint(
  endpoint: string,
  hosts?: Readonly<Record<string, string>>,
): Endpoint {
  const bare = endpoint.replace(/^[a-z]+:\/\//i, '').replace(/\/.*$/, '');
  const match = /^(.+):(\d+)$/.exec(bare);
  if (match?.[1] === undefined || match[2] === undefined) {
    throw new ConfigError({ code: 'INVALID_CONFIG', message: `endpoint ${endpoint} has no port` });
  }
  const hostname = match[1];
  const address = hosts?.[hostname];
  return { hostname, port: Number(match[2]), ...(address !== undefined ? { address } : {}) };
}

/** `host:port` as published. */
export function endpointName(endpoint: Endpoint): string {
  return `${endpoint.hostname}:${endpoint.port}`;
}

/** `address:port` actually dialled. */
export function dialTarget(endpoint: Endpoint): string {
  return `${endpoint.address ?? endpoint.hostname}:${endpoint.port}`;
}

/**
 * A `lookup` for node:net / node:https that answers `address` for the endpoint's hostname, so the
 * TLS server name stays the hostname while the socket goes to the mapped address.
 */
export function lookupFor(endpoint: Endpoint): LookupFunction | undefined {
  const address = endpoint.address;
  if (address === undefined) {
    return undefined;
  }
  const family = address.includes(':') ? 6 : 4;
  return ((_host: string, options: { all?: boolean }, callback: (...args: unknown[]) => void) => {
    if (options.all === true) {
      callback(null, [{ address, family }]);
    } else {
      callback(null, address, family);
    }
  }) as unknown as LookupFunction;
}
