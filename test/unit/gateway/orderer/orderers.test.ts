/**
 * The orderers of a network description: every listed node with the description's TLS root chain
 * and host mapping, the single ordering-service endpoint when no node is listed, and a clear
 * INVALID_CONFIG for descriptions that name no orderer.
 */
import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, orderer } from '../../../../gateway/src';

describe('orderers of a network description', () => {
  const dir = mkdtempSync(join(tmpdir(), 'orderers-'));
  const chain = join(dir, 'chain.pem');
  writeFileSync(chain, 'ROOTS');

  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  function writeDescription(doc: unknown): string {
    const path = join(dir, `${Math.random().toString(16).slice(2)}.json`);
    writeFileSync(path, JSON.stringify(doc));
    return path;
  }

  it('lists every orderer with the root chain and the mapped address', async () => {
    const path = writeDescription({
      TlsRootChainPath: chain,
      Hosts: { 'orderer1.n.local': '127.0.0.1' },
      Orderers: [
        { Id: 'orderer1', Endpoint: 'orderer1.n.local:13101' },
        { Id: 'orderer2', Endpoint: 'orderer2.n.local:13111' },
      ],
    });
    expect(await orderer.loadOrderers({ path })).to.deep.equal([
      {
        name: 'orderer1',
        endpoint: { hostname: 'orderer1.n.local', port: 13101, address: '127.0.0.1' },
        tlsRootCerts: 'ROOTS',
      },
      {
        name: 'orderer2',
        endpoint: { hostname: 'orderer2.n.local', port: 13111 },
        tlsRootCerts: 'ROOTS',
      },
    ]);
  });

  it('falls back to the ordering service endpoint when no orderer is listed', async () => {
    const path = writeDescription({
      TlsRootChainPath: chain,
      Network: {
        FrameworkAttributes: { Fabric: { OrderingServiceEndpoint: 'orderer.n.local:30001' } },
      },
    });
    const [only, ...rest] = await orderer.loadOrderers({ path });
    expect(rest).to.deep.equal([]);
    expect(only).to.deep.include({
      name: 'ordering-service',
      endpoint: { hostname: 'orderer.n.local', port: 30001 },
    });
  });

  it('refuses a description without orderers, naming what is missing', async () => {
    const path = writeDescription({ TlsRootChainPath: chain });
    let caught: unknown;
    try {
      await orderer.loadOrderers({ path });
    } catch (err) {
      caught = err;
    }
    expect(caught).to.be.instanceOf(ConfigError);
    expect(caught).to.include({ code: 'INVALID_CONFIG' });
    expect((caught as Error).message).to.contain('OrderingServiceEndpoint');
  });
});
