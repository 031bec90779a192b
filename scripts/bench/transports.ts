/**
 * `npm run bench:transports`: the library's legacy transport against its Gateway-service transport
 * (and, when installed, fabric-network 2.2, the legacy SDK an AMB user would otherwise pick) on the
 * same network, the same workload (kv `noop`, evaluated and submitted) and the same number of
 * calls in flight. Prints throughput, p50 and p99 of each and the ratios to the Gateway transport,
 * and writes bench/results/transports.json. Figures only; nothing here passes or fails.
 *
 * Environment: NETWORK_DESCRIPTION (set by scripts/bench-transports.sh, or any running local
 * network), BENCH_DURATION_MS (per run, default 10000), BENCH_CONCURRENCY (default 16),
 * BENCH_MEMBER (default Org1), BENCH_REPEATS (rounds, default 3), BENCH_CLIENTS (comma-separated
 * subset of gateway,legacy,fabric-network; default all three, or legacy,fabric-network when
 * NETWORK_PROFILE=amb).
 */
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { connection, signers, type NetworkConfig } from '@oracle-consortium/gateway';
import { runClosedLoop, Sequence, type Operation, type RunResult } from './load';

const REPO_DIR = path.resolve(__dirname, '..', '..');
const durationMs = Number(process.env.BENCH_DURATION_MS ?? 10000);
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 16);
const member = process.env.BENCH_MEMBER ?? 'Org1';
const repeats = Number(process.env.BENCH_REPEATS ?? 3);
// The network's profile (test-network/lib/profile.sh): on `amb` the peers have no Gateway service.
const profile = process.env.NETWORK_PROFILE ?? '2.5';
const wanted = (
  process.env.BENCH_CLIENTS ??
  (process.env.NETWORK_PROFILE === 'amb'
    ? 'legacy,fabric-network'
    : 'gateway,legacy,fabric-network')
)
  .split(',')
  .filter((s) => s !== '');

function log(msg: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
}

/** A client under test: evaluate and submit of the no-op transaction, and its teardown. */
interface Client {
  readonly name: string;
  readonly evaluate: Operation;
  readonly submit: Operation;
  close(): Promise<void> | void;
}

async function libraryClient(
  network: NetworkConfig,
  transport: 'gateway' | 'legacy',
): Promise<Client> {
  const files = network.identities.user1;
  if (files === undefined) throw new Error(`no user1 identity for ${network.mspId}`);
  const conn = connection.connect({
    network,
    identity: { certificate: readFileSync(files.certificatePath, 'utf8') },
    signer: await signers.newFileSigner({ path: files.privateKeyPath }),
    transport,
  });
  const call = { chaincode: 'kv', transaction: 'noop' };
  return {
    name: `library (${transport})`,
    evaluate: () => conn.evaluate(call),
    submit: () => conn.submit(call),
    close: () => {
      conn.close();
    },
  };
}

/** fabric-network 2.2 with its defaults (discovery on, PREFER_MSPID strategies). */
async function fabricNetworkClient(
  network: NetworkConfig,
  descriptionPath: string,
): Promise<Client> {
  // Loaded only here: a bench-only dependency that may be absent.
  const fabricNetwork = (await import('fabric-network')) as typeof import('fabric-network');
  const files = network.identities.user1;
  if (files === undefined) throw new Error(`no user1 identity for ${network.mspId}`);
  const desc = JSON.parse(readFileSync(descriptionPath, 'utf8')) as { TlsRootChainPath: string };
  const tls = readFileSync(desc.TlsRootChainPath, 'utf8');
  const peers = Object.fromEntries(
    network.peers.map((p) => [
      p.name,
      {
        url: `grpcs://${p.endpoint.address ?? p.endpoint.hostname}:${p.endpoint.port}`,
        tlsCACerts: { pem: tls },
        grpcOptions: { 'ssl-target-name-override': p.endpoint.hostname },
      },
    ]),
  );
  const profile = {
    name: 'bench',
    version: '1.0.0',
    client: { organization: network.mspId },
    organizations: { [network.mspId]: { mspid: network.mspId, peers: Object.keys(peers) } },
    peers,
  };
  const wallet = await fabricNetwork.Wallets.newInMemoryWallet();
  const identity: import('fabric-network').X509Identity = {
    type: 'X.509',
    mspId: network.mspId,
    credentials: {
      certificate: readFileSync(files.certificatePath, 'utf8'),
      privateKey: readFileSync(files.privateKeyPath, 'utf8'),
    },
  };
  await wallet.put('user1', identity);
  const gateway = new fabricNetwork.Gateway();
  await gateway.connect(profile, {
    wallet,
    identity: 'user1',
    discovery: { enabled: true, asLocalhost: false },
  });
  const contract = (await gateway.getNetwork(network.channelName)).getContract('kv');
  return {
    name: 'fabric-network 2.2',
    evaluate: () => contract.evaluateTransaction('noop'),
    submit: () => contract.submitTransaction('noop'),
    close: () => {
      gateway.disconnect();
    },
  };
}

