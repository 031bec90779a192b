/**
 * A bare @hyperledger/fabric-gateway client for the benchmark's baseline and contract workloads,
 * connected from the library's own reading of the network description (so the benchmark has no
 * reader of its own): dial the peer's published address, verify TLS against the member's roots
 * with the node hostname as the server name, as an app reaches a managed network.
 */
import { createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as grpc from '@grpc/grpc-js';
import { connect, signers, type Gateway } from '@hyperledger/fabric-gateway';
import type { NetworkConfig } from '@oracle-consortium/gateway';

/** A bare gateway connection and the means to close it with its gRPC client. */
export interface BareConnection {
  /** The fabric-gateway connection. */
  readonly gateway: Gateway;
  /** Its gRPC client (a test closes it alone to cut the connection). */
  readonly client: grpc.Client;
  /** Closes the gateway and its gRPC client. */
  readonly close: () => void;
}

/**
 * Connects as one identity the description lists for the member, through one of its peers.
 *
 * @param network - the member's settings, from `connection.loadNetworkDescription`
 * @param identityName - an identity of `network.identities` (`admin`, `user1`)
 * @param peerIndex - which of the member's peers to use; the first by default
 * @returns the connection
 * @throws Error when the identity or the peer is not in the description
 */
export function connectBare(
  network: NetworkConfig,
  identityName: string,
  peerIndex = 0,
): BareConnection {
  const id = network.identities[identityName];
  if (id === undefined) throw new Error(`no identity ${identityName} for ${network.mspId}`);
  const peer = network.peers[peerIndex];
  if (peer === undefined) throw new Error(`no peer ${String(peerIndex)} for ${network.mspId}`);
  const { hostname, port, address } = peer.endpoint;
  const client = new grpc.Client(
    `${address ?? hostname}:${String(port)}`,
    grpc.credentials.createSsl(Buffer.from(peer.tlsRootCerts)),
    { 'grpc.ssl_target_name_override': hostname, 'grpc.default_authority': hostname },
  );
  const gateway = connect({
    client,
    identity: { mspId: id.mspId, credentials: readFileSync(id.certificatePath) },
    signer: signers.newPrivateKeySigner(createPrivateKey(readFileSync(id.privateKeyPath))),
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
