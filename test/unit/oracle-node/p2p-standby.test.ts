/**
 * The peer-to-peer channel to an oracle that runs as an active/standby pair: a message goes to
 * whichever of the peer's addresses answers as active, skipping one that is down or answers
 * `STANDBY`, and sticks to it; other refusals are not retried elsewhere. Real mutual TLS on
 * 127.0.0.1 (ports 22580-22589 of this suite's range).
 */
import { expect } from 'chai';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NodeConfig } from '../../../oracle-node/src/config/config';
import { OracleNodeError } from '../../../oracle-node/src/errors';
import { RefusalError, startP2p, type P2p } from '../../../oracle-node/src/rounds/p2p';
import { makeNodeFiles, type NodeFiles } from '../../support/oracle-node/cluster';

const PORT_A = 22580;
const PORT_B = 22581;
const PORT_CLIENT = 22582;

function p2pConfig(
  f: NodeFiles,
  port: number,
  peers: { oracleId: string; url: string; standbyUrls?: string[] }[],
): NodeConfig {
  // Only the p2p part is read by the channel.
  return {
    p2p: {
      listen: { host: '127.0.0.1', port },
      tls: { cert: join(f.dir, 'tls.pem'), key: join(f.dir, 'tls.key'), ca: join(f.dir, 'ca.pem') },
      peers,
    },
  } as unknown as NodeConfig;
}

describe('oracle-node p2p to an active/standby pair', function () {
  this.timeout(30_000);
  let files: NodeFiles[];
  const roles = { a: 'active', b: 'standby' };
  const answered: string[] = [];
  const channels: P2p[] = [];
  let client: P2p;
  const pair = {
    oracleId: 'pair-0',
    url: `https://127.0.0.1:${PORT_A}`,
    standbyUrls: [`https://127.0.0.1:${PORT_B}`],
  };

  async function startProcess(name: 'a' | 'b', port: number): Promise<P2p> {
    const ch = await startP2p(
      p2pConfig(files[0]!, port, [{ oracleId: 'client-1', url: 'https://127.0.0.1:1' }]),
      (kind, from, body) => {
        if (roles[name] !== 'active') {
          return Promise.reject(new RefusalError({ refused: 'STANDBY', message: 'standby' }));
        }
        if ((body as { refuse?: boolean }).refuse === true) {
          return Promise.reject(new RefusalError({ refused: 'NOT_LEADER', message: 'no' }));
        }
        answered.push(name);
        return Promise.resolve({ from: name, kind, caller: from });
      },
    );
    channels.push(ch);
    return ch;
  }

  before(async () => {
    files = await makeNodeFiles(mkdtempSync(join(tmpdir(), 'p2p-pair-')), ['pair-0', 'client-1']);
    await startProcess('a', PORT_A);
    await startProcess('b', PORT_B);
    client = await startP2p(p2pConfig(files[1]!, PORT_CLIENT, [pair]), () => Promise.resolve({}));
    channels.push(client);
  });
  after(async () => {
    await Promise.all(channels.map((c) => c.close()));
  });

  it('reaches the active process of the pair', async () => {
    expect(await client.send(pair, 'observe', {}, 2000)).to.deep.equal({
      from: 'a',
      kind: 'observe',
      caller: 'client-1',
    });
  });

  it('moves to the other address when the first answers STANDBY, and stays there', async () => {
    roles.a = 'standby';
    roles.b = 'active';
    answered.length = 0;
    expect(await client.send(pair, 'observe', {}, 2000)).to.include({ from: 'b' });
    expect(await client.send(pair, 'sign', {}, 2000)).to.include({ from: 'b' });
    expect(answered).to.deep.equal(['b', 'b']);
  });

  it('does not try the other address for a refusal other than STANDBY', async () => {
    answered.length = 0;
    let err: unknown;
    try {
      await client.send(pair, 'observe', { refuse: true }, 2000);
    } catch (e) {
      err = e;
    }
    expect(err).to.be.instanceOf(OracleNodeError);
    expect(err).to.include({ code: 'PEER_REFUSED' });
    expect((err as OracleNodeError).cause).to.include({ refused: 'NOT_LEADER' });
    expect(answered).to.deep.equal([]);
  });

  it('moves on from an address that is down', async () => {
    roles.a = 'active';
    await channels[1]!.close();
    expect(await client.send(pair, 'final', {}, 2000)).to.include({ from: 'a' });
  });

  it('fails with the last address error when no process of the pair is active', async () => {
    roles.a = 'standby';
    let err: unknown;
    try {
      await client.send(pair, 'observe', {}, 2000);
    } catch (e) {
      err = e;
    }
    expect(err).to.be.instanceOf(OracleNodeError);
    // a (the address that answered last) refuses as standby, then b is down: the last error.
    expect(err).to.include({ code: 'PEER_UNAVAILABLE' });
  });
});

describe('oracle-node p2p TLS files', () => {
  it("refuses a key that is not the certificate's with INVALID_CONFIG naming p2p.tls", async () => {
    const [a, b] = await makeNodeFiles(mkdtempSync(join(tmpdir(), 'p2p-tls-')), ['o-0', 'o-1']);
    const config = p2pConfig(a!, 22583, []);
    // o-0's certificate with o-1's key.
    (config.p2p.tls as { key: string }).key = join(b!.dir, 'tls.key');
    let err: unknown;
    try {
      await (await startP2p(config, () => Promise.resolve({}))).close();
    } catch (e) {
      err = e;
    }
    expect(err).to.be.instanceOf(OracleNodeError);
    expect(err).to.include({ code: 'INVALID_CONFIG', field: 'p2p.tls' });
    expect((err as Error).message).to.contain("certificate's private key");
  });
});
