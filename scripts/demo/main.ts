/**
 * The end-to-end story `npm run demo` tells, on the local network scripts/demo.sh brought up:
 * a data provider whose key lives in the local KMS is enrolled with its member's CA, creates a
 * price feed, and a small reporter submits rounds signed by several oracles from a Chainlink-style
 * external adapter; a consumer of the other member follows the rounds and reads the latest answer;
 * a premium value reaches a subscribed member only; the members vote a third member in, their
 * agents add it to the channel and it joins and votes (scripts/demo/governance.ts).
 *
 * Over 400 lines on purpose: the file is the story, step by step in the order the demo prints it;
 * its helpers (format.ts, adapter.ts) live beside it.
 */
import { generateKeyPairSync, randomBytes, randomUUID, type KeyObject } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import {
  ca,
  clients,
  connection,
  reports,
  signers,
  ContractError,
  type Connection,
  type NetworkConfig,
  type Signer,
} from '@oracle-consortium/gateway';
import { describedIdentity } from '../lib/described-identity';
import { observe, scale, startAdapter } from './adapter';
import { caughtUp, inviteAndJoinOrg3, voteWithThree, type MemberAdmin } from './governance';
import { formatAge, formatElapsed, formatFixedPoint, formatUnixTime } from './format';

const CHAINCODE = 'consortium';
/** The membership contract's own definition, endorsed by a majority of members (scripts/deploy-local.sh). */
const MEMBERSHIP_CHAINCODE = 'membership';
/** When `npm run demo` started (scripts/demo.sh exports it), so every step time shares one clock. */
const started = Number(process.env.DEMO_STARTED_MS ?? '') || Date.now();

function step(n: number | string, text: string): void {
  process.stdout.write(`\n${formatElapsed(started, Date.now())} ${String(n)}. ${text}\n`);
}
function info(text: string): void {
  process.stdout.write(`         ${text}\n`);
}

/** The first Node major the AWS SDK for JavaScript v3 will require (its NodeVersionSupportWarning). */
const AWS_SDK_NEXT_NODE_MAJOR = 22;

/**
 * The KMS client of the AWS SDK warns, on its first use, that its releases after January 2027
 * need Node 22, as a multi-line process warning that lands in the middle of the demo's output.
 * The notice is worth reading once, so the demo says it here, where the prerequisites are told,
 * and turns off that one warning through the SDK's own switch; every other warning still shows.
 */
function announceNodeSupport(): void {
  const major = Number(process.versions.node.split('.')[0]);
  if (major >= AWS_SDK_NEXT_NODE_MAJOR) return;
  info(
    `note: Node ${process.version}; the AWS SDK for JavaScript v3 (KMS signer) needs Node >= ${String(AWS_SDK_NEXT_NODE_MAJOR)} for its releases after the first week of January 2027`,
  );
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
}

function connectAs(
  network: NetworkConfig,
  id: { certificate: string; signer: Signer },
): Connection {
  return connection.connect({
    network,
    identity: { certificate: id.certificate },
    signer: id.signer,
  });
}

