/**
 * Node signing keys in the HSM (issue 13, `network.sh up` with NODE_KEYS=hsm): every peer's and
 * orderer's MSP signing key was generated in a SoftHSM2 token of its own at enrollment, so the
 * network's state holds none of them in any form, each node's token signs for its certificate, and
 * a transaction is endorsed by two members' peers and ordered into a block whose endorsements and
 * block signature verify against those nodes' certificates. Runs on the governance network
 * (scripts/test.sh brings it up with NODE_KEYS=hsm); on a network whose node keys are files it is
 * skipped, loudly.
 */
import { expect } from 'chai';
import { createHash, verify, X509Certificate } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { signers, type NetworkConfig } from '@oracle-consortium/gateway';
import { blockSignaturesOf, endorsementsOf } from '../../support/node-signatures';
import { connectAs, describedMembers, loadMember } from '../../support/network';
import { nodeMsps, privateKeysOf, type NodeMsp } from '../../support/private-keys';

const DESCRIPTION = process.env.NETWORK_DESCRIPTION ?? '';

interface Description {
  NodeSigningKeys?: string;
  Hsm: { Library: string; Pin: string } | null;
}

/** The SKI Fabric's PKCS11 BCCSP looks a key up by: SHA-256 of the uncompressed public point. */
function skiOf(certificateFile: string): Buffer {
  const jwk = new X509Certificate(readFileSync(certificateFile)).publicKey.export({
    format: 'jwk',
  });
  const point = Buffer.concat([
    Buffer.from([4]),
    Buffer.from(jwk.x ?? '', 'base64url'),
    Buffer.from(jwk.y ?? '', 'base64url'),
  ]);
  return createHash('sha256').update(point).digest();
}

/** The certificate files' contents, normalised for comparison with a serialized identity's. */
function pemsOf(files: readonly string[]): string[] {
  return files.map((f) => new X509Certificate(readFileSync(f)).toString());
}

describe('node signing keys in the HSM (NODE_KEYS=hsm)', function () {
  this.timeout(300_000);
  let home: string;
  let desc: Description;
  let nodes: NodeMsp[];
  let org1: NetworkConfig;

  before(async function () {
    if (DESCRIPTION === '') throw new Error('NETWORK_DESCRIPTION is not set');
    desc = JSON.parse(readFileSync(DESCRIPTION, 'utf8')) as Description;
    if (desc.NodeSigningKeys !== 'hsm') {
      console.warn(
        `SKIPPED node-key HSM tests: the network keeps its node keys in ${String(desc.NodeSigningKeys)} (bring it up with NODE_KEYS=hsm)`,
      );
      this.skip();
    }
    home = path.dirname(DESCRIPTION);
    nodes = nodeMsps(path.join(home, 'crypto'));
    org1 = await loadMember(DESCRIPTION, 'Org1');
  });

  it('enrolled every peer and orderer of the topology, each with an empty MSP keystore', () => {
    const expected = [
      ...describedMembers(DESCRIPTION).flatMap((m) => m.peers),
      'orderer1',
      'orderer2',
      'orderer3',
    ].sort();
    expect(nodes.map((n) => n.node)).to.deep.equal(expected);
    for (const n of nodes) {
      expect(existsSync(n.certificate), n.certificate).to.be.true;
      expect(readdirSync(n.keystore), n.keystore).to.deep.equal([]);
    }
  });

  it('keeps no private key of any peer or orderer MSP certificate, in PEM, DER or raw form, anywhere in the crypto, configuration, artifacts, CA homes, node tokens or the description', () => {
    const data = path.join(home, 'data');
    const searched = [
      path.join(home, 'crypto'),
      path.join(home, 'config'),
      path.join(home, 'artifacts'),
      ...readdirSync(data)
        .filter((d) => d.startsWith('ca-'))
        .map((d) => path.join(data, d)),
      // SoftHSM2 stores a private key's value encrypted under the token's PIN-derived key.
      ...nodes.map((n) => path.join(data, n.node, 'hsm')),
    ];
    for (const dir of searched) expect(existsSync(dir), dir).to.be.true;
    expect(
      privateKeysOf(
        searched,
        nodes.map((n) => n.certificate),
      ),
    ).to.deep.equal([]);
    expect(readFileSync(DESCRIPTION, 'utf8')).not.to.include('PRIVATE KEY');
  });

  it("signs for each node's certificate with the key its own token holds under the certificate's SKI", async () => {
    const hsm = desc.Hsm;
    if (hsm === null) throw new Error('the description has no Hsm section');
    const before = process.env.SOFTHSM2_CONF;
    // The signer signs a digest; Fabric's nodes hash with SHA-256 and sign that digest the same way.
    const message = Buffer.from(`node-keys-hsm probe ${String(Date.now())}`);
    const digest = createHash('sha256').update(message).digest();
    try {
      for (const n of nodes) {
        // SoftHSM2 reads SOFTHSM2_CONF when the library is initialised: each signer below is closed
        // (the library released) before the next node's token is opened.
        process.env.SOFTHSM2_CONF = path.join(home, 'data', n.node, 'hsm', 'softhsm2.conf');
        const signer = signers.newHsmSigner({
          library: hsm.Library,
          tokenLabel: 'node',
          pin: hsm.Pin,
          id: skiOf(n.certificate),
        });
        try {
          const signature = await signer.sign(digest);
          const cert = new X509Certificate(readFileSync(n.certificate));
          expect(verify('sha256', message, cert.publicKey, signature), n.node).to.be.true;
        } finally {
          await signer.close();
        }
      }
    } finally {
      if (before === undefined) delete process.env.SOFTHSM2_CONF;
      else process.env.SOFTHSM2_CONF = before;
    }
  });

  it("commits a transaction endorsed by Org1's and Org2's peers, its endorsements and block signature verifying against the HSM-keyed node certificates", async () => {
    const c = connectAs(org1, 'user1');
    let blockBytes: Uint8Array;
    let transactionId: string;
    try {
      const network = c.gateway.getNetwork(org1.channelName);
      const commit = await network.getContract('kv').submitAsync('put', {
        arguments: [`node-keys-hsm-${String(Date.now())}`, 'signed in the HSM'],
        endorsingOrganizations: ['Org1MSP', 'Org2MSP'],
      });
      const status = await commit.getStatus();
      expect(status.successful, `validation code ${String(status.code)}`).to.be.true;
      transactionId = status.transactionId;
      blockBytes = await network
        .getContract('qscc')
        .evaluateTransaction('GetBlockByNumber', org1.channelName, String(status.blockNumber));
    } finally {
      c.close();
    }
    const peerPems = pemsOf(
      nodes.filter((n) => n.node.startsWith('peer')).map((n) => n.certificate),
    );
    const ordererPems = pemsOf(
      nodes.filter((n) => n.node.startsWith('orderer')).map((n) => n.certificate),
    );

    const endorsements = endorsementsOf(blockBytes, transactionId);
    expect(endorsements.map((e) => e.mspId).sort()).to.deep.equal(['Org1MSP', 'Org2MSP']);
    for (const e of endorsements) {
      expect(e.valid, `endorsement by ${e.mspId}`).to.be.true;
      expect(peerPems).to.include(new X509Certificate(e.certificatePem).toString());
    }

    const blockSignatures = blockSignaturesOf(blockBytes);
    expect(blockSignatures).to.have.length(1);
    for (const s of blockSignatures) {
      expect(s.mspId).to.equal('OrdererMSP');
      expect(s.valid, 'block signature').to.be.true;
      expect(ordererPems).to.include(new X509Certificate(s.certificatePem).toString());
    }
  });
});
