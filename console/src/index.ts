/**
 * The operator console as a library: start it over a backend of your own or the gateway library's
 * (`openBackend`), for the demo and the tests. `npm run console` is the command.
 *
 * @packageDocumentation
 */
export { startConsoleServer, DEFAULT_WEB_ROOT } from './server';
export type { ConsoleServer, ConsoleServerOptions } from './server';
export { openBackend } from './backend';
export type { ConsoleBackend, BackendOptions } from './backend';
export { parseSettings, USAGE } from './options';
export type { ConsoleSettings } from './options';
export type { NetworkSnapshot, NodeStatus, MemberStatus, NetworkMonitor } from './network/monitor';
export type { ChannelView, ChaincodeDefinitionView } from './network/definitions';
export type { ApiErrorBody } from './http/errors';
export { newOracleNodesMonitor, parseOracleNodes } from './oracle/nodes';
export type {
  OracleNodesMonitor,
  OracleNodesMonitorOptions,
  OracleNodesSnapshot,
  OracleNodeStatus,
  OracleNodeRef,
  OracleJob,
  OracleRun,
  OracleError,
  OracleCheck,
  OracleLease,
} from './oracle/nodes';
