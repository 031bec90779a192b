/**
 * `npm run agent -- --member <Org> [--description <file>] [--once]`: a member's governance agent
 * (issue 13). It acts with the member's admin identity, scans the approved channel changes, and does
 * the member's part of each: posts the config update, signs it, submits it once READY and records
 * the new config sequence; then it moves the chaincode definitions whose policies are over every
 * member to the current members (approving for its own organisation, committing once a majority
 * approved). `--once` runs one pass and exits (for tests and demos); otherwise it
 * follows the membership events until interrupted.
 *
 * The admin identity is the description's `admin` of the member (a key file), or one from a file
 * identity store (`--identity-store <dir> --identity <name>`) whose key may be in the KMS or HSM.
 * Prints one JSON line per step on stdout; exits 1 when a pass had a failed step (with `--once`).
 */
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import {
  ca,
  clients,
  connection,
  governance,
  orderer,
  type NetworkConfig,
  type Signer,
} from '@oracle-consortium/gateway';
import { describedIdentity } from './lib/described-identity';
import { localConfigtxlator } from './lib/fabric-tools';

const USAGE = `Usage: npm run agent -- --member <Org> [options]

Carries out the approved channel changes for one member: builds the config update with
configtxlator, posts it and the member admin's signature on the chain, submits it to the
orderers once enough members signed, and records the new config sequence. Then makes the
chaincode definitions follow the members: a policy that is an OR over every member is rewritten
over the current ones (sequence + 1), approved for this member and committed once a majority
approved; any other policy is kept, and the step line says why.

Options:
  --member <name>          member name, id or MSP id (required)
  --description <file>     network description; $NETWORK_DESCRIPTION, else the local network's
  --once                   one pass over the pending changes, then exit (1 if a step failed)
  --identity-store <dir>   a file identity store holding the admin identity (KMS/HSM keys)
  --identity <name>        the identity's name in that store (default: admin)
  --configtxlator <path>   configtxlator binary; $CONFIGTXLATOR, else the local network's build
  --checkpoint <file>      event checkpoint (default: <network home>/agent-<member>.checkpoint.json)
  --poll <seconds>         rescan interval without events (default: 30)
  --help                   this text
`;

function defaultDescription(): string {
  const fromEnv = process.env.NETWORK_DESCRIPTION;
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  const home =
    process.env.NETWORK_HOME ??
    join(resolve(__dirname, '..'), '.network', process.env.NETWORK_NAME ?? 'local');
  return join(home, 'network.json');
}

async function adminIdentity(
  network: NetworkConfig,
  storeDir: string | undefined,
  name: string,
): Promise<{ mspId: string; certificate: string; signer: Signer }> {
  if (storeDir !== undefined) {
    return ca.openStoredIdentity({ directory: storeDir, name, network });
  }
  return describedIdentity(network, name);
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      member: { type: 'string' },
      description: { type: 'string' },
      once: { type: 'boolean', default: false },
      'identity-store': { type: 'string' },
      identity: { type: 'string', default: 'admin' },
      configtxlator: { type: 'string' },
      checkpoint: { type: 'string' },
      poll: { type: 'string', default: '30' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (values.member === undefined) {
    process.stderr.write(`error: --member is required\n\n${USAGE}`);
    return 2;
  }
  const pollSeconds = Number(values.poll);
  if (!Number.isFinite(pollSeconds) || pollSeconds <= 0) {
    process.stderr.write(
      `error: --poll must be a positive number of seconds, got ${values.poll}\n`,
    );
    return 2;
  }
  const descriptionPath = values.description ?? defaultDescription();
  const network = await connection.loadNetworkDescription({
    path: descriptionPath,
    member: values.member,
  });
  const admin = await adminIdentity(network, values['identity-store'], values.identity);
  const conn = connection.connect({
    network,
    identity: { certificate: admin.certificate },
    signer: admin.signer,
  });
  const agent = governance.newGovernanceAgent({
    membership: clients.newMembershipClient({ connection: conn }),
    admin,
    connection: conn,
    orderers: await orderer.loadOrderers({ path: descriptionPath }),
    configtxlator: governance.newConfigtxlator({
      path: values.configtxlator ?? localConfigtxlator(),
    }),
    checkpointPath:
      values.checkpoint ??
      join(resolve(descriptionPath, '..'), `agent-${network.mspId}.checkpoint.json`),
    pollIntervalMs: pollSeconds * 1000,
    // One JSON line a step, fields from the library's record of it (governance/step-format.ts).
    onStep: (step) => {
      console.log(JSON.stringify(governance.agentStepRecord(step)));
    },
    onDefinitionStep: (step) => {
      console.log(JSON.stringify(governance.definitionStepRecord(step)));
    },
    onDecision: (decision) => {
      console.log(JSON.stringify(governance.decisionRecord(decision)));
    },
  });
  try {
    if (values.once) {
      const pass = await agent.runOnce();
      process.stderr.write(
        `${network.mspId}: ${pass.decisions.length} decision(s) recorded, ${pass.pending} pending change(s), ${pass.steps.length} step(s), ${pass.definitions.length} definition step(s)\n`,
      );
      return [...pass.decisions, ...pass.steps, ...pass.definitions].some(
        (s) => s.outcome === 'failed',
      )
        ? 1
        : 0;
    }
    const stop = () => {
      agent.stop();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    process.stderr.write(`${network.mspId}: governance agent running; Ctrl-C stops it\n`);
    await agent.run((err) => {
      process.stderr.write(`pass failed: ${err instanceof Error ? err.message : String(err)}\n`);
    });
    return 0;
  } finally {
    conn.close();
    await admin.signer.close();
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`error: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
