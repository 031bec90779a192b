#!/usr/bin/env node
/**
 * `npm run console`: starts the operator console for one member and prints where it answers and
 * the token writes need. Ctrl-C stops it.
 */
import { openBackend } from './backend';
import { newOracleNodesMonitor } from './oracle/nodes';
import { parseSettings, USAGE } from './options';
import { startConsoleServer } from './server';

async function main(): Promise<void> {
  const settings = parseSettings(process.argv.slice(2), process.env);
  if (settings === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const backend = await openBackend({
    descriptionPath: settings.descriptionPath,
    member: settings.member,
    identity: settings.identity,
    ...(settings.certificatePath !== undefined && settings.privateKeyPath !== undefined
      ? { certificatePath: settings.certificatePath, privateKeyPath: settings.privateKeyPath }
      : {}),
    stateDir: settings.stateDir,
    probeIntervalMs: settings.probeIntervalMs,
    probeTimeoutMs: Math.min(1500, settings.probeIntervalMs),
  });
  let server;
  try {
    server = await startConsoleServer({
      backend,
      host: settings.host,
      port: settings.port,
      ...(settings.token !== undefined ? { token: settings.token } : {}),
      ...(settings.oracleNodes.length > 0
        ? {
            oracleNodes: newOracleNodesMonitor({
              nodes: settings.oracleNodes,
              intervalMs: settings.probeIntervalMs,
              timeoutMs: Math.min(1500, settings.probeIntervalMs),
            }),
          }
        : {}),
    });
  } catch (err) {
    backend.close();
    throw err;
  }
  process.stdout.write(
    `console for ${backend.member.mspId} at ${server.url}\n` +
      (settings.token === undefined
        ? `write token (generated for this run): ${server.token}\n`
        : 'write token: the one configured (CONSOLE_TOKEN or --token)\n'),
  );
  const stop = (): void => {
    void server.close().finally(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`console: ${(err as Error).message}\n`);
  process.exit(1);
});
