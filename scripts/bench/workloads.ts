/**
 * The project's workloads for the benchmark: oracle reports with 4, 16 and 31 oracles spread over
 * many feeds, and membership votes. They run through bare @hyperledger/fabric-gateway so that
 * they compare with the no-op baseline on the same client path.
 */
import {
  createHash,
  generateKeyPairSync,
  randomBytes,
  randomUUID,
  sign,
  X509Certificate,
  type KeyObject,
} from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Contract, Network } from '@hyperledger/fabric-gateway';
import {
  ca,
  connection,
  signers,
  type Connection,
  type NetworkConfig,
  type Signer,
} from '@oracle-consortium/gateway';
import { encodeReport, VOTE_RESULT_FIELD, type VoteResultForm } from '@oracle-consortium/protocol';
import { connectBare } from './fabric-client';
import type { Operation, Workload } from './load';
import type { BenchSettings } from './settings';

const CHAINCODE = 'consortium';
/** The kv chaincode's second definition, under MAJORITY (scripts/bench.sh deploys it). */
export const KV_MAJORITY = 'kvmajority';
/** The membership contract's own definition, endorsed by a majority of members (scripts/deploy-local.sh). */
const MEMBERSHIP_CHAINCODE = 'membership';

/** The error's message and every peer's message (fabric-gateway puts the chaincode's in details). */
export function errorText(err: unknown): string {
  const details = (err as { details?: { message?: string }[] }).details ?? [];
  return [
    err instanceof Error ? err.message : String(err),
    ...details.map((d) => d.message ?? ''),
  ].join(' | ');
}

/** A feed the benchmark reports to, with the last round it reported. */
export interface BenchFeed {
  feedId: string;
  configDigest: string;
  round: number;
}

/**
 * Feeds in use are checked out of a pool, so two reports for the same feed are never in flight at
 * once: rounds of one feed are ordered by design (each must be above the last), and the benchmark
 * measures reports spread over several feeds, which never conflict.
 */
export class FeedPool {
  readonly #free: BenchFeed[];
  constructor(feeds: BenchFeed[]) {
    this.#free = [...feeds];
  }
  /** A feed no other operation holds. */
  take(): BenchFeed {
    const f = this.#free.pop();
    if (f === undefined) throw new Error('more reports in flight than feeds');
    return f;
  }
  /** Returns a feed to the pool. */
  give(f: BenchFeed): void {
    this.#free.unshift(f);
  }
}

/** Runs `make(i)` for i < n, at most `batch` at a time; results in order. */
export async function allInBatches<T>(
  n: number,
  batch: number,
  make: (i: number) => Promise<T>,
): Promise<T[]> {
  const out: T[] = [];
  for (let start = 0; start < n; start += batch) {
    const part = await Promise.all(
      Array.from({ length: Math.min(batch, n - start) }, (_, k) => make(start + k)),
    );
    out.push(...part);
  }
  return out;
}

/** One oracle of a bench feed: its id, signing key and public key. */
export interface BenchOracle {
  id: string;
  privateKey: KeyObject;
  publicKey: string;
}

/** `n` fresh P-256 oracles. */
export function newOracles(n: number): BenchOracle[] {
  return Array.from({ length: n }, (_, i) => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    return {
      id: `o${String(i)}`,
      privateKey,
      publicKey: publicKey.export({ format: 'pem', type: 'spki' }).toString(),
    };
  });
}

/**
 * Creates feeds through the feeds contract, `batch` at a time, all reported by `oracles`.
 *
 * @returns each feed with its config digest and no round yet
 */
