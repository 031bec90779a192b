import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError } from '../errors';
import type { KeyReference } from '../signers/signer';

/**
 * An identity as stored: the certificate and where its key lives. Never a KMS- or HSM-held
 * private key (those cannot leave the device), never a PIN or AWS secret.
 */
export interface StoredIdentity {
  /** Name the identity is stored under. */
  readonly name: string;
  /** MSP the certificate belongs to. */
  readonly mspId: string;
  /** PEM enrollment certificate. */
  readonly certificate: string;
  /** Where the private key lives. */
  readonly key: KeyReference;
}

/** Persists {@link StoredIdentity} records. */
export interface IdentityStore {
  /**
   * Saves or replaces an identity, atomically.
   *
   * @param identity - the record to save
   * @throws ConfigError `INVALID_CONFIG` when the name is not a plain file name
   */
  put(identity: Readonly<StoredIdentity>): Promise<void>;
  /**
   * Reads an identity.
   *
   * @param name - stored name
   * @returns the record, or undefined when absent
   */
  get(name: string): Promise<StoredIdentity | undefined>;
  /** @returns the names of all stored identities, sorted */
  list(): Promise<string[]>;
  /**
   * Deletes an identity; absent names are ignored.
   *
   * @param name - stored name
   */
  remove(name: string): Promise<void>;
}

/** Options of {@link newFileIdentityStore}. */
export interface FileIdentityStoreOptions {
  /** Directory holding one `<name>.id.json` per identity; created with mode 0700. */
  readonly directory: string;
}

const SUFFIX = '.id.json';

function checkName(name: string): void {
  if (!/^[A-Za-z0-9][A-Za-z0-9._@-]*$/.test(name)) {
    throw new ConfigError({
      code: 'INVALID_CONFIG',
      message: `identity name ${name} is not a plain file name`,
    });
  }
}

function sanitiseKey(key: KeyReference): KeyReference {
  // Copy only the documented fields so nothing secret a caller attached is written to disk.
  switch (key.type) {
    case 'file':
      return { type: 'file', path: key.path };
    case 'kms':
      return {
        type: 'kms',
        keyId: key.keyId,
        region: key.region,
        ...(key.endpoint !== undefined ? { endpoint: key.endpoint } : {}),
      };
    case 'hsm':
      return {
        type: 'hsm',
        tokenLabel: key.tokenLabel,
        id: key.id,
        ...(key.label !== undefined ? { label: key.label } : {}),
      };
  }
}

class FileIdentityStore implements IdentityStore {
  readonly #directory: string;

  constructor(directory: string) {
    this.#directory = directory;
  }

  async put(identity: Readonly<StoredIdentity>): Promise<void> {
    checkName(identity.name);
    await mkdir(this.#directory, { recursive: true, mode: 0o700 });
    const record: StoredIdentity = {
      name: identity.name,
      mspId: identity.mspId,
      certificate: identity.certificate,
      key: sanitiseKey(identity.key),
    };
    const path = join(this.#directory, identity.name + SUFFIX);
    const temp = `${path}.${String(process.pid)}.tmp`;
    await writeFile(temp, JSON.stringify(record, null, 2) + '\n', { mode: 0o600 });
    await rename(temp, path);
  }

  async get(name: string): Promise<StoredIdentity | undefined> {
    checkName(name);
    try {
      return JSON.parse(
        await readFile(join(this.#directory, name + SUFFIX), 'utf8'),
      ) as StoredIdentity;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
        return undefined;
      }
      throw err;
    }
  }

  async list(): Promise<string[]> {
    try {
      const files = await readdir(this.#directory);
      return files
        .filter((f) => f.endsWith(SUFFIX))
        .map((f) => f.slice(0, -SUFFIX.length))
        .sort();
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
        return [];
      }
      throw err;
    }
  }

  async remove(name: string): Promise<void> {
    checkName(name);
    await rm(join(this.#directory, name + SUFFIX), { force: true });
  }
}

/**
 * An identity store of JSON files in one directory.
 *
 * @param options - the directory
 * @returns the store
 * @example
 * ```ts
 * const store = ca.newFileIdentityStore({ directory: './identities' });
 * await store.put({ name: 'app1', mspId: 'Org1MSP', certificate, key: signer.keyReference });
 * ```
 */
export function newFileIdentityStore(options: Readonly<FileIdentityStoreOptions>): IdentityStore {
  return new FileIdentityStore(options.directory);
}
