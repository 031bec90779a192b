/**
 * The private-key search the network tests run over a network's state (test/support/private-keys.ts):
 * it must find a certificate's key in each form a key can be written in, PEM, DER and the raw
 * scalar (a 32-byte file, hex, a JWK's base64url `d`), and nothing for keys of other certificates.
 * Also the listing of the nodes' MSP folders that search covers (peers and orderers, not users).
 */
import { expect } from 'chai';
import { createHash, createPrivateKey } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { selfSigned } from '../../../scripts/lib/openssl-ca';
import { nodeMsps, privateKeysOf } from '../../support/private-keys';

describe('private-key search of a network state', () => {
  let dir: string;
  let certFile: string;
  let scalar: Buffer;
  let der: Buffer;
  let pem: string;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'key-search-'));
    const ca = selfSigned('ca.search.example.com');
    certFile = join(dir, 'ca-cert.pem');
    writeFileSync(certFile, ca.certPem);
    pem = ca.keyPem;
    const key = createPrivateKey(ca.keyPem);
    der = key.export({ type: 'pkcs8', format: 'der' });
    const jwk = key.export({ format: 'jwk' });
    scalar = Buffer.from(jwk.d!, 'base64url');
    expect(scalar).to.have.length(32);
  });
  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  /** Searches a fresh folder holding one file with the given content. */
  function search(name: string, content: string | Buffer): string[] {
    const home = join(dir, `case-${name}`);
    mkdirSync(home);
    writeFileSync(join(home, name), content);
    return privateKeysOf([home], [certFile]).flatMap((f) => f.files);
  }

  it('finds the key as PEM inside a larger file', () => {
    expect(search('bundle.txt', `notes\n${pem}\nmore`)).to.deep.equal([
      join(dir, 'case-bundle.txt', 'bundle.txt'),
    ]);
  });

  it('finds the key as a PKCS#8 DER file', () => {
    expect(search('key.der', der)).to.have.length(1);
  });

  it('finds the raw scalar as a whole 32-byte file', () => {
    expect(search('key.raw', scalar)).to.have.length(1);
  });

  it('finds the raw scalar as a hex token inside a JSON file, in either case', () => {
    const hex = scalar.toString('hex');
    expect(search('lower.json', JSON.stringify({ key: hex }))).to.have.length(1);
    expect(search('upper.json', JSON.stringify({ key: hex.toUpperCase() }))).to.have.length(1);
  });

  it("finds the raw scalar as a JWK's base64url d and as standard base64", () => {
    const jwk = createPrivateKey(pem).export({ format: 'jwk' });
    expect(search('key.jwk', JSON.stringify(jwk))).to.have.length(1);
    expect(search('key.b64', `secret=${scalar.toString('base64')}\n`)).to.have.length(1);
  });

  it('finds nothing in files of digests, certificates and another key', () => {
    const other = selfSigned('other.example.com');
    const digests = [1, 2, 3].map((i) => createHash('sha256').update(String(i)).digest('hex'));
    const otherScalar = Buffer.from(
      createPrivateKey(other.keyPem).export({ format: 'jwk' }).d!,
      'base64url',
    ).toString('hex');
    expect(
      search('state.json', JSON.stringify({ digests, cert: other.certPem, otherScalar })),
    ).to.deep.equal([]);
    expect(search('other.pem', other.keyPem)).to.deep.equal([]);
  });
});

describe('node MSP folders of a network state', () => {
  let crypto: string;

  before(() => {
    crypto = mkdtempSync(join(tmpdir(), 'node-msps-'));
    for (const dir of [
      'org1/peer1-org1',
      'org1/peer2-org1',
      'org1/admin',
      'org1/user1',
      'org1/registrar',
      'orderer/orderer1',
      'orderer/admin',
      'org1/msp',
    ]) {
      mkdirSync(join(crypto, dir, 'msp', 'keystore'), { recursive: true });
    }
    writeFileSync(join(crypto, 'hsm.pin'), 'Aa1pin');
  });
  after(() => {
    rmSync(crypto, { recursive: true, force: true });
  });

  it('lists the peers and orderers, sorted by name, and no admin, user, registrar or member MSP', () => {
    expect(nodeMsps(crypto)).to.deep.equal(
      [
        ['orderer1', 'orderer/orderer1'],
        ['peer1-org1', 'org1/peer1-org1'],
        ['peer2-org1', 'org1/peer2-org1'],
      ].map(([node, dir]) => ({
        node,
        certificate: join(crypto, dir!, 'msp', 'signcerts', 'cert.pem'),
        keystore: join(crypto, dir!, 'msp', 'keystore'),
      })),
    );
  });
});