async function main(): Promise<void> {
  const descriptionPath = process.env.NETWORK_DESCRIPTION;
  if (descriptionPath === undefined)
    throw new Error('NETWORK_DESCRIPTION is not set; run `npm run demo`');
  const run = randomBytes(3).toString('hex');
  const walletDir = path.join(path.dirname(descriptionPath), 'demo-wallet');
  mkdirSync(walletDir, { recursive: true });
  const org1 = await connection.loadNetworkDescription({ path: descriptionPath, member: 'Org1' });
  const org2 = await connection.loadNetworkDescription({ path: descriptionPath, member: 'Org2' });
  const open: Connection[] = [];
  const track = (c: Connection): Connection => {
    open.push(c);
    return c;
  };

  try {
    // 2. A data provider whose signing key is created in the KMS and never leaves it.
    step(2, 'Enrolling a data provider of Org1 whose key is created in the local KMS');
    announceNodeSupport();
    const kms = org1.kms;
    if (kms === undefined) throw new Error('the network description has no KMS endpoint');
    const kmsOptions = {
      region: kms.region,
      endpoint: kms.endpoint,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    };
    const keyId = await signers.createKmsKey(kmsOptions);
    const providerSigner = signers.newKmsSigner({ ...kmsOptions, keyId });
    const caConfig = org1.ca;
    if (caConfig?.registrar === undefined)
      throw new Error('the network description has no CA registrar');
    const caClient = ca.newCaClient({
      url: caConfig.url,
      ...(caConfig.address === undefined ? {} : { address: caConfig.address }),
      tlsRootCerts: caConfig.tlsRootCerts,
    });
    const registrarSigner = await signers.generateFileKey({
      path: path.join(walletDir, `registrar-${run}.pem`),
    });
    const registrar = {
      certificate: (
        await caClient.enroll({
          enrollmentId: caConfig.registrar.enrollmentId,
          enrollmentSecret: caConfig.registrar.enrollmentSecret,
          signer: registrarSigner,
        })
      ).certificate,
      signer: registrarSigner,
    };
    const providerId = `provider-${run}`;
    const secret = await caClient.register({
      registrar,
      enrollmentId: providerId,
      affiliation: '',
      attributes: [{ name: 'feeds.admin', value: 'true', ecert: true }],
    });
    const providerCert = (
      await caClient.enroll({
        enrollmentId: providerId,
        enrollmentSecret: secret,
        signer: providerSigner,
      })
    ).certificate;
    const store = ca.newFileIdentityStore({ directory: walletDir });
    await store.put({
      name: providerId,
      mspId: org1.mspId,
      certificate: providerCert,
      key: providerSigner.keyReference,
    });
    info(`KMS key ${keyId}; certificate for ${providerId} issued by ${caConfig.url}`);
    info(`identity stored in ${walletDir} as a certificate and a key reference (no private key)`);
    const provider = track(connectAs(org1, { certificate: providerCert, signer: providerSigner }));
    const providerFeeds = clients.newFeedsClient({
      connection: provider,
      chaincodeName: CHAINCODE,
    });

    // 3. A price feed with several oracle keys, and a reporter fed by an external adapter.
    step(
      3,
      'Creating the ETH / USD feed with 4 oracles (f = 1) and reporting rounds from an external adapter',
    );
    const oracles: { id: string; key: KeyObject; pem: string }[] = Array.from(
      { length: 4 },
      (_, i) => {
        const { privateKey, publicKey } =
          i % 2 === 0
            ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
            : generateKeyPairSync('ed25519');
        return {
          id: `oracle-${String(i)}`,
          key: privateKey,
          pem: publicKey.export({ format: 'pem', type: 'spki' }).toString(),
        };
      },
    );
    const feedId = `eth-usd-${run}`;
    const decimals = 8;
    const usd = (answer: string): string => `${formatFixedPoint(answer, decimals)} USD`;
    const feed = (
      await providerFeeds.createFeed({
        feedId,
        description: 'ETH / USD',
        decimals,
        oracles: oracles.map((o) => ({ id: o.id, publicKey: o.pem })),
        f: 1,
        minAnswer: scale(100, decimals),
        maxAnswer: scale(100000, decimals),
        heartbeatSeconds: 3600,
        deviationThresholdPpb: 5_000_000,
      })
    ).value;
    info(
      `feed ${feed.feedId} created by ${org1.mspId}, config digest ${feed.configDigest.slice(0, 16)}…`,
    );
    // Every oracle signs the same canonical bytes of one round, as an OCR quorum does.
    const signedRound = (roundId: string, observations: { oracle: number; value: string }[]) =>
      reports.buildReport(
        {
          feedId,
          roundId,
          observationsTimestamp: Math.floor(Date.now() / 1000) - 1,
          configDigest: feed.configDigest,
          observations,
        },
        oracles.map((o, i) => ({ oracle: i, key: o.key })),
      );

    // 4. A consumer of the other member follows the rounds as they commit.
    const org2User = await describedIdentity(org2, 'user1');
    const consumer = track(connectAs(org2, org2User));
    const consumerFeeds = clients.newFeedsClient({
      connection: consumer,
      chaincodeName: CHAINCODE,
    });
    const received: { roundId: string; answer: string }[] = [];
    const events = clients.newRoundEventStream({
      connection: consumer,
      chaincodeName: CHAINCODE,
      feedId,
      checkpointPath: path.join(walletDir, `org2-consumer-${run}.checkpoint.json`),
    });
    const consuming = (async () => {
      for await (const e of events) {
        received.push({ roundId: e.payload.roundId, answer: e.payload.answer });
        info(
          `Org2 consumer received RoundReported: round ${e.payload.roundId}, answer ${usd(e.payload.answer)} (block ${String(e.blockNumber)})`,
        );
      }
    })();

    const adapter = await startAdapter();
    const answers: string[] = [];
    /** Every round committed, as the summary lists them. */
    const committed: { roundId: string; answer: string; what: string }[] = [];
    const rounds = 5;
    /** The block of the provider's last write, which the consumer's peer may commit later. */
    let lastBlock = 0n;
    try {
      for (let round = 1; round <= rounds; round++) {
        const observations = await Promise.all(
          oracles.map(async (_, i) => ({
            oracle: i,
            value: scale(await observe(adapter.url, randomUUID(), 'ETH', 'USD', i), decimals),
          })),
        );
        const report = await signedRound(String(round), observations);
        const result = await providerFeeds.submitReport(report);
        lastBlock = result.blockNumber;
        answers.push(result.value.answer);
        committed.push({ roundId: String(round), answer: result.value.answer, what: 'adapter' });
        info(
          `round ${String(round)}: observations ${observations.map((o) => formatFixedPoint(o.value, decimals)).join(', ')} -> median ${usd(result.value.answer)} (tx ${result.transactionId.slice(0, 12)}…, block ${String(result.blockNumber)})`,
        );
      }
    } finally {
      await adapter.close();
    }

    step(4, 'Org2 consumer reads latestRoundData');
    // The provider's submits returned once Org1's peer committed them; Org2 reads its own peer,
    // which commits the same blocks a moment later.
    await clients.untilCommitted(consumer, lastBlock);
    const latest = await consumerFeeds.latestRoundData(feedId);
    const now = Date.now();
    info(
      `latestRoundData(${feedId}) = { roundId: ${latest.roundId}, answer: ${latest.answer} (= ${usd(latest.answer)}), startedAt: ${formatUnixTime(latest.startedAt)} (${formatAge(latest.startedAt, now)}), updatedAt: ${formatUnixTime(latest.updatedAt)} (${formatAge(latest.updatedAt, now)}) }`,
    );

    // 5. Premium data: only a subscribed member reads it.
    step(
      5,
      'Premium data: Org2 subscribes, receives a premium value privately; after revocation it is refused',
    );
    const granted = await providerFeeds.grantSubscription(feedId, org2.mspId);
    // Org2's peers endorse the premium report (it writes Org2's collection): they need the grant.
    await clients.untilCommitted(consumer, granted.blockNumber);
    const premiumRound = String(rounds + 1);
    const premiumValue = {
      observations: answers,
      note: `every observation of round ${premiumRound}`,
      run,
    };
    const premiumReport = await signedRound(
      premiumRound,
      oracles.map((_, i) => ({ oracle: i, value: latest.answer })),
    );
    const withPremium = await providerFeeds.submitReport(premiumReport, { value: premiumValue });
    committed.push({
      roundId: premiumRound,
      answer: withPremium.value.answer,
      what: 'premium value for subscribers',
    });
    info(
      `round ${premiumRound} carries a premium value; the public ledger holds only its hash ${withPremium.premium?.premiumHash.slice(0, 16) ?? '?'}…`,
    );
    await clients.untilCommitted(consumer, withPremium.blockNumber);
    const premium = await consumerFeeds.getPremium(feedId, premiumRound);
    info(`Org2 (subscribed) reads it through its own peer: ${JSON.stringify(premium.value)}`);
    await providerFeeds.revokeSubscription(feedId, org2.mspId);
    const lockedRound = String(rounds + 2);
    const lockedReport = await signedRound(
      lockedRound,
      oracles.map((_, i) => ({ oracle: i, value: latest.answer })),
    );
    const locked = await providerFeeds.submitReport(lockedReport, {
      value: { secret: 'for subscribers only', run },
    });
    committed.push({
      roundId: lockedRound,
      answer: locked.value.answer,
      what: 'premium value after revocation',
    });
    // The locked round commits after the revocation: once Org2's peer has it, it has both.
    await clients.untilCommitted(consumer, locked.blockNumber);
    let refused = '';
    try {
      await consumerFeeds.getPremium(feedId, lockedRound);
    } catch (err) {
      if (!(err instanceof ContractError)) throw err;
      refused = `${err.chaincodeCode}: ${err.chaincodeMessage}`;
    }
    if (refused === '') throw new Error('Org2 read premium data it is not subscribed to');
    info(`Org2 (subscription revoked) is refused round ${lockedRound}: ${refused}`);

    // 6. Membership: the founders confirm the voting policy (once per network).
    step(6, 'The founding members confirm the membership policy');
    // One admin connection per member for the rest of the story; the governance chapter uses
    // these too rather than opening its own.
    const openAdmin = async (network: NetworkConfig): Promise<MemberAdmin> => {
      const id = await describedIdentity(network, 'admin');
      const conn = track(connectAs(network, id));
      return {
        network,
        id,
        connection: conn,
        membership: clients.newMembershipClient({
          connection: conn,
          chaincodeName: MEMBERSHIP_CHAINCODE,
        }),
      };
    };
    const founders = [await openAdmin(org1), await openAdmin(org2)] as const;
    // Initialisation completes only when every founding member's admin has confirmed it. Each
    // confirmation is endorsed by both founders' peers, which must hold the one before it.
    let confirmed = 0n;
    for (const admin of founders) {
      const name = admin.network.mspId;
      await caughtUp(founders, confirmed);
      try {
        const { value, blockNumber } = await admin.membership.initialize(
          {
            ThresholdPercentage: 50,
            ThresholdComparator: 'GREATER_THAN',
            ProposalDurationInHours: 24,
          },
          [org1.mspId, org2.mspId],
        );
        confirmed = blockNumber;
        info(
          value.initialised
            ? `${name} confirms: membership initialised: 50%, GREATER_THAN, 24 h, founding members ${value.foundingMembers.join(' and ')}`
            : `${name} confirms the membership policy; waiting for ${value.pending.join(', ')}`,
        );
      } catch (err) {
        if (!(err instanceof ContractError && err.chaincodeCode === 'ALREADY_INITIALIZED'))
          throw err;
        info(`membership was initialised by an earlier run (${name}'s confirmation not needed)`);
      }
    }
    const chapter = {
      descriptionPath,
      step,
      info,
      founders,
      openAdmin: async (member: string) =>
        openAdmin(await connection.loadNetworkDescription({ path: descriptionPath, member })),
      run,
    };
    const org3 = await inviteAndJoinOrg3(chapter, 7);
    const vote = await voteWithThree(chapter, 8, org3);

    // Let the consumer catch the last events before the summary.
    const deadline = Date.now() + 10_000;
    while (received.length < committed.length && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 200));
    events.close();
    await Promise.race([consuming.catch(() => undefined), new Promise((r) => setTimeout(r, 1000))]);

    step(9, 'Summary');
    info(
      `feed:      ${feedId} (ETH / USD, ${String(decimals)} decimals, 4 oracles, f = 1), owner ${org1.mspId}`,
    );
    info(
      `rounds:    ${String(committed.length)} committed (${String(rounds)} from the adapter, 2 with a premium value); round: answer`,
    );
    for (const c of committed) info(`             ${c.roundId}: ${usd(c.answer)} (${c.what})`);
    info(`latest:    ${usd(latest.answer)} (round ${latest.roundId}) read by ${org2.mspId}`);
    info(
      `events:    ${String(received.length)} RoundReported events received by the ${org2.mspId} consumer`,
    );
    info(
      `premium:   round ${premiumRound} read by subscribed ${org2.mspId}; round ${lockedRound} refused after revocation`,
    );
    info('members:   Org1MSP, Org2MSP and Org3MSP (voted in, added to the channel by the agents)');
    info(`proposal:  ${vote}`);
  } finally {
    for (const c of open) c.close();
  }
}

main().then(
  () => {
    process.stdout.write(`\nDemo completed in ${((Date.now() - started) / 1000).toFixed(1)} s.\n`);
  },
  (err: unknown) => {
    process.stderr.write(
      `\ndemo failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
    process.exit(1);
  },
);
