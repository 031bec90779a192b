/**
 * A search of a network's state for private keys: every file under the given directories is read
 * as PEM (any PRIVATE KEY block inside it) and as a whole DER document (PKCS#8 or SEC1), and every
 * key found is matched to the certificates whose public key it completes. Tests use it to show
 * that a key kept in an HSM has no copy on disk, with a control that finds a key that is on disk.
 */
import { createPrivateKey, createPublicKey, X509Certificate, type KeyObject } from 'node:crypto';
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

/** The private keys one file holds, in PEM blocks or as one DER document. */
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
  return keys;
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
      if (certificate !== undefined)
        found.set(certificate, [...(found.get(certificate) ?? []), file]);
    }
  }
  return [...found].map(([certificate, files]) => ({ certificate, files }));
}
