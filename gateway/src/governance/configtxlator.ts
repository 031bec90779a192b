/**
 * Fabric's own `configtxlator`, run as one-shot commands (`proto_decode`, `proto_encode`,
 * `compute_update`): the tool Fabric documents for config updates, so the computed read and write
 * sets are exactly Fabric's. No REST server is kept running: each call is a short process on
 * temporary files, which also leaves nothing listening on a port.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GovernanceError } from '../errors';

/** Options of {@link newConfigtxlator}. */
export interface ConfigtxlatorOptions {
  /** Path of the `configtxlator` binary; `configtxlator` on the PATH when absent. */
  readonly path?: string;
  /** How long one command may run, in milliseconds; 30000 when absent. */
  readonly timeoutMs?: number;
}

/** The three configtxlator commands a config update needs. */
export interface Configtxlator {
  /**
   * Decodes a protobuf message to configtxlator's JSON.
   *
   * @param type - the message type, e.g. `common.Config`
   * @param bytes - the serialized message
   * @returns the parsed JSON document
   * @throws GovernanceError `CONFIGTXLATOR_FAILED` when the tool fails or is missing
   */
  decode(type: string, bytes: Uint8Array): Promise<unknown>;
  /**
   * Encodes configtxlator's JSON to a protobuf message.
   *
   * @param type - the message type
   * @param json - the document
   * @returns the serialized message
   * @throws GovernanceError `CONFIGTXLATOR_FAILED` when the tool fails or is missing
   */
  encode(type: string, json: unknown): Promise<Uint8Array>;
  /**
   * Computes the `common.ConfigUpdate` that turns one config into another.
   *
   * @param channelName - the channel
   * @param original - the serialized current `common.Config`
   * @param updated - the serialized desired `common.Config`
   * @returns the serialized `common.ConfigUpdate`
   * @throws GovernanceError `CONFIGTXLATOR_FAILED` when the configs do not differ or the tool fails
   */
  computeUpdate(
    channelName: string,
    original: Uint8Array,
    updated: Uint8Array,
  ): Promise<Uint8Array>;
}

class ConfigtxlatorImpl implements Configtxlator {
  readonly #path: string;
  readonly #timeoutMs: number;

  constructor(options: Readonly<ConfigtxlatorOptions>) {
    this.#path = options.path ?? 'configtxlator';
    this.#timeoutMs = options.timeoutMs ?? 30000;
  }

  async #run<T>(
    name: string,
    args: (dir: string) => string[],
    work: (dir: string) => Promise<T>,
    inputs: Record<string, Uint8Array>,
  ): Promise<T> {
    const dir = await mkdtemp(join(tmpdir(), 'configtxlator-'));
    try {
      for (const [file, bytes] of Object.entries(inputs)) {
        await writeFile(join(dir, file), bytes);
      }
      await new Promise<void>((resolve, reject) => {
        execFile(
          this.#path,
          [name, ...args(dir)],
          { timeout: this.#timeoutMs, maxBuffer: 64 * 1024 * 1024 },
          (err, _stdout, stderr) => {
            if (err === null) {
              resolve();
              return;
            }
            const missing = (err as NodeJS.ErrnoException).code === 'ENOENT';
            reject(
              new GovernanceError({
                code: 'CONFIGTXLATOR_FAILED',
                message: missing
                  ? `configtxlator not found at ${this.#path}; pass its path (configtxlatorPath)`
                  : `configtxlator ${name} failed: ${stderr.trim() || err.message}`,
                cause: err,
              }),
            );
          },
        );
      });
      return await work(dir);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  async decode(type: string, bytes: Uint8Array): Promise<unknown> {
    return this.#run(
      'proto_decode',
      (d) => [`--type=${type}`, `--input=${join(d, 'in.pb')}`, `--output=${join(d, 'out.json')}`],
      async (d) => JSON.parse(await readFile(join(d, 'out.json'), 'utf8')) as unknown,
      { 'in.pb': bytes },
    );
  }

  async encode(type: string, json: unknown): Promise<Uint8Array> {
    return this.#run(
      'proto_encode',
      (d) => [`--type=${type}`, `--input=${join(d, 'in.json')}`, `--output=${join(d, 'out.pb')}`],
      async (d) => new Uint8Array(await readFile(join(d, 'out.pb'))),
      { 'in.json': Buffer.from(JSON.stringify(json)) },
    );
  }

  async computeUpdate(
    channelName: string,
    original: Uint8Array,
    updated: Uint8Array,
  ): Promise<Uint8Array> {
    return this.#run(
      'compute_update',
      (d) => [
        `--channel_id=${channelName}`,
        `--original=${join(d, 'original.pb')}`,
        `--updated=${join(d, 'updated.pb')}`,
        `--output=${join(d, 'update.pb')}`,
      ],
      async (d) => new Uint8Array(await readFile(join(d, 'update.pb'))),
      { 'original.pb': original, 'updated.pb': updated },
    );
  }
}

/**
 * A runner of Fabric's `configtxlator` binary.
 *
 * @param options - the binary's path and a per-command time limit
 * @returns the runner; it starts a process per call and keeps nothing open
 * @example
 * ```ts
 * const tool = governance.newConfigtxlator({ path: '/opt/fabric/bin/configtxlator' });
 * const json = await tool.decode('common.Config', config.config);
 * ```
 */
export function newConfigtxlator(options: Readonly<ConfigtxlatorOptions> = {}): Configtxlator {
  return new ConfigtxlatorImpl(options);
}
