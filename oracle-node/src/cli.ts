#!/usr/bin/env node
/**
 * `oracle-node start --config <file>`: loads and validates the configuration, starts the node and
 * stops it cleanly on SIGTERM or SIGINT. `oracle-node check --config <file>` only validates.
 * A bad configuration exits 2 with the field named; a start-up failure exits 1.
 */
import { loadConfig } from './config/config';
import { OracleNodeError } from './errors';
import { newLogger } from './ops/logger';
import { startOracleNode } from './node';

const USAGE =
  'usage: oracle-node start --config <file>\n       oracle-node check --config <file>\n';

async function main(argv: readonly string[]): Promise<number> {
  const [command, flag, file] = argv;
  if ((command !== 'start' && command !== 'check') || flag !== '--config' || file === undefined) {
    process.stderr.write(USAGE);
    return 2;
  }
  const logger = newLogger({ level: process.env.LOG_LEVEL === 'debug' ? 'debug' : 'info' });
  let config;
  try {
    config = await loadConfig(file);
  } catch (err) {
    if (err instanceof OracleNodeError) {
      process.stderr.write(`oracle-node: ${err.code}: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
  if (command === 'check') {
    process.stdout.write(`${file}: valid (${config.jobs.length} job(s))\n`);
    return 0;
  }
  const log = logger.child({ oracleId: config.oracleId });
  const node = await startOracleNode({ config, logger: log });
  await new Promise<void>((resolve) => {
    const onSignal = (signal: string): void => {
      log.log('info', 'node.stopping', { signal });
      void node.stop().then(resolve);
    };
    process.once('SIGTERM', onSignal);
    process.once('SIGINT', onSignal);
  });
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(
      `oracle-node: ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}\n`,
    );
    process.exitCode = 1;
  },
);