export async function createFeeds(
  admin: Contract,
  oracles: readonly BenchOracle[],
  feedIds: readonly string[],
  batch = 64,
): Promise<BenchFeed[]> {
  const f = Math.floor((oracles.length - 1) / 3);
  return allInBatches(feedIds.length, batch, async (i) => {
    const feedId = feedIds[i] ?? '';
    const created = JSON.parse(
      Buffer.from(
        await admin.submitTransaction(
          'createFeed',
          JSON.stringify({
            feedId,
            description: `bench feed ${String(i)}`,
            decimals: 8,
            oracles: oracles.map((k) => ({ id: k.id, publicKey: k.publicKey })),
            f,
            minAnswer: '1',
            maxAnswer: '1000000000000000',
            heartbeatSeconds: 3600,
            deviationThresholdPpb: 5_000_000,
          }),
        ),
      ).toString(),
    ) as { configDigest: string };
    return { feedId, configDigest: created.configDigest, round: 0 };
  });
}

/**
 * A report signer for a set of oracles: the signed report JSON of one round of one feed, every
 * oracle observing and the first `signerCount` signing (f+1 as an OCR2 transmission carries, and
 * as the project's oracle nodes send; the contract accepts any count from its minimum up). All
 * rounds carry one observation time (a little before now), which the contract accepts as long as
 * it never goes backwards.
 */
export function reportSigner(
  oracles: readonly BenchOracle[],
  signerCount = Math.floor((oracles.length - 1) / 3) + 1,
): (feed: BenchFeed, round: number) => string {
  const observedAt = Math.floor(Date.now() / 1000) - 1;
  return (feed, round) => {
    const body = {
      feedId: feed.feedId,
      roundId: String(round),
      observationsTimestamp: observedAt,
      configDigest: feed.configDigest,
      observations: oracles.map((_, k) => ({
        oracle: k,
        value: String(300_000_000_000 + ((round + k) % 97)),
      })),
    };
    const bytes = encodeReport(body);
    const signatures = oracles.slice(0, signerCount).map((k, idx) => ({
      oracle: idx,
      signature: sign('sha256', bytes, { key: k.privateKey, dsaEncoding: 'der' }).toString(
        'base64',
      ),
    }));
    return JSON.stringify({ ...body, signatures });
  };
}

/**
 * Reports signed ahead of their submission, as oracle nodes sign them off the submit path: up to
 * `ahead` rounds past each feed's last reported round. {@link PresignedReports.topUp} runs between
 * measured runs (the workload's refill), so a run that reports more rounds than were signed before
 * it does not make the benchmark's client sign inside a measured window.
 */
export class PresignedReports {
  readonly #sign: (feed: BenchFeed, round: number) => string;
  readonly #ahead: number;
  readonly #stock = new Map<string, Map<number, string>>();
  /** Reports signed inside an operation because none was ready (their CPU is in the figures). */
  signedOnDemand = 0;

  /**
   * @param sign - signs one round of one feed (see {@link reportSigner})
   * @param ahead - how many rounds past each feed's last reported one to keep signed, at least 1
   */
  constructor(sign: (feed: BenchFeed, round: number) => string, ahead: number) {
    if (!Number.isInteger(ahead) || ahead < 1) {
      throw new RangeError(`rounds signed ahead must be a positive integer, got ${String(ahead)}`);
    }
    this.#sign = sign;
    this.#ahead = ahead;
  }

