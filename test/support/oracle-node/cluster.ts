/**
 * What oracle-node tests share: a node CA and per-node TLS certificates (openssl, CN = oracle id),
 * oracle keys in PEM files, and the TOML configuration of one node of a cluster.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { reports, signers, type NetworkConfig, type Signer } from '@oracle-consortium/gateway';
import { registrarSession } from '../ca-identities';
import { issuedLeaf, selfSigned } from '../../../scripts/lib/openssl-ca';

/** One node's files. */
export interface NodeFiles {
  /** Its oracle id. */
  readonly oracleId: string;
  /** Its folder. */
  readonly dir: string;
  /** Its oracle key. */
  readonly key: Signer;
  /** The public key to register in the feed (base64 DER SPKI). */
  readonly publicKey: string;
}

/**
 * Makes a node CA and, for each oracle id, a folder with a TLS certificate and key and an
 * oracle key.
 *
 * @param root - where the folders go
 * @param oracleIds - the nodes
 * @returns each node's files
 */
export async function makeNodeFiles(
  root: string,
  oracleIds: readonly string[],
): Promise<NodeFiles[]> {
  const ca = selfSigned('oracle-node test CA');
  return Promise.all(
    oracleIds.map(async (oracleId) => {
      const dir = join(root, oracleId);
      mkdirSync(dir, { recursive: true });
      const tls = issuedLeaf(oracleId, 'oracle', ca);
      writeFileSync(join(dir, 'tls.pem'), tls.certPem);
      writeFileSync(join(dir, 'tls.key'), tls.keyPem);
      writeFileSync(join(dir, 'ca.pem'), ca.certPem);
      const key = await signers.generateFileKey({ path: join(dir, 'oracle.pem') });
      return { oracleId, dir, key, publicKey: await reports.oraclePublicKey(key) };
    }),
  );
}

/** What a node's configuration says beyond its files. */
export interface NodeSettings {
  /** Its index in `all`. */
  readonly index: number;
  /** Every node, in feed order. */
  readonly all: readonly NodeFiles[];
  /** The p2p port of node i is `p2pBase + i`. */
  readonly p2pBase: number;
  /** The API port of node i is `apiBase + i`. */
  readonly apiBase: number;
  /** Its adapters' URLs. */
  readonly adapters: readonly string[];
  /** The feed. */
  readonly feedId: string;
  /** The `[fabric]` table's lines. */
  readonly fabric: string;
  /** Job lines beyond type, name, feedId and sources. */
  readonly job: string;
  /** The `[rounds]` table's lines. */
  readonly rounds: string;
  /** Source timeout. */
  readonly sourceTimeout: string;
}

/**
 * Writes a node's TOML configuration into its folder.
 *
 * @param s - the settings
 * @returns the file's path
 */
export function writeNodeConfig(s: NodeSettings): string {
  const me = s.all[s.index];
  if (me === undefined) throw new Error(`no node ${s.index}`);
  const peers = s.all
    .map((n, i) => ({ n, i }))
    .filter(({ i }) => i !== s.index)
    .map(
      ({ n, i }) => `  { oracleId = "${n.oracleId}", url = "https://127.0.0.1:${s.p2pBase + i}" },`,
    )
    .join('\n');
  const bridges = s.adapters
    .map((url, i) => `[[bridges]]\nname = "adapter-${i}"\nurl = "${url}"\n`)
    .join('\n');
  const sources = s.adapters
    .map(
      (_, i) =>
        `  { bridge = "adapter-${i}", requestData = { from = "ETH", to = "USD" }, timeout = "${s.sourceTimeout}", retries = 1 },`,
    )
    .join('\n');
  const text = `oracleId = "${me.oracleId}"
oracleKey = { type = "file", path = "oracle.pem" }

[database]
path = "state/node.db"
maxSuccessfulRuns = 100

[fabric]
${s.fabric}

[p2p]
listen = { port = ${s.p2pBase + s.index} }
tls = { cert = "tls.pem", key = "tls.key", ca = "ca.pem" }
peers = [
${peers}
]

[api]
port = ${s.apiBase + s.index}

[rounds]
${s.rounds}

${bridges}
[[jobs]]
type = "fluxmonitor"
name = "${s.feedId}-job"
feedId = "${s.feedId}"
${s.job}
sources = [
${sources}
]
`;
  const file = join(me.dir, 'node.toml');
  writeFileSync(file, text);
  return file;
}

/**
 * Registers and enrolls each node's own Fabric identity with the member's CA (the description's
 * registrar): a new file key in the node's folder (`fabric.pem`) and its certificate
 * (`fabric-cert.pem`), which a node configuration names in its `[fabric]` table.
 *
 * @param network - the member's settings from the network description
 * @param files - the nodes
 * @param root - where the registrar's session key goes
 */
export async function enrollNodeIdentities(
  network: NetworkConfig,
  files: readonly NodeFiles[],
  root: string,
): Promise<void> {
  const { caClient, registrar } = await registrarSession(network, root);
  for (const f of files) {
    const secret = await caClient.register({
      registrar,
      enrollmentId: f.oracleId,
      affiliation: '',
    });
    const key = await signers.generateFileKey({ path: join(f.dir, 'fabric.pem') });
    const { certificate } = await caClient.enroll({
      enrollmentId: f.oracleId,
      enrollmentSecret: secret,
      signer: key,
    });
    writeFileSync(join(f.dir, 'fabric-cert.pem'), certificate);
    await key.close();
  }
}
