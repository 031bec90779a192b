/**
 * `npm run chaos`: a load through the gateway library, as a client of Org1, against the kv
 * chaincode, with faults injected on a schedule (peers, orderers and chaincode servers killed and
 * restarted, paused and resumed), then a verification from the ledger: every block scanned, every
 * key read back. Writes report.json, report.md and timeline.svg; exits 1 on any loss, duplicate or
 * phantom. Run through scripts/chaos.sh, which brings up the network (NETWORK_DESCRIPTION).
 */
import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import { clients, connection, type Connection } from '@oracle-consortium/gateway';
import { describedIdentity } from '../lib/described-identity';
import {
  buildSchedule,
  inject,
  NodeControl,
  withNewLeaders,
  type InjectedFault,
  type LeaderSample,
} from './faults';
import { decodeBlock, type LedgerTx } from './ledger';
import { runLoad, type OpRecord } from './load';
import { parseOptions, USAGE } from './options';
import { buildReport, toMarkdown, writeReport } from './report';
import { committedRate } from './timeline';
import { verify } from './verify';

const REPO_DIR = path.resolve(__dirname, '..', '..');
const CHAINCODE = 'kv';

function log(msg: string): void {
  process.stderr.write(`[chaos ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
}

const sleep = (ms: number) =>
  new Promise<void>((resolve) => {
    setTimeout(resolve, Math.max(0, ms));
  });

/** Retries a read a few times: the network is being repaired around it. */
async function retry<T>(what: string, f: () => Promise<T>, attempts = 10): Promise<T> {
  for (let k = 1; ; k++) {
    try {
      return await f();
    } catch (err) {
      if (k >= attempts) throw err;
      log(
        `${what} failed (${err instanceof Error ? (err.message.split('\n')[0] ?? '') : String(err)}); retrying`,
      );
      await sleep(1000 * k);
    }
  }
}

async function chainHeight(conn: Connection): Promise<number> {
  return Number(await clients.ledgerHeight(conn));
}

/** Scans every block of the channel through qscc and decodes its transactions. */
async function scanLedger(conn: Connection, height: number): Promise<LedgerTx[]> {
  const txs: LedgerTx[] = [];
  for (let n = 0; n < height; n++) {
    const bytes = await retry(`GetBlockByNumber ${String(n)}`, () =>
      conn.evaluate({
        chaincode: 'qscc',
        transaction: 'GetBlockByNumber',
        arguments: [conn.channelName, String(n)],
      }),
    );
    txs.push(...decodeBlock(bytes).transactions);
  }
  return txs;
}

/** Reads every operation's key back: its value, or null when the chaincode says NOT_FOUND. */
async function readBack(
  conn: Connection,
  keys: readonly string[],
): Promise<Map<string, string | null>> {
  const out = new Map<string, string | null>();
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let i = next++; i < keys.length; i = next++) {
      const key = keys[i] ?? '';
      const value = await retry(`reading ${key}`, async () => {
        try {
          const bytes = await conn.evaluate({
            chaincode: CHAINCODE,
            transaction: 'get',
            arguments: [key],
          });
          return Buffer.from(bytes).toString('utf8');
        } catch (err) {
          if ((err as { chaincodeCode?: unknown }).chaincodeCode === 'NOT_FOUND') return null;
          throw err;
        }
      });
      out.set(key, value);
    }
  };
  await Promise.all(Array.from({ length: 32 }, () => worker()));
  return out;
}

/** Waits until the peer holds every block the client was told about and no new block arrives. */
async function settledHeight(conn: Connection, minHeight: number): Promise<number> {
  let last = -1;
  let stableSince = Date.now();
  const deadline = Date.now() + 120_000;
  for (;;) {
    const h = await retry('GetChainInfo', () => chainHeight(conn));
    if (h !== last) {
      last = h;
      stableSince = Date.now();
    }
    if (h >= minHeight && Date.now() - stableSince >= 3000) return h;
    if (Date.now() > deadline) {
      throw new Error(
        `the peer's height stays at ${String(h)}, below the ${String(minHeight)} the client was told about`,
      );
    }
    await sleep(500);
  }
}

