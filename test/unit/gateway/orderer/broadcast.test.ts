/**
 * Broadcast to stand-in orderers over real TLS on 127.0.0.1: acceptance, failover past an
 * unreachable or unavailable orderer, no retry after a refusal of the request itself, deadlines,
 * TLS verification against the given roots, and bad arguments refused before anything is sent.
 */
import { expect } from 'chai';
import { createServer } from 'node:net';
import { common } from '@hyperledger/fabric-protos';
import {
  ConfigError,
  ConnectionError,
  InputError,
  OrdererError,
  orderer,
  type OrdererEndpoint,
} from '../../../../gateway/src';
import { startFakeOrderer, type FakeOrderer } from '../../../support/gateway/fake-orderer';
import { rejection } from '../../../support/refusal';

const ENVELOPE = Uint8Array.from([10, 3, 1, 2, 3]);

/** An endpoint on a port nothing listens on. */
async function unreachable(name: string): Promise<OrdererEndpoint> {
  const port = await new Promise<number>((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        resolve(typeof address === 'object' && address !== null ? address.port : 0);
      });
    });
  });
  return {
    name,
    endpoint: { hostname: `${name}.orderer.test`, port, address: '127.0.0.1' },
    tlsRootCerts: '',
  };
}

describe('orderer broadcast', function () {
  this.timeout(20000);
  const started: FakeOrderer[] = [];
  const start = async (...args: Parameters<typeof startFakeOrderer>) => {
    const o = await startFakeOrderer(...args);
    started.push(o);
    return o;
  };

  afterEach(async () => {
    await Promise.all(started.splice(0).map((o) => o.close()));
  });

  it('returns the accepting orderer once it answers SUCCESS', async () => {
    const o1 = await start('o1', { status: common.Status.SUCCESS });
    const result = await orderer.broadcast(ENVELOPE, [o1.endpoint]);
    expect(result).to.deep.equal({
      endpoint: `o1.orderer.test:${o1.endpoint.endpoint.port}`,
      status: 200,
      info: '',
      attempts: 1,
    });
    expect(o1.received.map((e) => Buffer.from(e))).to.deep.equal([Buffer.from(ENVELOPE)]);
  });

  it('moves on past an unreachable orderer', async () => {
    const dead = await unreachable('o0');
    const o1 = await start('o1', { status: common.Status.SUCCESS });
    const result = await orderer.broadcast(ENVELOPE, [
      { ...dead, tlsRootCerts: o1.endpoint.tlsRootCerts },
      o1.endpoint,
    ]);
    expect(result.attempts).to.equal(2);
    expect(o1.received).to.have.length(1);
  });

  it('moves on past an orderer answering SERVICE_UNAVAILABLE', async () => {
    const busy = await start('o1', {
      status: common.Status.SERVICE_UNAVAILABLE,
      info: 'no Raft leader',
    });
    const o2 = await start('o2', { status: common.Status.SUCCESS });
    const result = await orderer.broadcast(ENVELOPE, [busy.endpoint, o2.endpoint]);
    expect(result).to.include({
      attempts: 2,
      endpoint: `o2.orderer.test:${o2.endpoint.endpoint.port}`,
    });
  });

  it('stops at a refusal of the envelope, typed with status and info, and tries no other orderer', async () => {
    const strict = await start('o1', {
      status: common.Status.FORBIDDEN,
      info: 'implicit policy evaluation failed',
    });
    const o2 = await start('o2', { status: common.Status.SUCCESS });
    const err = await rejection(orderer.broadcast(ENVELOPE, [strict.endpoint, o2.endpoint]));
    expect(err).to.be.instanceOf(OrdererError);
    expect(err).to.include({
      code: 'ORDERER_REFUSED',
      status: 403,
      statusName: 'FORBIDDEN',
      info: 'implicit policy evaluation failed',
      endpoint: `o1.orderer.test:${strict.endpoint.endpoint.port}`,
    });
    expect(o2.received).to.have.length(0);
  });

  it('reports TIMEOUT when no orderer answers within the deadline', async () => {
    const silent = await start('o1', 'silent');
    const err = await rejection(orderer.broadcast(ENVELOPE, [silent.endpoint], { timeoutMs: 300 }));
    expect(err).to.be.instanceOf(ConnectionError);
    expect(err).to.include({ code: 'TIMEOUT' });
    expect((err as Error).message).to.contain('o1');
  });

  it('reports UNAVAILABLE naming every orderer when none can be reached', async () => {
    const a = await unreachable('oa');
    const b = await unreachable('ob');
    const err = await rejection(orderer.broadcast(ENVELOPE, [a, b], { timeoutMs: 2000 }));
    expect(err).to.be.instanceOf(ConnectionError);
    const e = err as ConnectionError;
    expect(e.code).to.equal('UNAVAILABLE');
    expect(e.message).to.contain('orderer oa').and.to.contain('orderer ob');
    expect(e.endpoint).to.equal(
      `oa.orderer.test:${a.endpoint.port},ob.orderer.test:${b.endpoint.port}`,
    );
  });

  it('refuses an orderer whose certificate does not chain to the given roots', async () => {
    const o1 = await start('o1', { status: common.Status.SUCCESS });
    const other = await start('o2', { status: common.Status.SUCCESS });
    const err = await rejection(
      orderer.broadcast(ENVELOPE, [{ ...o1.endpoint, tlsRootCerts: other.endpoint.tlsRootCerts }], {
        timeoutMs: 3000,
      }),
    );
    expect(err).to.be.instanceOf(ConnectionError);
    expect(err).to.include({ code: 'TLS_ERROR' });
    expect(o1.received).to.have.length(0);
  });

  it('refuses an empty envelope, an empty orderer list and a non-positive deadline', async () => {
    const o1 = await start('o1', { status: common.Status.SUCCESS });
    const empty = await rejection(orderer.broadcast(new Uint8Array(), [o1.endpoint]));
    expect(empty).to.be.instanceOf(InputError);
    expect(empty).to.include({ code: 'INVALID_INPUT' });
    const none = await rejection(orderer.broadcast(ENVELOPE, []));
    expect(none).to.be.instanceOf(ConfigError);
    expect(none).to.include({ code: 'INVALID_CONFIG' });
    const deadline = await rejection(orderer.broadcast(ENVELOPE, [o1.endpoint], { timeoutMs: 0 }));
    expect(deadline).to.be.instanceOf(ConfigError);
    expect(o1.received).to.have.length(0);
  });
});
