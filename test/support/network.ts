/**
 * Helpers for integration tests: run test-network/network.sh, read the network description and
 * connect bare @hyperledger/fabric-gateway clients from it (the library under test has its own
 * connection code; tests of the network itself use the reference client directly).
 */
import { execFile } from 'node:child_process';
import { createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import * as grpc from '@grpc/grpc-js';
import { connect, signers, type Gateway } from '@hyperledger/fabric-gateway';

const execFileAsync = promisify(execFile);

/** Repository root. */
export const REPO_DIR = path.resolve(__dirname, '..', '..');
const NETWORK_SH = path.join(REPO_DIR, 'test-network', 'network.sh');

/** The parts of the network description the tests read. */
export interface NetworkDescription {
  Network: {
    Id: string;
    Name: string;
    ChannelName: string;
    FrameworkAttributes: { Fabric: { OrderingServiceEndpoint: string } };
  };
  Members: {
    Id: string;
    Name: string;
    MspId: string;
    FrameworkAttributes: { Fabric: { CaEndpoint: string } };
    Nodes: {
      Id: string;
      Name: string;
      FrameworkAttributes: { Fabric: { PeerEndpoint: string; PeerEventEndpoint: string } };
    }[];
    Identities: Record<
      string,
      { MspId: string; CertificatePath: string; PrivateKeyPath: string; MspDir: string }
    >;
    CaRegistrar: { EnrollmentId: string; EnrollmentSecret: string };
  }[];
  Orderers: { Id: string; Endpoint: string }[];
  TlsRootChainPath: string;
  Hosts: Record<string, string>;
  Kms: { Endpoint: string; Region: string };
  Hsm: null | {
    Library: string;
    SoftHsm2Conf: string;
    TokenLabel: string;
    Pin: string;
    SoPin: string;
  };
}

/** Settings that select one network (so several can run side by side). */
export interface NetworkEnv {
  NETWORK_NAME: string;
  NETWORK_HOME: string;
  PORT_BASE: string;
}

/**
 * Runs one network.sh command and returns its combined output.
 *
 * @throws Error with the command's output when it exits non-zero
 */
export async function networkSh(env: NetworkEnv, ...args: string[]): Promise<string> {
  try {
    const { stdout, stderr } = await execFileAsync('bash', [NETWORK_SH, ...args], {
      env: { ...process.env, ...env },
      maxBuffer: 16 * 1024 * 1024,
    });
    return stdout + stderr;
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string };
    throw new Error(
      `network.sh ${args.join(' ')} failed: ${e.message}\n${e.stdout ?? ''}${e.stderr ?? ''}`,
    );
  }
}

/** Reads a network description file. */
export function readDescription(file: string): NetworkDescription {
  return JSON.parse(readFileSync(file, 'utf8')) as NetworkDescription;
}

/** The description the integration harness (scripts/with-network.sh) brought up, if any. */
export function sharedNetwork(): NetworkDescription | undefined {
  const file = process.env.NETWORK_DESCRIPTION;
  return file === undefined || file === '' ? undefined : readDescription(file);
}

/** Splits `host:port`. */
export function splitEndpoint(endpoint: string): { host: string; port: number } {
  const i = endpoint.lastIndexOf(':');
  return { host: endpoint.slice(0, i), port: Number(endpoint.slice(i + 1)) };
}

/**
 * A gRPC client for one peer, reached the way an app reaches a managed network through a VPC
 * endpoint: dial the address the hostname maps to, verify TLS against the member's root chain with
 * the node hostname as the server name.
 */
export function peerClient(desc: NetworkDescription, peerEndpoint: string): grpc.Client {
  const { host, port } = splitEndpoint(peerEndpoint);
  const address = `${desc.Hosts[host] ?? host}:${port}`;
  const creds = grpc.credentials.createSsl(readFileSync(desc.TlsRootChainPath));
  return new grpc.Client(address, creds, {
    'grpc.ssl_target_name_override': host,
    'grpc.default_authority': host,
  });
}

/** A bare fabric-gateway connection as one enrolled identity of a member. */
export function connectAs(
  desc: NetworkDescription,
  memberName: string,
  identityName: string,
  nodeIndex = 0,
): { gateway: Gateway; client: grpc.Client; close: () => void } {
  const member = desc.Members.find((m) => m.Name === memberName);
  if (member === undefined) throw new Error(`no member ${memberName}`);
  const id = member.Identities[identityName];
  if (id === undefined) throw new Error(`no identity ${identityName} for ${memberName}`);
  const node = member.Nodes[nodeIndex];
  if (node === undefined) throw new Error(`no node ${String(nodeIndex)} for ${memberName}`);
  const client = peerClient(desc, node.FrameworkAttributes.Fabric.PeerEndpoint);
  const gateway = connect({
    client,
    identity: { mspId: id.MspId, credentials: readFileSync(id.CertificatePath) },
    signer: signers.newPrivateKeySigner(createPrivateKey(readFileSync(id.PrivateKeyPath))),
    evaluateOptions: () => ({ deadline: Date.now() + 10_000 }),
    endorseOptions: () => ({ deadline: Date.now() + 30_000 }),
    submitOptions: () => ({ deadline: Date.now() + 10_000 }),
    commitStatusOptions: () => ({ deadline: Date.now() + 60_000 }),
  });
  return {
    gateway,
    client,
    close: () => {
      gateway.close();
      client.close();
    },
  };
}
