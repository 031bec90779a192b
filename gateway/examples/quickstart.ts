import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { clients, connection, reports, signers } from '@oracle-consortium/gateway';

/**
 * Connects as a member's administrator, creates a single-provider feed (one oracle key, f = 0),
 * reports one signed round and reads it back.
 *
 * @param descriptionPath - the network description (the local network's network.json)
 * @returns the feed's latest answer
 */
export async function quickstart(descriptionPath: string): Promise<string> {
  const network = await connection.loadNetworkDescription({
    path: descriptionPath,
    member: 'Org1',
  });
  const admin = network.identities.admin;
  if (admin === undefined) throw new Error('no admin identity in the description');
  const conn = connection.connect({
    network,
    identity: { certificate: readFileSync(admin.certificatePath, 'utf8') },
    signer: await signers.newFileSigner({ path: admin.privateKeyPath }),
  });
  try {
    const feeds = clients.newFeedsClient({ connection: conn });
    const oracle = generateKeyPairSync('ed25519');
    const feed = await feeds.createFeed({
      feedId: `quickstart-${String(Date.now())}`,
      description: 'EUR / USD',
      decimals: 6,
      oracles: [
        {
          id: 'provider-api',
          publicKey: oracle.publicKey.export({ format: 'pem', type: 'spki' }).toString(),
        },
      ],
      f: 0,
      heartbeatSeconds: 60,
      deviationThresholdPpb: 1_000_000,
    });
    const report = await reports.buildReport(
      {
        feedId: feed.value.feedId,
        roundId: '1',
        observationsTimestamp: Math.floor(Date.now() / 1000) - 1,
        configDigest: feed.value.configDigest,
        observations: [{ oracle: 0, value: '1084250' }],
      },
      [{ oracle: 0, key: oracle.privateKey }],
    );
    await feeds.submitReport(report);
    const latest = await feeds.latestRoundData(feed.value.feedId);
    return latest.answer;
  } finally {
    conn.close();
  }
}
