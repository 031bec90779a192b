#!/usr/bin/env node
/**
 * `amb`: an operator CLI shaped like `aws managedblockchain` for this project's networks. It
 * reads a network description (the local network's by default, any other with
 * `--network-description`), acts as one member's identity from it (`--member`, `--identity`),
 * and calls the membership contract through the gateway library; member and node lifecycle go to
 * the local network's script. JSON output by default, `--output table` for people.
 *
 * Exit codes: 0 done, 1 the call failed (the message names the code, as the managed service's
 * CLI does), 2 the command line is wrong.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { newMembershipClient, type MembershipClient } from '../clients/membership-client';
import { connect } from '../connection/connection';
import { loadNetworkDescription } from '../connection/network-config';
import type { Connection } from '../connection/connection';
import { ContractError } from '../errors';
import { newFileSigner } from '../signers/file-signer';
import type { Signer } from '../signers/signer';
import { GLOBAL_OPTIONS, UsageError, parseArgs } from './args';
import { findMember, networkFacts } from './amb-shapes';
import { COMMANDS, MEMBER_ID, helpText, type CliContext } from './commands';
import { render } from './output';

const run = promisify(execFile);

/** The repository this file was built in (gateway/dist/cli or gateway/src/cli, two levels up). */
const REPO_DIR = path.resolve(__dirname, '..', '..', '..');
const NETWORK_SH = path.join(REPO_DIR, 'test-network', 'network.sh');

/** Where the description is: the option, the environment, else the local network's. */
function descriptionPath(option: string | undefined): string {
  if (option !== undefined) return option;
  const env = process.env.NETWORK_DESCRIPTION;
  if (env !== undefined && env !== '') return env;
  const home =
    process.env.NETWORK_HOME ??
    path.join(REPO_DIR, '.network', process.env.NETWORK_NAME ?? 'local');
  return path.join(home, 'network.json');
}

/** Opens membership clients lazily, one connection per member, and closes them all. */
class Sessions {
  readonly #open: { connection: Connection; signer: Signer }[] = [];
  readonly #clients = new Map<string, Promise<MembershipClient>>();

  constructor(
    readonly file: string,
    readonly identity: string,
  ) {}

  client(mspId: string): Promise<MembershipClient> {
    let client = this.#clients.get(mspId);
    if (client === undefined) {
      client = this.#connect(mspId);
      this.#clients.set(mspId, client);
    }
    return client;
  }

  async #connect(mspId: string): Promise<MembershipClient> {
    const network = await loadNetworkDescription({ path: this.file, member: mspId });
    const files = network.identities[this.identity];
    if (files === undefined) {
      throw new UsageError(
        `the description lists no identity ${JSON.stringify(this.identity)} for ${mspId}; it has ${Object.keys(network.identities).join(', ')}`,
      );
    }
    const signer = await newFileSigner({ path: files.privateKeyPath });
    const connection = connect({
      network,
      identity: { certificate: readFileSync(files.certificatePath, 'utf8') },
      signer,
    });
    this.#open.push({ connection, signer });
    return newMembershipClient({ connection });
  }

  async close(): Promise<void> {
    for (const { connection, signer } of this.#open) {
      connection.close();
      await signer.close();
    }
  }
}

/**
 * Runs `amb` with these arguments and writes to the given streams.
 *
 * @param argv - the arguments after the script
 * @param out - where results go
 * @param err - where errors go
 * @returns the exit code
 */
export async function main(
  argv: readonly string[],
  out: (text: string) => void,
  err: (text: string) => void,
): Promise<number> {
  const specs = Object.fromEntries(Object.entries(COMMANDS).map(([n, c]) => [n, c.options]));
  let sessions: Sessions | undefined;
  try {
    const args = parseArgs(argv, specs);
    if (args.help || args.command === undefined) {
      out(helpText(args.command, GLOBAL_OPTIONS));
      return args.help ? 0 : 2;
    }
    const command = COMMANDS[args.command];
    if (command === undefined) throw new UsageError(`unknown command ${args.command}`);
    const file = descriptionPath(args.globals.networkDescription);
    if (!existsSync(file)) {
      throw new UsageError(
        `no network description at ${file}; bring the local network up or pass --network-description`,
      );
    }
    const facts = networkFacts(JSON.parse(readFileSync(file, 'utf8')));
    const networkId = args.options['network-id'];
    if (networkId !== undefined && networkId !== facts.networkId) {
      throw new UsageError(
        `--network-id ${networkId} is not this description's (${facts.networkId})`,
      );
    }
    const actingRef =
      args.globals.member ??
      (command.options.includes(MEMBER_ID) ? args.options['member-id'] : undefined);
    const acting = actingRef === undefined ? facts.members[0] : findMember(facts, actingRef);
    if (acting === undefined) {
      throw new UsageError(
        `no member ${JSON.stringify(actingRef)} in the description; members: ${facts.members.map((m) => `${m.name} (${m.id}, ${m.mspId})`).join(', ')}`,
      );
    }
    const open = new Sessions(file, args.globals.identity);
    sessions = open;
    const ctx: CliContext = {
      facts,
      actingMspId: acting.mspId,
      membership: (mspId) => open.client(mspId ?? acting.mspId),
      networkSh: async (shArgs) => {
        const env = { ...process.env, NETWORK_HOME: path.dirname(file) };
        try {
          const { stdout, stderr } = await run('bash', [NETWORK_SH, ...shArgs], { env });
          return stdout + stderr;
        } catch (e) {
          const failed = e as { stderr?: string; message: string };
          throw new Error(`network.sh ${shArgs.join(' ')}: ${failed.stderr ?? failed.message}`, {
            cause: e,
          });
        }
      },
    };
    out(render(await command.run(ctx, args.options), args.globals.output));
    return 0;
  } catch (e) {
    if (e instanceof UsageError) {
      err(`amb: ${e.message}\n`);
      return 2;
    }
    if (e instanceof ContractError) {
      err(`An error occurred (${e.chaincodeCode}): ${e.chaincodeMessage}\n`);
      return 1;
    }
    err(`amb: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  } finally {
    await sessions?.close();
  }
}

if (require.main === module) {
  void main(
    process.argv.slice(2),
    (t) => process.stdout.write(t),
    (t) => process.stderr.write(t),
  ).then((code) => {
    process.exitCode = code;
  });
}