/** Brings back any node a failed repair left stopped or paused, so the ledger can be read. */
async function repairAll(control: NodeControl): Promise<string[]> {
  const repaired: string[] = [];
  for (const node of await control.status()) {
    if (node.kind === 'kms' || node.name.startsWith('ca-')) continue;
    if (node.state === 'paused') {
      await control.run('resume', node.name);
      repaired.push(`${node.name} (resumed)`);
    } else if (node.state === 'stopped') {
      await control.run('start', node.name);
      repaired.push(`${node.name} (started)`);
    }
  }
  return repaired;
}

async function main(): Promise<number> {
  const options = parseOptions(process.argv.slice(2), REPO_DIR);
  if (options === 'help') {
    process.stdout.write(USAGE);
    return 0;
  }
  const { minOps, rate, concurrency, windowMs, kinds, gapS, maxWaitS, warmupS, holdS, peer } =
    options;
  const schedule = buildSchedule({ kinds, warmupS, holdS, gapS, maxWaitS });
  const descriptionPath = process.env.NETWORK_DESCRIPTION;
  if (descriptionPath === undefined || descriptionPath === '') {
    throw new Error(
      'NETWORK_DESCRIPTION is not set; run through `npm run chaos` (scripts/chaos.sh)',
    );
  }
  const runId = randomBytes(4).toString('hex');

  const network = await connection.loadNetworkDescription({
    path: descriptionPath,
    member: 'Org1',
  });
  const user = await describedIdentity(network, 'user1');
  const conn = connection.connect({
    network,
    identity: { certificate: user.certificate },
    signer: user.signer,
  });
  const control = new NodeControl(REPO_DIR, process.env);
  // Node names by listening port, to name the peer the client prefers at each fault.
  const peerByPort = new Map(
    (await control.status()).filter((n) => n.kind === 'peer').map((n) => [n.port, n.name]),
  );
  const preferredPeer = (): string => {
    const endpoint = conn.peers()[0]?.endpoint ?? '';
    return peerByPort.get(Number(endpoint.slice(endpoint.lastIndexOf(':') + 1))) ?? 'peer1-org1';
  };
  try {
    // The kv chaincode answers before the clock starts, so the warm-up measures the load, not a
    // chaincode server still starting.
    await retry(
      'a first kv put',
      () =>
        conn.submit({
          chaincode: CHAINCODE,
          transaction: 'put',
          arguments: [`chaos-warm-${runId}`, '{}'],
        }),
      30,
    );
    log(
      `run ${runId}: at least ${String(minOps)} operations at ${String(rate)}/s, ${String(concurrency)} in flight; faults ${kinds.join(', ')}; at most ${schedule.longestS.toFixed(0)} s of schedule`,
    );
    const t0 = performance.now();
    const startedAt = new Date().toISOString();
    const nowMs = () => performance.now() - t0;
    const nowS = () => nowMs() / 1000;

    const settled: OpRecord[] = [];
    // Start times of the operations in flight, so the schedule can wait for a fault's stragglers.
    const inFlight = new Map<number, number>();
    let submits = 0;
    let loadEndMs: number | undefined;
    const leaderChanges: LeaderSample[] = [];
    const monitoring = { on: true };
    const monitor = (async () => {
      let last: string | null | undefined;
      while (monitoring.on) {
        const leader = await control.leader(conn.channelName);
        if (leader !== last) {
          leaderChanges.push({ atS: nowS(), leader });
          last = leader;
        }
        await sleep(500);
      }
    })();
    const progress = setInterval(() => {
      const c = settled.filter((o) => o.outcome.kind === 'committed').length;
      log(
        `t=${nowS().toFixed(0)} s: ${String(settled.length)} settled (${String(c)} committed, ${String(settled.length - c)} not), ${String(inFlight.size)} in flight, last 5 s ${committedRate(settled, nowMs() - 5000, nowMs()).toFixed(1)} tx/s`,
      );
    }, 10_000);

    let scheduleDone = false;
    const injected: InjectedFault[] = [];
    const faultsRun = (async () => {
      await sleep(warmupS * 1000);
      for (const fault of schedule.faults) {
        const before = nowMs();
        const baseline = committedRate(settled, before - 10_000, before);
        const result = await inject(fault, {
          control,
          channel: conn.channelName,
          peer: () => peer ?? preferredPeer(),
          chaincode: CHAINCODE,
          nowS,
          log,
        });
        injected.push(result);
        await sleep(gapS * 1000);
        // Then wait, up to maxWaitS, until throughput is back at half the pre-fault rate and no
        // operation begun before the repair is still waiting, so the next fault meets a settled
        // system and each fault's figures are its own.
        const repairedMs = (result.repairedAtS ?? nowS()) * 1000;
        const waitEnd = nowMs() + maxWaitS * 1000;
        const settledDown = () =>
          committedRate(settled, nowMs() - 3000, nowMs()) >= baseline * 0.5 &&
          [...inFlight.values()].every((start) => start >= repairedMs);
        let waited = false;
        while (nowMs() < waitEnd && !settledDown()) {
          waited = true;
          await sleep(500);
        }
        if (!settledDown()) {
          log(`fault ${fault.kind}: not settled ${String(maxWaitS)} s after its gap; going on`);
        } else if (waited) {
          // The next fault's baseline is the 10 s before it: let them be 10 s of a settled load.
          await sleep(10_000);
        }
      }
      scheduleDone = true;
    })();

    const ops = await runLoad({
      runId,
      rate,
      concurrency,
      minOps,
      keepGoing: () => !scheduleDone,
      submit: async (key, value) => {
        const n = submits++;
        inFlight.set(n, nowMs());
        try {
          return await conn.submit({
            chaincode: CHAINCODE,
            transaction: 'put',
            arguments: [key, value],
          });
        } finally {
          inFlight.delete(n);
        }
      },
      now: nowMs,
      onSettled: (op) => settled.push(op),
      onStopped: () => {
        loadEndMs = nowMs();
      },
    });
    await faultsRun;
    const durationMs = nowMs();
    monitoring.on = false;
    // The monitor's probes have their own deadline; this one only keeps a hung probe from
    // holding the verification.
    await Promise.race([monitor, sleep(3000)]);
    clearInterval(progress);
    log(`load done: ${String(ops.length)} operations in ${(durationMs / 1000).toFixed(1)} s`);

    const verifyStart = performance.now();
    if (injected.length > 0) {
      const repaired = await repairAll(control);
      if (repaired.length > 0) log(`brought back before verifying: ${repaired.join(', ')}`);
    }
    const reported = ops.map((o) => (o.outcome.kind === 'committed' ? o.outcome.blockNumber : 0));
    const height = await settledHeight(conn, Math.max(0, ...reported) + 1);
    log(`scanning ${String(height)} blocks and reading ${String(ops.length)} keys back`);
    const transactions = await scanLedger(conn, height);
    const readValues = await readBack(
      conn,
      ops.map((o) => o.key),
    );
    const verification = verify({
      runId,
      namespace: CHAINCODE,
      ops,
      transactions,
      readBack: readValues,
    });
    const verifyMs = performance.now() - verifyStart;
    const report = buildReport({
      runId,
      startedAt,
      durationMs,
      loadEndMs: loadEndMs ?? durationMs,
      verifyMs,
      settings: {
        profile: options.profile,
        minOps,
        rate,
        concurrency,
        warmupS,
        holdS,
        gapS,
        maxWaitS,
        windowMs,
        peer: peer ?? "the client's preferred Org1 peer at each fault",
        chaincode: CHAINCODE,
        client: 'gateway library, Org1 user1, file signer',
        network: process.env.NETWORK_NAME ?? '',
        batchTimeout: process.env.BATCH_TIMEOUT ?? '0.5s',
      },
      ops,
      verification,
      faults: withNewLeaders(injected, leaderChanges),
      leaderChanges,
      windowMs,
    });
    const files = writeReport(options.outDir, report);
    process.stdout.write(toMarkdown(report));
    log(`wrote ${files.join(', ')}`);
    log(
      `run took ${(durationMs / 1000).toFixed(0)} s of load and faults and ${(verifyMs / 1000).toFixed(0)} s of verification: ${report.passed ? 'PASSED' : 'FAILED'}`,
    );
    return report.passed ? 0 : 1;
  } finally {
    conn.close();
  }
}

main().then(
  (code) => {
    process.exit(code);
  },
  (err: unknown) => {
    process.stderr.write(
      `chaos: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
    process.exit(2);
  },
);
