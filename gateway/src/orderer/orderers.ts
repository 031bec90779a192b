/**
 * The ordering service's nodes as a network description lists them: `Orderers[]` with their
 * endpoints, or only the managed service's single `OrderingServiceEndpoint` when the description
 * publishes no node list (a managed network hides its orderers behind one name).
 */
import { readFile } from 'node:fs/promises';
import { ConfigError } from '../errors';
import { parseEndpoint } from '../lib/endpoint';
import type { OrdererEndpoint } from './broadcast';

/** Options of {@link loadOrderers}. */
export interface OrdererDescriptionOptions {
  /** Path of `network.json`. */
  readonly path: string;
}

function invalid(message: string, cause?: unknown): ConfigError {
  return new ConfigError({ code: 'INVALID_CONFIG', message, cause });
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * Reads the orderers of a network description, each with the network's TLS root chain and the
 * description's host mapping, so a broadcast dials the mapped address and verifies the hostname.
 *
 * @param options - description path
 * @returns the orderers in the description's order
 * @throws ConfigError `INVALID_CONFIG` when the file is missing or malformed, or lists no orderer
 * @example
 * ```ts
 * const orderers = await orderer.loadOrderers({ path: 'network.json' });
 * ```
 */
export async function loadOrderers(
  options: Readonly<OrdererDescriptionOptions>,
): Promise<OrdererEndpoint[]> {
  let doc: unknown;
  try {
    doc = JSON.parse(await readFile(options.path, 'utf8'));
  } catch (cause) {
    throw invalid(`cannot read network description ${options.path} as JSON`, cause);
  }
  if (!isObject(doc)) throw invalid(`${options.path} is not a JSON object`);
  const hosts = isObject(doc.Hosts) ? (doc.Hosts as Record<string, string>) : {};
  if (typeof doc.TlsRootChainPath !== 'string' || doc.TlsRootChainPath === '') {
    throw invalid(`${options.path} has no TlsRootChainPath`);
  }
  let tlsRootCerts: string;
  try {
    tlsRootCerts = await readFile(doc.TlsRootChainPath, 'utf8');
  } catch (cause) {
    throw invalid(`cannot read TLS root chain ${doc.TlsRootChainPath}`, cause);
  }
  const listed = Array.isArray(doc.Orderers) ? doc.Orderers : [];
  const orderers = listed.map((o: unknown, i): OrdererEndpoint => {
    if (!isObject(o) || typeof o.Endpoint !== 'string') {
      throw invalid(`Orderers[${i}] of ${options.path} has no Endpoint`);
    }
    return {
      name: typeof o.Id === 'string' ? o.Id : `orderer${i + 1}`,
      endpoint: parseEndpoint(o.Endpoint, hosts),
      tlsRootCerts,
    };
  });
  if (orderers.length > 0) return orderers;
  const network = isObject(doc.Network) ? doc.Network : {};
  const attributes = isObject(network.FrameworkAttributes) ? network.FrameworkAttributes : {};
  const fabric = isObject(attributes.Fabric) ? attributes.Fabric : {};
  if (typeof fabric.OrderingServiceEndpoint !== 'string') {
    throw invalid(
      `${options.path} lists no Orderers and no Network.FrameworkAttributes.Fabric.OrderingServiceEndpoint`,
    );
  }
  return [
    {
      name: 'ordering-service',
      endpoint: parseEndpoint(fabric.OrderingServiceEndpoint, hosts),
      tlsRootCerts,
    },
  ];
}
