/**
 * Where the local network's Fabric tools live: the cache test-network/lib/build.sh fills
 * (`$TOOLKIT_CACHE`, else `$XDG_CACHE_HOME/fabric-oracle-consortium`, else
 * `~/.cache/fabric-oracle-consortium`, then `fabric-<FABRIC_VERSION>/bin`), so the agent command and
 * the tests run the very configtxlator the network scripts built.
 */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** The Fabric version build.sh pins when FABRIC_VERSION is not set. */
const DEFAULT_FABRIC_VERSION = '2.5.9';

/**
 * The configtxlator binary to use: `$CONFIGTXLATOR` when set, else the cached build of the
 * network's Fabric version, else plain `configtxlator` from the PATH.
 *
 * @returns a path or command name
 */
export function localConfigtxlator(): string {
  const explicit = process.env.CONFIGTXLATOR;
  if (explicit !== undefined && explicit !== '') return explicit;
  const cache =
    process.env.TOOLKIT_CACHE ??
    join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'fabric-oracle-consortium');
  const cached = join(
    cache,
    `fabric-${process.env.FABRIC_VERSION ?? DEFAULT_FABRIC_VERSION}`,
    'bin',
    'configtxlator',
  );
  return existsSync(cached) ? cached : 'configtxlator';
}