  /**
   * When any feed has fewer than half of its `ahead` rounds left, signs every feed's rounds up to
   * `ahead` past its last reported round and forgets the rounds already reported; otherwise does
   * nothing, so calling it before every run costs nothing most of the time.
   *
   * @param feeds - the workload's feeds, with the rounds they reported
   * @returns how many reports it signed
   */
  topUp(feeds: readonly BenchFeed[]): number {
    if (!feeds.some((f) => this.#left(f) < this.#ahead / 2)) return 0;
    let signed = 0;
    for (const feed of feeds) {
      let stock = this.#stock.get(feed.feedId);
      if (stock === undefined) {
        stock = new Map();
        this.#stock.set(feed.feedId, stock);
      }
      for (const round of stock.keys()) if (round <= feed.round) stock.delete(round);
      for (let round = feed.round + 1; round <= feed.round + this.#ahead; round++) {
        if (!stock.has(round)) {
          stock.set(round, this.#sign(feed, round));
          signed++;
        }
      }
    }
    return signed;
  }

  /**
   * The signed report of a feed's round: the one signed ahead, or one signed now when none was
   * (counted in {@link PresignedReports.signedOnDemand}). A report whose submit failed stays
   * available for the retry of its round.
   *
   * @param feed - the feed
   * @param round - the round to report
   * @returns the report JSON
   */
  report(feed: BenchFeed, round: number): string {
    const ready = this.#stock.get(feed.feedId)?.get(round);
    if (ready !== undefined) return ready;
    this.signedOnDemand++;
    return this.#sign(feed, round);
  }

  /** The rounds signed ahead for a feed, consecutive from the one after its last reported. */
  #left(feed: BenchFeed): number {
    const stock = this.#stock.get(feed.feedId);
    let n = 0;
    while (stock?.has(feed.round + n + 1) === true) n++;
    return n;
  }
}

function reportWorkload(
  admin: Contract,
  oracleCount: number,
  feedCount: number,
  // A knee search, the latency run and five head-to-head runs can report more than 96 rounds of
  // each of 256 feeds (24,576 reports) on a fast spell of the machine: the run of 2026-12-05 ran out
  // in the 16-oracle report's fourth pair and its client signed the rest inside the windows. So the
  // stock is topped up between runs whenever a feed has fewer than half its rounds left, and no
  // oracle signs inside a measured window (reports signed on demand anyway are logged).
  presignedRounds: number,
): Workload {
  const name = `report-${String(oracleCount)}-oracles`;
  const f = Math.floor((oracleCount - 1) / 3);
  let feeds: BenchFeed[] = [];
  let stock: PresignedReports | undefined;
  return {
    name,
    description: `oracle report submits: ${String(oracleCount)} P-256 oracles (f=${String(f)}), all ${String(oracleCount)} observations and f+1 = ${String(f + 1)} signatures per report (as OCR2 transmits and the project's oracle nodes send) verified in chaincode, median stored, event emitted; spread over ${String(feedCount)} feeds, never two in flight for one feed; reports signed by the oracles before each run (up to ${String(presignedRounds)} rounds ahead per feed, topped up between runs)`,
    baseline: {
      name: 'noop-submit',
      target: oracleCount === 16 ? 0.75 : oracleCount === 31 ? 0.6 : undefined,
    },
    paired: 'own-knee',
    submit: true,
    setup: async () => {
      const keys = newOracles(oracleCount);
      const run = randomBytes(3).toString('hex');
      feeds = await createFeeds(
        admin,
        keys,
        Array.from(
          { length: feedCount },
          (_, i) => `bench-${run}-${String(oracleCount)}-${String(i)}`,
        ),
      );
      // Oracles sign reports off the submit path (each at its own node, in a real deployment), so
      // the reports are signed before the clock starts: the workload measures submitting them.
      const signed = new PresignedReports(reportSigner(keys), presignedRounds);
      signed.topUp(feeds);
      stock = signed;
      const pool = new FeedPool(feeds);
      const op: Operation = async () => {
        const feed = pool.take();
        try {
          const round = feed.round + 1;
          const before = signed.signedOnDemand;
          const report = signed.report(feed, round);
          if (before === 0 && signed.signedOnDemand === 1)
            process.stderr.write(
              `${name}: feed ${feed.feedId} ran out of reports signed ahead; later ones are signed on demand (client CPU in the figures)\n`,
            );
          await admin.submitTransaction('submitReport', report);
          feed.round = round;
        } finally {
          pool.give(feed);
        }
      };
      return op;
    },
    refill: () => {
      const signed = stock?.topUp(feeds) ?? 0;
      if (signed > 0)
        process.stderr.write(`${name}: oracles signed ${String(signed)} more reports ahead\n`);
      return Promise.resolve();
    },
  };
}

/**
 * What each bench invitation carries: the contract requires the invitee's MSP definition, and any
 * self-signed CA certificate serves (the invitee never joins); the network's TLS root is one.
 */
export function benchMspDefinition(mspId: string, caPem: string): Record<string, unknown> {
  return { mspId, rootCerts: [caPem], tlsRootCerts: [caPem], nodeOUs: true };
}

/**
 * Initialises the membership contract with the two founders (50% GREATER_THAN, 24 h proposals);
 * both founders' admins confirm it. A contract already initialised is left as it is.
 */
export async function initializeMembership(admin: Contract, org2Admin: Contract): Promise<void> {
  for (const founder of [admin, org2Admin]) {
    try {
      await founder.submitTransaction(
        'initialize',
        JSON.stringify({
          ThresholdPercentage: 50,
          ThresholdComparator: 'GREATER_THAN',
          ProposalDurationInHours: 24,
        }),
        JSON.stringify(['Org1MSP', 'Org2MSP']),
      );
    } catch (err) {
      if (!errorText(err).includes('[ALREADY_INITIALIZED]')) throw err;
    }
  }
}

/**
 * Creates `count` open proposals, each inviting an organisation that never joins, `batch` at a
 * time.
 *
 * @returns their proposal ids in order
 */
export async function createProposals(
  admin: Contract,
  count: number,
  caPem: string,
  batch = 100,
): Promise<string[]> {
  const run = randomBytes(3).toString('hex');
  return allInBatches(count, batch, async (i) => {
    const mspId = `Bench${run}${String(i)}MSP`;
    const p = JSON.parse(
      Buffer.from(
        await admin.submitTransaction(
          'createProposal',
          JSON.stringify({
            Invitations: [{ Principal: mspId, MspDefinition: benchMspDefinition(mspId, caPem) }],
          }),
          `bench proposal ${String(i)}`,
          `bench-${run}-${String(i)}`,
        ),
      ).toString(),
    ) as { proposalId: string };
    return p.proposalId;
  });
}

/**
 * Votes YES on a proposal no one has voted on yet, as the library votes: naming the votes its
 * client has seen (`votersCast`, here none), so the contract reads only those vote keys and
 * concurrent votes by other members cannot invalidate it. The library learns them with a
 * `listProposalVotes` read before the vote, and reads the proposal beside it so that the vote
 * asks for the tally only (`voteResult`); those reads are evaluates of their own and are not part
 * of what is measured. With `votersCast` false (BENCH_VOTE_VOTERS_CAST=0) none is sent and the
 * contract reads the proposal's vote range; with `result` `proposal` (BENCH_VOTE_RESULT=proposal)
 * the vote answers with the whole proposal, as it does for a client that does not ask.
 *
 * @param membership - the membership contract, as the voting member's admin
 * @param proposalId - the fresh proposal
 * @param votersCast - whether to name the votes seen
 * @param result - the answer the vote asks for
 */
export async function submitFreshVote(
  membership: Contract,
  proposalId: string,
  votersCast = true,
  result: VoteResultForm = 'tally',
): Promise<void> {
  await membership.submit('voteOnProposal', {
    arguments: [proposalId, 'YES'],
    transientData: {
      ...(votersCast ? { votersCast: '[]' } : {}),
      [VOTE_RESULT_FIELD]: result,
    },
  });
}

function voteWorkload(
  admin: Contract,
  org2Admin: Contract,
  proposals: number,
  caPem: string,
  result: VoteResultForm,
): Workload {
  const votersCast = process.env.BENCH_VOTE_VOTERS_CAST !== '0';
  const ids: string[] = [];
  let next = 0;
  return {
    name: 'membership-vote',
    description: `membership votes: Org1 votes YES on a fresh proposal (policy 50% GREATER_THAN of 2 members, so each vote leaves it open; endorsed by a peer of each member under MAJORITY); ${String(proposals)} proposals created beforehand, topped up between runs when fewer than half are left; ${votersCast ? "the vote names the votes its client has seen (none) as the library's does, so only its own vote key is read" : 'no votersCast, so the contract reads the vote range'}; ${result === 'tally' ? "the vote answers with the proposal's tally, as the library asks" : 'the vote answers with the whole proposal'}`,
    // The fair baseline: a no-op under the same MAJORITY policy needs one endorsement per member too.
    baseline: { name: 'noop-submit-majority', target: 0.8 },
    paired: 'own-knee',
    submit: true,
    setup: async () => {
      await initializeMembership(admin, org2Admin);
      ids.push(...(await createProposals(admin, proposals, caPem)));
      return async () => {
        const id = ids[next++];
        if (id === undefined) throw new Error('out of proposals');
        await submitFreshVote(admin, id, votersCast, result);
      };
    },
    // A faster machine votes more in a run than a slower one: before each run, fewer than half the
    // proposals left are topped up to the full count (one run votes a few thousand times at most),
    // so no measured window runs out (bench/results of d8248bf: the last two head-to-head runs did).
    refill: async () => {
      const left = ids.length - next;
      if (left >= proposals / 2) return;
      process.stderr.write(
        `membership-vote: ${String(left)} fresh proposals left; creating more\n`,
      );
      ids.push(...(await createProposals(admin, proposals - left, caPem)));
    },
  };
}

/** The gateway library on the same no-op workload as the bare-client baseline. */
function libraryWorkloads(network: NetworkConfig): Workload[] {
  let conn: Connection | undefined;
  const open = async (): Promise<Connection> => {
    if (conn !== undefined) return conn;
    const files = network.identities.user1;
    if (files === undefined) throw new Error('no user1 identity in the description');
    conn = connection.connect({
      network,
      identity: { certificate: readFileSync(files.certificatePath, 'utf8') },
      signer: await signers.newFileSigner({ path: files.privateKeyPath }),
    });
    return conn;
  };
  return [
    {
      name: 'lib-noop-submit',
      description:
        'the no-op submit through this gateway library (failover pool, commit-status check, typed errors) with the same file key',
      baseline: { name: 'noop-submit', target: 1.0 },
      paired: true,
      submit: true,
      setup: async () => {
        const c = await open();
        return async () => c.submit({ chaincode: 'kv', transaction: 'noop' });
      },
    },
    {
      name: 'lib-noop-evaluate',
      description: 'the no-op evaluate through this gateway library',
      baseline: { name: 'noop-evaluate', target: 1.0 },
      paired: true,
      setup: async () => {
        const c = await open();
        return async () => c.evaluate({ chaincode: 'kv', transaction: 'noop' });
      },
    },
  ];
}

/** Enrolls a new identity for `signer` through the member's CA, as an app does for a KMS/HSM key. */
async function enrollFor(
  network: NetworkConfig,
  signer: Signer,
  prefix: string,
  dir: string,
): Promise<string> {
  const caConfig = network.ca;
  if (caConfig?.registrar === undefined) throw new Error('no CA registrar in the description');
  const client = ca.newCaClient({
    url: caConfig.url,
    ...(caConfig.address === undefined ? {} : { address: caConfig.address }),
    tlsRootCerts: caConfig.tlsRootCerts,
  });
  const regSigner = await signers.generateFileKey({ path: join(dir, `${prefix}-registrar.pem`) });
  const reg = await client.enroll({
    enrollmentId: caConfig.registrar.enrollmentId,
    enrollmentSecret: caConfig.registrar.enrollmentSecret,
    signer: regSigner,
  });
  const id = `${prefix}-${randomUUID().slice(0, 8)}`;
  const secret = await client.register({
    registrar: { certificate: reg.certificate, signer: regSigner },
    enrollmentId: id,
    affiliation: '',
  });
  return (await client.enroll({ enrollmentId: id, enrollmentSecret: secret, signer })).certificate;
}

/** Raw signing rate and no-op submits for the file, KMS and HSM signers. */
function signerWorkloads(network: NetworkConfig): Workload[] {
  const dir = mkdtempSync(join(tmpdir(), 'bench-signers-'));
  const make: Record<string, () => Promise<Signer>> = {
    file: () => signers.generateFileKey({ path: join(dir, 'file.pem') }),
    kms: async () => {
      const kms = network.kms;
      if (kms === undefined) throw new Error('no KMS in the description');
      const opts = {
        region: kms.region,
        endpoint: kms.endpoint,
        credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      };
      return signers.newKmsSigner({ ...opts, keyId: await signers.createKmsKey(opts) });
    },
    hsm: () => {
      const hsm = network.hsm;
      if (hsm === undefined) throw new Error('no HSM token in the description');
      if (hsm.softHsm2Conf !== undefined) process.env.SOFTHSM2_CONF = hsm.softHsm2Conf;
      const ref = signers.generateHsmKey({
        library: hsm.library,
        tokenLabel: hsm.tokenLabel,
        pin: hsm.pin,
      });
      return Promise.resolve(
        signers.newHsmSigner({
          library: hsm.library,
          tokenLabel: hsm.tokenLabel,
          pin: hsm.pin,
          id: ref.id,
        }),
      );
    },
  };
  const cache = new Map<string, Promise<Signer>>();
  const signerOf = (kind: string): Promise<Signer> => {
    let s = cache.get(kind);
    if (s === undefined) {
      const factory = make[kind];
      if (factory === undefined) throw new Error(`no signer ${kind}`);
      s = factory();
      cache.set(kind, s);
    }
    return s;
  };
  const out: Workload[] = [];
  for (const kind of ['file', 'kms', 'hsm']) {
    out.push({
      name: `sign-${kind}`,
      description: `${kind} signer alone: sign a fresh SHA-256 digest (DER, low-S)${kind === 'file' ? '' : ', key never leaves the ' + kind.toUpperCase()}`,
      ...(kind === 'file' ? {} : { baseline: { name: 'sign-file' } }),
      inProcess: true,
      setup: async () => {
        const signer = await signerOf(kind);
        return async (i) => signer.sign(createHash('sha256').update(String(i)).digest());
      },
    });
  }
  for (const kind of ['kms', 'hsm']) {
    out.push({
      name: `${kind}-noop-submit`,
      description: `the no-op submit through this library signed by a ${kind.toUpperCase()}-held key enrolled with the member's CA (3 signatures per submit: proposal, transaction, commit-status request)`,
      baseline: { name: 'lib-noop-submit' },
      submit: true,
      setup: async () => {
        const signer = await signerOf(kind);
        const certificate = await enrollFor(network, signer, kind, dir);
        const c = connection.connect({ network, identity: { certificate }, signer });
        return async () => c.submit({ chaincode: 'kv', transaction: 'noop' });
      },
    });
  }
  return out;
}

/**
 * The self-signed CA certificate at the top of the member's first peer's TLS chain (the chain
 * may hold intermediates; the contract takes exactly one certificate per entry).
 */
export function firstPeerTlsRoot(network: NetworkConfig): string {
  const chain = network.peers[0]?.tlsRootCerts;
  if (chain === undefined) throw new Error(`no peer for ${network.mspId} in the description`);
  const blocks = chain.match(/-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/g) ?? [];
  const root = blocks.find((pem) => {
    const cert = new X509Certificate(pem);
    return cert.ca && cert.checkIssued(cert);
  });
  if (root === undefined)
    throw new Error(`no self-signed CA certificate in ${network.mspId}'s TLS chain`);
  return `${root}\n`;
}

/**
 * The baselines every ratio is taken against: the no-op submitted and evaluated through bare
 * fabric-gateway, and the no-op submitted under MAJORITY (the votes' baseline).
 *
 * @param channel - the channel, as seen by Org1's user connection
 */
export function baselineWorkloads(channel: Network): Workload[] {
  const kv = channel.getContract('kv');
  // The same no-op chaincode under a second definition with the channel's default policy
  // (MAJORITY): every submit needs an endorsement from each of the two members, as a vote does.
  const kvMajority = channel.getContract(KV_MAJORITY);
  return [
    {
      name: 'noop-submit',
      description:
        'baseline: a chaincode transaction that reads and writes nothing, submitted through bare @hyperledger/fabric-gateway and awaited until committed',
      submit: true,
      setup: () => Promise.resolve(async () => kv.submitTransaction('noop')),
    },
    {
      name: 'noop-evaluate',
      description:
        'baseline: the same no-op transaction evaluated (endorsement only, nothing ordered)',
      setup: () => Promise.resolve(async () => kv.evaluateTransaction('noop')),
    },
    {
      name: 'noop-submit-majority',
      description: `baseline for votes: the same no-op submitted to the ${KV_MAJORITY} definition, endorsed under the channel's MAJORITY policy (a peer of each of the two members), as the membership contract is`,
      submit: true,
      setup: () => Promise.resolve(async () => kvMajority.submitTransaction('noop')),
    },
  ];
}

/**
 * Workloads only `probe.ts` runs, for taking a workload's cost apart: `state-2r2w` reads two keys
 * and writes two 300-byte values through the no-op's chaincode (`kv` `touch`, no rule between), the
 * state access a report makes without the report. Every operation uses keys of its own, so none
 * invalidates another.
 *
 * @param channel - the channel, as seen by Org1's user connection
 */
export function probeWorkloads(channel: Network): Workload[] {
  const kv = channel.getContract('kv');
  const value = 'v'.repeat(300);
  const run = Date.now().toString(36);
  return [
    {
      name: 'state-2r2w',
      description: 'kv touch: two reads and two 300-byte writes, no logic, bare fabric-gateway',
      submit: true,
      setup: () =>
        Promise.resolve(async (i: number) => {
          const k = `probe-${run}-${String(i)}`;
          return kv.submitTransaction('touch', `${k}-r1`, `${k}-r2`, `${k}-w1`, `${k}-w2`, value);
        }),
    },
  ];
}

/**
 * Workloads beyond the baseline.
 *
 * @param descriptionPath - the bench network's description
 * @param settings - the bench settings they take (see `settings.ts`)
 * @returns the library, report, vote and signer workloads
 */
export async function extraWorkloads(
  descriptionPath: string,
  settings: Pick<BenchSettings, 'maxInFlight' | 'proposals' | 'presignedRounds' | 'voteResult'>,
): Promise<Workload[]> {
  const network = await connection.loadNetworkDescription({
    path: descriptionPath,
    member: 'Org1',
  });
  const org2Network = await connection.loadNetworkDescription({
    path: descriptionPath,
    member: 'Org2',
  });
  const channel = network.channelName;
  const org1 = connectBare(network, 'admin');
  const fabricNetwork = org1.gateway.getNetwork(channel);
  const feeds = fabricNetwork.getContract(CHAINCODE, 'feeds');
  const membership = fabricNetwork.getContract(MEMBERSHIP_CHAINCODE, 'membership');
  const org2Membership = connectBare(org2Network, 'admin')
    .gateway.getNetwork(channel)
    .getContract(MEMBERSHIP_CHAINCODE, 'membership');
  const { maxInFlight, proposals, presignedRounds, voteResult } = settings;
  return [
    ...libraryWorkloads(network),
    reportWorkload(feeds, 4, maxInFlight, presignedRounds),
    reportWorkload(feeds, 16, maxInFlight, presignedRounds),
    reportWorkload(feeds, 31, maxInFlight, presignedRounds),
    voteWorkload(
      membership,
      org2Membership,
      // The knee search, latency run and five head-to-head runs vote about 11,000 times at 95 votes/s.
      proposals,
      firstPeerTlsRoot(network),
      voteResult,
    ),
    ...signerWorkloads(network),
  ];
}
