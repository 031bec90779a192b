/**
 * A stand-in orderer for broadcast unit tests: a gRPC server on 127.0.0.1 speaking
 * `orderer.AtomicBroadcast/Broadcast` over TLS with a throw-away certificate for a made-up
 * hostname, answering each envelope as the test scripts it (a status, or no answer at all).
 */
import * as grpc from '@grpc/grpc-js';
import { common, orderer as ordererProtos } from '@hyperledger/fabric-protos';
import type { OrdererEndpoint } from '../../../gateway/src';
import { tlsServer, type TestCert } from '../../../scripts/lib/openssl-ca';

/** A TLS server certificate and key for one hostname, self-signed (its own root). */
export function serverCertificate(hostname: string): TestCert {
  return tlsServer(hostname, `DNS:${hostname}`);
}

/** How the fake answers: a status and info, or `silent` to never answer. */
export type Answer = { status: common.StatusMap[keyof common.StatusMap]; info?: string } | 'silent';

/** A running fake orderer. */
export interface FakeOrderer {
  /** Where to reach it, as the library takes it. */
  readonly endpoint: OrdererEndpoint;
  /** The envelopes it received. */
  readonly received: Uint8Array[];
  /** Stops the server. */
  close(): Promise<void>;
}

/**
 * Starts a fake orderer.
 *
 * @param name - its node name and the first label of its hostname
 * @param answer - how it answers every envelope
 * @param tls - the certificate to serve; a fresh one for `<name>.orderer.test` when absent
 * @returns the running orderer
 */
export async function startFakeOrderer(
  name: string,
  answer: Answer,
  tls = serverCertificate(`${name}.orderer.test`),
): Promise<FakeOrderer> {
  const received: Uint8Array[] = [];
  const server = new grpc.Server();
  server.addService(
    {
      Broadcast: {
        path: '/orderer.AtomicBroadcast/Broadcast',
        requestStream: true,
        responseStream: true,
        requestSerialize: (b: Uint8Array) => Buffer.from(b),
        requestDeserialize: (b: Buffer) => new Uint8Array(b),
        responseSerialize: (r: ordererProtos.BroadcastResponse) => Buffer.from(r.serializeBinary()),
        responseDeserialize: (b: Buffer) => ordererProtos.BroadcastResponse.deserializeBinary(b),
      },
    },
    {
      Broadcast: (call: grpc.ServerDuplexStream<Uint8Array, ordererProtos.BroadcastResponse>) => {
        call.on('data', (envelope: Uint8Array) => {
          received.push(envelope);
          if (answer === 'silent') return;
          const response = new ordererProtos.BroadcastResponse();
          response.setStatus(answer.status);
          response.setInfo(answer.info ?? '');
          call.write(response);
        });
        call.on('end', () => {
          call.end();
        });
        call.on('error', () => undefined);
      },
    },
  );
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync(
      '127.0.0.1:0',
      grpc.ServerCredentials.createSsl(null, [
        { private_key: Buffer.from(tls.keyPem), cert_chain: Buffer.from(tls.certPem) },
      ]),
      (err, bound) => {
        if (err !== null) reject(err);
        else resolve(bound);
      },
    );
  });
  return {
    endpoint: {
      name,
      endpoint: { hostname: `${name}.orderer.test`, port, address: '127.0.0.1' },
      tlsRootCerts: tls.certPem,
    },
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.tryShutdown(() => {
          resolve();
        });
        // A silent orderer's open streams would hold a graceful shutdown forever.
        setTimeout(() => {
          server.forceShutdown();
          resolve();
        }, 200).unref();
      }),
  };
}