function line(name: string, r: RunResult): string {
  return `${name.padEnd(34)} ${r.throughput.toFixed(1).padStart(8)} tx/s  p50 ${r.p50Ms
    .toFixed(0)
    .padStart(5)} ms  p99 ${r.p99Ms.toFixed(0).padStart(5)} ms  ${String(r.failed)} failed${
    r.firstError === undefined ? '' : ` (${r.firstError})`
  }`;
}

/** The median of some numbers (the mean of the middle two for an even count). */
function median(values: number[]): number {
  const v = [...values].sort((x, y) => x - y);
  const mid = Math.floor(v.length / 2);
  const at = (i: number): number => v[i] ?? Number.NaN;
  return v.length % 2 === 1 ? at(mid) : (at(mid - 1) + at(mid)) / 2;
}

interface Measured {
  round: number;
  client: string;
  workload: string;
  result: RunResult;
}

/**
 * Runs every client's evaluate and submit once per round, the clients in the listed order in
 * even rounds and reversed in odd ones, so neither gains from running first or last on a machine
 * whose load drifts. A client that cannot connect is reported and left out.
 */
async function measure(
  network: NetworkConfig,
  descriptionPath: string,
  seq: Sequence,
): Promise<Measured[]> {
  const results: Measured[] = [];
  for (let round = 0; round < repeats; round++) {
    const order = round % 2 === 0 ? wanted : [...wanted].reverse();
    for (const name of order) {
      let client: Client;
      try {
        client =
          name === 'fabric-network'
            ? await fabricNetworkClient(network, descriptionPath)
            : await libraryClient(network, name === 'legacy' ? 'legacy' : 'gateway');
      } catch (err) {
        log(`${name}: not measured: ${err instanceof Error ? err.message : String(err)}`);
        continue;
      }
      try {
        for (const [workload, op] of [
          ['evaluate', client.evaluate],
          ['submit', client.submit],
        ] as const) {
          const result = await runClosedLoop(op, seq, concurrency, durationMs, 2000);
          results.push({ round, client: client.name, workload, result });
          log(line(`round ${String(round + 1)} ${client.name} ${workload}`, result));
        }
      } finally {
        await client.close();
      }
    }
  }
  return results;
}

/**
 * Per round, the throughput of `client` over that of `baseline` for the workload; undefined
 * when either was not measured in that round.
 */
function ratios(results: Measured[], client: string, baseline: string, workload: string): number[] {
  const out: number[] = [];
  for (let round = 0; round < repeats; round++) {
    const find = (c: string) =>
      results.find((r) => r.round === round && r.client === c && r.workload === workload)?.result;
    const x = find(client);
    const b = find(baseline);
    if (x !== undefined && b !== undefined && b.throughput > 0) {
      out.push(x.throughput / b.throughput);
    }
  }
  return out;
}

async function main(): Promise<void> {
  const descriptionPath = process.env.NETWORK_DESCRIPTION;
  if (descriptionPath === undefined) throw new Error('NETWORK_DESCRIPTION is not set');
  const network = await connection.loadNetworkDescription({ path: descriptionPath, member });
  const results = await measure(network, descriptionPath, new Sequence());
  const lines = [
    `kv noop, ${String(concurrency)} calls in flight, ${String(durationMs / 1000)} s per run, ` +
      `${String(repeats)} alternating round(s), member ${member}, profile ${profile}`,
    ...results.map((r) => line(`round ${String(r.round + 1)} ${r.client} ${r.workload}`, r.result)),
  ];
  const pairs: [string, string, string][] = [
    ['library (legacy)', 'library (gateway)', 'legacy transport / Gateway transport'],
    ['fabric-network 2.2', 'library (gateway)', 'fabric-network 2.2 / Gateway transport'],
    ['library (legacy)', 'fabric-network 2.2', 'legacy transport / fabric-network 2.2'],
  ];
  const summary: { ratio: string; workload: string; rounds: number[]; median: number }[] = [];
  for (const [client, baseline, label] of pairs) {
    for (const workload of ['evaluate', 'submit']) {
      const rounds = ratios(results, client, baseline, workload);
      if (rounds.length === 0) continue;
      const m = median(rounds);
      summary.push({ ratio: label, workload, rounds, median: m });
      lines.push(
        `${label}, ${workload}: median x${m.toFixed(2)} (rounds ${rounds
          .map((r) => `x${r.toFixed(2)}`)
          .join(', ')})`,
      );
    }
  }
  process.stdout.write(`${lines.join('\n')}\n`);
  const out = path.join(REPO_DIR, 'bench', 'results');
  mkdirSync(out, { recursive: true });
  writeFileSync(
    path.join(out, `transports${profile === 'amb' ? '-amb' : ''}.json`),
    `${JSON.stringify(
      {
        date: new Date().toISOString(),
        profile,
        concurrency,
        durationMs,
        repeats,
        member,
        results,
        summary,
      },
      null,
      2,
    )}\n`,
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
