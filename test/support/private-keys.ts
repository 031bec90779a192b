/**
 * A search of a network's state for private keys: every file under the given directories is read
 * as PEM (any PRIVATE KEY block inside it), as a whole DER document (PKCS#8 or SEC1), and for the
 * raw form of an EC key, its bare private scalar: a whole file of 32 or 48 bytes, or a token of
 * hex (64 or 96 digits) or base64/base64url (of 32 or 48 bytes) anywhere in a file, as a JWK's
 * `d` or a tool's hex dump holds it. Every key found is matched to the certificates whose public
 * key it completes. Tests use it to show that a key kept in an HSM has no copy on disk, with a
 * control that finds a key that is on disk.
 *
 * Not covered: a scalar as raw bytes inside a larger binary file (a database page); searching
 * every offset of every file would take minutes, and the network's databases hold no keys.
 */
import {
  createECDH,
  createPrivateKey,
  createPublicKey,
  X509Certificate,
  type KeyObject,
} from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';

/** Every regular file under `dir` (recursively; symlinks are not followed). */
function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...filesUnder(full));
    else if (entry.isFile()) out.push(full);
  }
  return out;
}

/** The private keys one file holds: in PEM blocks, as one DER document, or as raw scalars. */
function privateKeysIn(bytes: Buffer): KeyObject[] {
  const keys: KeyObject[] = [];
  const text = bytes.toString('latin1');
  const pem = /-----BEGIN ([A-Z ]*PRIVATE KEY)-----[\s\S]*?-----END \1-----/g;
  for (const match of text.matchAll(pem)) {
    try {
      keys.push(createPrivateKey(match[0]));
    } catch {
      // Not a key Node can read (an encrypted or Idemix block): not an X.509 signing key.
    }
  }
  for (const type of ['pkcs8', 'sec1'] as const) {
    try {
      keys.push(createPrivateKey({ key: bytes, format: 'der', type }));
    } catch {
      // Not a DER private key of this type.
    }
  }
  for (const d of rawScalarsIn(bytes)) {
    const key = keyOfScalar(d);
    if (key !== undefined) keys.push(key);
  }
  return keys;
}

/** P-256 and P-384, by the length of their scalars: the curves Fabric's MSPs use. */
const CURVES = new Map([
  [32, { ecdh: 'prime256v1', jwk: 'P-256' }],
  [48, { ecdh: 'secp384r1', jwk: 'P-384' }],
]);

/** The EC private key whose scalar is `d` (32 or 48 bytes), or undefined when it is none. */
function keyOfScalar(d: Buffer): KeyObject | undefined {
  const curve = CURVES.get(d.length);
  if (curve === undefined) return undefined;
  try {
    const ecdh = createECDH(curve.ecdh);
    ecdh.setPrivateKey(d);
    const point = ecdh.getPublicKey(); // 04 || x || y
    const x = point.subarray(1, 1 + d.length);
    const y = point.subarray(1 + d.length);
    return createPrivateKey({
      key: {
        kty: 'EC',
        crv: curve.jwk,
        d: d.toString('base64url'),
        x: x.toString('base64url'),
        y: y.toString('base64url'),
      },
      format: 'jwk',
    });
  } catch {
    // Zero, or not below the curve's order: no key.
    return undefined;
  }
}

/** The candidate raw scalars of a file: the whole file, and hex and base64 tokens of the sizes. */
function rawScalarsIn(bytes: Buffer): Buffer[] {
  const out: Buffer[] = [];
  if (CURVES.has(bytes.length)) out.push(bytes);
  const text = bytes.toString('latin1');
  for (const m of text.matchAll(
    /(?<![0-9A-Fa-f])(?:[0-9A-Fa-f]{96}|[0-9A-Fa-f]{64})(?![0-9A-Fa-f])/g,
  )) {
    out.push(Buffer.from(m[0], 'hex'));
  }
  for (const m of text.matchAll(
    /(?<![A-Za-z0-9+/_-])[A-Za-z0-9+/_-]{43,64}={0,2}(?![A-Za-z0-9+/_=-])/g,
  )) {
    const decoded = Buffer.from(m[0].replace(/-/g, '+').replace(/_/g, '/'), 'base64');
    if (CURVES.has(decoded.length)) out.push(decoded);
  }
  return out;
}

/** The DER form of a public key, to compare keys by value. */
function spki(key: KeyObject): string {
  return key.export({ type: 'spki', format: 'der' }).toString('hex');
}

/**
 * The files under `dirs` that hold the private key of any of `certificates`.
 *
 * @param dirs - directories to search, recursively
 * @param certificates - PEM certificate files whose keys to look for
 * @returns one entry per certificate whose key was found, with the files holding it
 * @throws Error when a directory or certificate cannot be read
 */
export function privateKeysOf(
  dirs: readonly string[],
  certificates: readonly string[],
): { certificate: string; files: string[] }[] {
  const wanted = new Map<string, string>();
  for (const file of certificates) {
    wanted.set(spki(new X509Certificate(readFileSync(file)).publicKey), file);
  }
  const found = new Map<string, string[]>();
  for (const file of dirs.flatMap(filesUnder)) {
    if (statSync(file).size > 16 * 1024 * 1024) continue;
    for (const key of privateKeysIn(readFileSync(file))) {
      const certificate = wanted.get(spki(createPublicKey(key)));
      // One file may hold a key in two forms (a PEM block and a JWK): it is listed once.
      const files = found.get(certificate ?? '') ?? [];
      if (certificate !== undefined && !files.includes(file))
        found.set(certificate, [...files, file]);
    }
  }
  return [...found].map(([certificate, files]) => ({ certificate, files }));
}

/** A peer's or an orderer's identity folder in a network's crypto directory, and what it holds. */
export interface NodeMsp {
  /** The node's name as network.sh knows it (`peer1-org1`, `orderer2`). */
  readonly node: string;
  /** Its MSP signing certificate (`<node>/msp/signcerts/cert.pem`). */
  readonly certificate: string;
  /** Its MSP keystore folder (`<node>/msp/keystore`). */
  readonly keystore: string;
}

/**
 * Every peer's and orderer's MSP in a network's crypto directory (`crypto/<member>/<node>/msp`,
 * where a node folder is named `peer<p>-<member>` or `orderer<n>`), so a key search can cover the
 * nodes' own signing keys as well as the CAs'. Admins and client users are not nodes.
 *
 * @param cryptoDir - `<network home>/crypto`
 * @returns the nodes found, sorted by name
 * @throws Error when the directory cannot be read
 */
export function nodeMsps(cryptoDir: string): NodeMsp[] {
  const out: NodeMsp[] = [];
  for (const member of readdirSync(cryptoDir, { withFileTypes: true })) {
    if (!member.isDirectory()) continue;
    for (const node of readdirSync(path.join(cryptoDir, member.name), { withFileTypes: true })) {
      if (!node.isDirectory() || !/^(peer\d+-[a-z0-9]+|orderer\d+)$/.test(node.name)) continue;
      const mspDir = path.join(cryptoDir, member.name, node.name, 'msp');
      out.push({
        node: node.name,
        certificate: path.join(mspDir, 'signcerts', 'cert.pem'),
        keystore: path.join(mspDir, 'keystore'),
      });
    }
  }
  return out.sort((a, b) => a.node.localeCompare(b.node));
}
