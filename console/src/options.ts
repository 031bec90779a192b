/**
 * The console's command line: flags, with environment variables as the fallback, each checked
 * before anything starts so a typo is named rather than half-started.
 */
import { dirname, join, resolve } from 'node:path';
import { parseOracleNodes, type OracleNodeRef } from './oracle/nodes';

/** Settings of one console, as `npm run console` reads them. */
export interface ConsoleSettings {
  /** The network description. */
  readonly descriptionPath: string;
  /** Member name, id or MSP id to act as. */
  readonly member: string;
  /** Identity the description lists for the member. */
  readonly identity: string;
  /**
   * A file identity store to take `identity` from instead of the description: its key may be in
   * the KMS or the HSM (the library's `ca.openStoredIdentity`).
   */
  readonly identityStore?: string;
  /** A certificate to act with instead (needs `privateKeyPath`). */
  readonly certificatePath?: string;
  /** Its PEM key. */
  readonly privateKeyPath?: string;
  /** Address to listen on. */
  readonly host: string;
  /** Port to listen on (0: any free one). */
  readonly port: number;
  /** The write token; generated when absent. */
  readonly token?: string;
  /** Where event checkpoints go. */
  readonly stateDir: string;
  /** Time between node probes, ms. */
  readonly probeIntervalMs: number;
  /** Oracle nodes whose operations listeners the Oracle nodes page reads; none when empty. */
  readonly oracleNodes: readonly OracleNodeRef[];
}

/** The usage text. */
export const USAGE = `usage: npm run console -- [options]
  --description <file>   network description (NETWORK_DESCRIPTION; .network/local/network.json)
  --member <name>        member to act as: name, id or MSP id (CONSOLE_MEMBER; Org1)
  --identity <name>      identity of the description to act with (CONSOLE_IDENTITY; admin)
  --identity-store <dir> take --identity from this file identity store instead, whose key may
                         be in the KMS or the HSM (CONSOLE_IDENTITY_STORE)
  --cert <file> --key <file>
                         act with this certificate and PEM key instead
  --host <address>       address to listen on (CONSOLE_HOST; 127.0.0.1)
  --port <n>             port, 0 for any free one (CONSOLE_PORT; 8800)
  --token <token>        the token writes need (CONSOLE_TOKEN; generated and printed when absent)
  --state-dir <dir>      event checkpoints (next to the description, console-<member>/)
  --probe-interval <ms>  time between node health probes (2000)
  --oracle-nodes <list>  oracle nodes' operations URLs, comma-separated, each optionally named
                         (name=http://127.0.0.1:6688); adds the Oracle nodes page (CONSOLE_ORACLE_NODES)`;

const FLAGS: Record<string, string> = {
  '--description': 'description',
  '--member': 'member',
  '--identity': 'identity',
  '--identity-store': 'identityStore',
  '--cert': 'cert',
  '--key': 'key',
  '--host': 'host',
  '--port': 'port',
  '--token': 'token',
  '--state-dir': 'stateDir',
  '--probe-interval': 'probeInterval',
  '--oracle-nodes': 'oracleNodes',
};

function integer(name: string, value: string, min: number, max: number): number {
  if (!/^[0-9]+$/.test(value) || Number(value) < min || Number(value) > max) {
    throw new Error(`${name} must be an integer from ${min} to ${max}, not '${value}'`);
  }
  return Number(value);
}

/**
 * Reads the settings from arguments and environment.
 *
 * @param argv - the arguments after the script
 * @param env - the environment
 * @returns the settings, or `'help'` for `--help`
 * @throws Error naming the flag for an unknown flag, a missing value or a bad number
 * @throws Error naming the entry of `--oracle-nodes` that is not an `http://host:port` URL
 */
export function parseSettings(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): ConsoleSettings | 'help' {
  const given: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '--help' || arg === '-h') return 'help';
    const [flag, inline] = arg.includes('=')
      ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)]
      : [arg, undefined];
    const key = FLAGS[flag];
    if (key === undefined) throw new Error(`unknown option '${arg}'\n${USAGE}`);
    const value = inline ?? argv[++i];
    if (value === undefined || value === '') throw new Error(`${flag} needs a value`);
    given[key] = value;
  }
  const pick = (key: string, envName: string, fallback?: string): string | undefined => {
    const fromEnv = env[envName];
    return given[key] ?? (fromEnv !== undefined && fromEnv !== '' ? fromEnv : fallback);
  };
  const descriptionPath = resolve(
    pick('description', 'NETWORK_DESCRIPTION', join('.network', 'local', 'network.json')) ?? '',
  );
  const member = pick('member', 'CONSOLE_MEMBER', 'Org1') ?? 'Org1';
  const cert = given.cert;
  const key = given.key;
  if ((cert === undefined) !== (key === undefined)) {
    throw new Error('--cert and --key go together: give both or neither');
  }
  const identityStore = pick('identityStore', 'CONSOLE_IDENTITY_STORE');
  if (identityStore !== undefined && cert !== undefined) {
    throw new Error('--identity-store and --cert/--key each name the identity: give one of them');
  }
  const token = pick('token', 'CONSOLE_TOKEN');
  if (token !== undefined && token.length < 16) {
    throw new Error('the console token must be at least 16 characters');
  }
  const oracleNodes = pick('oracleNodes', 'CONSOLE_ORACLE_NODES');
  return {
    descriptionPath,
    member,
    identity: pick('identity', 'CONSOLE_IDENTITY', 'admin') ?? 'admin',
    ...(identityStore !== undefined ? { identityStore: resolve(identityStore) } : {}),
    ...(cert !== undefined && key !== undefined
      ? { certificatePath: resolve(cert), privateKeyPath: resolve(key) }
      : {}),
    host: pick('host', 'CONSOLE_HOST', '127.0.0.1') ?? '127.0.0.1',
    port: integer('--port', pick('port', 'CONSOLE_PORT', '8800') ?? '', 0, 65535),
    ...(token !== undefined ? { token } : {}),
    stateDir: resolve(
      given.stateDir ?? join(dirname(descriptionPath), `console-${member.toLowerCase()}`),
    ),
    probeIntervalMs: integer('--probe-interval', given.probeInterval ?? '2000', 200, 600000),
    oracleNodes: oracleNodes === undefined ? [] : parseOracleNodes(oracleNodes),
  };
}
