/**
 * Fabric's peer CLI as a member's administrator, for integration tests against peers without the
 * Gateway service (the amb profile): `peer chaincode invoke` endorses at the peers it is given,
 * orders and waits for the commit itself, as an app on Fabric 2.2 would without a Gateway. Also
 * reads the channel configuration (fetched and decoded with configtxlator).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { networkSh, type NetworkEnv } from './network';

const execFileAsync = promisify(execFile);

/** The network the harness (scripts/with-network.sh) selected, from the environment. */
export function harnessNetworkEnv(): NetworkEnv {
  const home = process.env.NETWORK_HOME;
  const name = process.env.NETWORK_NAME;
  const base = process.env.PORT_BASE;
  if (home === undefined || name === undefined || base === undefined) {
    throw new Error(
      'NETWORK_HOME, NETWORK_NAME and PORT_BASE must be set (scripts/with-network.sh)',
    );
  }
  return { NETWORK_NAME: name, NETWORK_HOME: home, PORT_BASE: base };
}

/** A member admin's peer CLI settings, from `network.sh env <member>`. */
export interface AdminCli {
  readonly env: Record<string, string>;
  readonly peerAddress: string;
  readonly tlsRoot: string;
  readonly ordererAddress: string;
  readonly ordererCa: string;
  readonly channel: string;
}

/**
 * Reads `network.sh env <member>` into an environment for the peer CLI.
 *
 * @param net - the network
 * @param member - member name (Org1)
 * @returns the settings
 * @throws Error when network.sh fails or leaves a setting out
 */
export async function adminCli(net: NetworkEnv, member: string): Promise<AdminCli> {
  const out = await networkSh(net, 'env', member);
  const env: Record<string, string> = { ...(process.env as Record<string, string>) };
  for (const line of out.split('\n')) {
    const m = /^export ([A-Z_]+)=(.*)$/.exec(line);
    if (m === null) continue;
    const [, key, value] = m as unknown as [string, string, string];
    env[key] = key === 'PATH' ? value.replace(':"$PATH"', `:${process.env.PATH ?? ''}`) : value;
  }
  const need = (k: string): string => {
    const v = env[k];
    if (v === undefined || v === '') throw new Error(`network.sh env ${member} did not set ${k}`);
    return v;
  };
  env.FABRIC_LOGGING_SPEC = 'INFO';
  return {
    env,
    peerAddress: need('CORE_PEER_ADDRESS'),
    tlsRoot: need('CORE_PEER_TLS_ROOTCERT_FILE'),
    ordererAddress: need('ORDERER_ADDRESS'),
    ordererCa: need('ORDERER_CA'),
    channel: need('CHANNEL_NAME'),
  };
}

/** Runs one Fabric CLI command with the admin's settings; rejects with its output on failure. */
export async function fabricCli(
  cli: AdminCli,
  command: string,
  args: readonly string[],
): Promise<{ stdout: string; stderr: string }> {
  try {
    return await execFileAsync(command, [...args], { env: cli.env, maxBuffer: 64 * 1024 * 1024 });
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string };
    throw new Error(`${command} ${args[0] ?? ''} failed: ${e.message}\n${e.stderr ?? ''}`);
  }
}

/**
 * `peer chaincode invoke` with endorsements from the given members' peers, waiting until the
 * transaction commits; the chaincode's answer, parsed as JSON.
 *
 * @param cli - the submitting admin
 * @param endorsers - the endorsing members' settings (their first peers)
 * @param chaincode - the chaincode definition's name
 * @param fn - `contract:function`
 * @param args - the string arguments
 * @returns the transaction's payload as JSON
 * @throws Error with the CLI's output when endorsement, ordering or validation fails
 */
export async function invoke<T>(
  cli: AdminCli,
  endorsers: readonly AdminCli[],
  chaincode: string,
  fn: string,
  args: readonly string[],
): Promise<T> {
  const peers = endorsers.flatMap((e) => [
    '--peerAddresses',
    e.peerAddress,
    '--tlsRootCertFiles',
    e.tlsRoot,
  ]);
  const { stderr } = await fabricCli(cli, 'peer', [
    'chaincode',
    'invoke',
    '-o',
    cli.ordererAddress,
    '--tls',
    '--cafile',
    cli.ordererCa,
    '-C',
    cli.channel,
    '-n',
    chaincode,
    ...peers,
    '--waitForEvent',
    '-c',
    JSON.stringify({ function: fn, Args: args }),
  ]);
  if (!/committed with status \(VALID\)/.test(stderr)) {
    throw new Error(`${fn} did not commit VALID:\n${stderr}`);
  }
  // The CLI prints the payload as a quoted protobuf text string; for ASCII JSON its escapes are
  // JSON's own.
  const m = /payload:("(?:[^"\\]|\\.)*")/.exec(stderr);
  if (m === null) throw new Error(`no payload in the output of ${fn}:\n${stderr}`);
  return JSON.parse(JSON.parse(m[1] ?? '""') as string) as T;
}

/**
 * `peer chaincode query` at the admin's own peer: the chaincode's answer as text.
 *
 * @throws Error with the CLI's output when the chaincode refuses
 */
export async function query(
  cli: AdminCli,
  chaincode: string,
  fn: string,
  args: readonly string[] = [],
): Promise<string> {
  const { stdout } = await fabricCli(cli, 'peer', [
    'chaincode',
    'query',
    '-C',
    cli.channel,
    '-n',
    chaincode,
    '-c',
    JSON.stringify({ function: fn, Args: args }),
  ]);
  return stdout.trimEnd();
}

/**
 * The channel's application capabilities, from its newest config block (fetched from the
 * ordering service and decoded with configtxlator).
 *
 * @param cli - any member admin
 * @returns the capability names, sorted (`['V2_0']`)
 */
export async function applicationCapabilities(cli: AdminCli): Promise<string[]> {
  const dir = mkdtempSync(path.join(tmpdir(), 'channel-config-'));
  try {
    const block = path.join(dir, 'config.block');
    await fabricCli(cli, 'peer', [
      'channel',
      'fetch',
      'config',
      block,
      '-c',
      cli.channel,
      '-o',
      cli.ordererAddress,
      '--tls',
      '--cafile',
      cli.ordererCa,
    ]);
    const json = path.join(dir, 'config.json');
    await fabricCli(cli, 'configtxlator', [
      'proto_decode',
      '--type',
      'common.Block',
      '--input',
      block,
      '--output',
      json,
    ]);
    interface ConfigBlock {
      data: {
        data: {
          payload: {
            data: {
              config: {
                channel_group: {
                  groups: {
                    Application: {
                      values: { Capabilities: { value: { capabilities: Record<string, object> } } };
                    };
                  };
                };
              };
            };
          };
        }[];
      };
    }
    const decoded = JSON.parse(readFileSync(json, 'utf8')) as ConfigBlock;
    const config = decoded.data.data[0]?.payload.data.config;
    if (config === undefined) throw new Error('the config block holds no config');
    return Object.keys(
      config.channel_group.groups.Application.values.Capabilities.value.capabilities,
    ).sort();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
