/**
 * The pure channel update rules on real protobuf bytes: config updates built with fabric-protos
 * in compute_update's shape, signatures made with node:crypto keys and certificates issued by
 * openssl test CAs.
 */
import { expect } from 'chai';
import { X509Certificate } from 'node:crypto';
import { common } from '@hyperledger/fabric-protos';
import { ChaincodeError } from '../../../chaincode/src/lib/errors';
import {
  channelUpdateId,
  checkConfigUpdate,
  decodeConfigUpdate,
  isAdminCertificate,
  requiredSignatures,
  signerOf,
  verifyConfigSignature,
  type ExpectedChange,
} from '../../../chaincode/src/membership';
import type { MembershipErrorCode } from '../../../chaincode/src/membership';
import { issuedLeaf, selfSigned, type TestCert } from '../../../scripts/lib/openssl-ca';
import {
  applicationOf,
  buildUpdate,
  buildUpdateMessage,
  groupsOf,
  policiesOf,
  valuesOf,
  type ProtoMap,
  signConfig,
  signatureHeader,
  signedBy,
  type UpdateSpec,
} from '../../support/config-updates';
import { P256_ORDER, encodeDerSignature, parseDerSignature } from '../../support/ecdsa-der';
import { canonicalFor, impostorFor, definitionFor } from '../../support/msp-vectors';

const ORGS = ['Org1MSP', 'Org2MSP'];
const ADD: UpdateSpec = {
  action: 'ADD_ORG',
  mspId: 'Org3MSP',
  organizations: ORGS,
  definition: definitionFor('Org3MSP'),
};
const EXPECT_ADD: ExpectedChange = {
  channelId: 'consortium',
  action: 'ADD_ORG',
  mspId: 'Org3MSP',
  definition: canonicalFor('Org3MSP'),
  organizations: ORGS,
};
const REMOVE: UpdateSpec = {
  action: 'REMOVE_ORG',
  mspId: 'Org2MSP',
  organizations: ['Org1MSP', 'Org2MSP', 'Org3MSP'],
};
const EXPECT_REMOVE: ExpectedChange = {
  channelId: 'consortium',
  action: 'REMOVE_ORG',
  mspId: 'Org2MSP',
  organizations: ['Org1MSP', 'Org2MSP', 'Org3MSP'],
};

function expectCode(call: () => unknown, code: MembershipErrorCode): ChaincodeError {
  let caught: unknown;
  try {
    call();
  } catch (err) {
    caught = err;
  }
  expect(caught, `expected ${code}`).to.be.instanceOf(ChaincodeError);
  const error = caught as ChaincodeError;
  expect(error.code).to.equal(code);
  expect(error.message.startsWith(`[${code}] `), error.message).to.equal(true);
  return error;
}

function check(spec: UpdateSpec, expected: ExpectedChange): void {
  checkConfigUpdate(decodeConfigUpdate(buildUpdate(spec)), expected);
}

describe('channel update rules', () => {
  describe('decoding', () => {
    it('names an update by the SHA-256 of its bytes', () => {
      const bytes = buildUpdate(ADD);
      expect(channelUpdateId(bytes)).to.match(/^[0-9a-f]{64}$/);
      expect(channelUpdateId(bytes)).to.not.equal(channelUpdateId(buildUpdate(REMOVE)));
    });

    it('refuses empty bytes with INVALID_CONFIG_UPDATE', () => {
      expectCode(() => decodeConfigUpdate(Buffer.alloc(0)), 'INVALID_CONFIG_UPDATE');
    });

    it('refuses bytes that are not protobuf with INVALID_CONFIG_UPDATE', () => {
      expectCode(
        () => decodeConfigUpdate(Buffer.from('this is not a config update', 'utf8')),
        'INVALID_CONFIG_UPDATE',
      );
    });

    it('refuses a ConfigUpdate without read and write sets with INVALID_CONFIG_UPDATE', () => {
      const update = new common.ConfigUpdate();
      update.setChannelId('consortium');
      expectCode(() => decodeConfigUpdate(update.serializeBinary()), 'INVALID_CONFIG_UPDATE');
    });
  });

  describe('what an update does', () => {
    it('accepts an ADD_ORG update adding the voted definition, certificates in PEM', () => {
      expect(() => {
        check(ADD, EXPECT_ADD);
      }).to.not.throw();
    });

    it('accepts a REMOVE_ORG update dropping the member', () => {
      expect(() => {
        check(REMOVE, EXPECT_REMOVE);
      }).to.not.throw();
    });

    it('refuses an update for another channel with WRONG_CHANNEL', () => {
      const err = expectCode(() => {
        check({ ...ADD, channelId: 'other' }, EXPECT_ADD);
      }, 'WRONG_CHANNEL');
      expect(err.message).to.include('"other"');
    });

    it('refuses an ADD_ORG with a root certificate other than the voted one', () => {
      const err = expectCode(() => {
        check({ ...ADD, definition: impostorFor('Org3MSP') }, EXPECT_ADD);
      }, 'CONFIG_UPDATE_MISMATCH');
      expect(err.message).to.include('root certificates');
    });

    it('refuses an ADD_ORG whose MSP carries another name', () => {
      const err = expectCode(() => {
        check(
          { ...ADD, definition: { ...definitionFor('Org3MSP'), mspId: 'Org9MSP' } },
          EXPECT_ADD,
        );
      }, 'CONFIG_UPDATE_MISMATCH');
      expect(err.message).to.include('Org9MSP');
    });

    it('refuses an ADD_ORG with node OUs other than voted', () => {
      expectCode(() => {
        check({ ...ADD, definition: { ...definitionFor('Org3MSP'), nodeOUs: false } }, EXPECT_ADD);
      }, 'CONFIG_UPDATE_MISMATCH');
    });

    it('refuses an added organisation whose policy names another member', () => {
      const err = expectCode(() => {
        check(
          {
            ...ADD,
            tamperOrg: (g) => {
              policiesOf(g).get('Admins')!.setPolicy(signedBy('Org1MSP', 1));
            },
          },
          EXPECT_ADD,
        );
      }, 'CONFIG_UPDATE_MISMATCH');
      expect(err.message).to.include('names Org1MSP');
    });

    it("refuses an added organisation modifiable under another group's policy", () => {
      expectCode(() => {
        check(
          {
            ...ADD,
            tamperOrg: (g) => {
              g.setModPolicy('/Channel/Application/Org1MSP/Admins');
            },
          },
          EXPECT_ADD,
        );
      }, 'CONFIG_UPDATE_MISMATCH');
    });

    it('refuses an added organisation carrying a value other than MSP and AnchorPeers', () => {
      expectCode(() => {
        check(
          {
            ...ADD,
            tamperOrg: (g) => {
              const v = new common.ConfigValue();
              v.setModPolicy('Admins');
              valuesOf(g).set('Capabilities', v);
            },
          },
          EXPECT_ADD,
        );
      }, 'CONFIG_UPDATE_MISMATCH');
    });

    it('refuses an ADD_ORG that also drops a member', () => {
      const err = expectCode(() => {
        check(
          {
            ...ADD,
            tamper: (u) => {
              groupsOf(applicationOf(u, 'read')).del('Org2MSP');
              groupsOf(applicationOf(u, 'write')).del('Org2MSP');
            },
          },
          EXPECT_ADD,
        );
      }, 'CONFIG_UPDATE_MISMATCH');
      expect(err.message).to.include('leaves the channel with');
    });

    it('refuses an update that also modifies an Application policy', () => {
      const err = expectCode(() => {
        check(
          {
            ...ADD,
            tamper: (u) => {
              policiesOf(applicationOf(u, 'write')).get('Admins')!.setVersion(1);
            },
          },
          EXPECT_ADD,
        );
      }, 'CONFIG_UPDATE_MISMATCH');
      expect(err.message).to.include('Application policies Admins');
    });

    it('refuses an update that changes the Application mod_policy', () => {
      expectCode(() => {
        check(
          {
            ...ADD,
            tamper: (u) => {
              applicationOf(u, 'write').setModPolicy('Readers');
            },
          },
          EXPECT_ADD,
        );
      }, 'CONFIG_UPDATE_MISMATCH');
    });

    it('refuses an update that also modifies another organisation', () => {
      expectCode(() => {
        check(
          {
            ...REMOVE,
            tamper: (u) => {
              groupsOf(applicationOf(u, 'write')).get('Org3MSP')!.setVersion(1);
            },
          },
          EXPECT_REMOVE,
        );
      }, 'CONFIG_UPDATE_MISMATCH');
    });

    it('refuses an update that touches a channel group besides Application', () => {
      const err = expectCode(() => {
        check(
          {
            ...ADD,
            tamper: (u) => {
              const orderer = new common.ConfigGroup();
              orderer.setVersion(1);
              groupsOf(u.getWriteSet()!).set('Orderer', orderer);
            },
          },
          EXPECT_ADD,
        );
      }, 'CONFIG_UPDATE_MISMATCH');
      expect(err.message).to.include('Application group only');
    });

    it('refuses a REMOVE_ORG that removes another member than the change says', () => {
      expectCode(() => {
        check({ ...REMOVE, mspId: 'Org3MSP' }, EXPECT_REMOVE);
      }, 'CONFIG_UPDATE_MISMATCH');
    });

    it('refuses an update that does not bump the Application version', () => {
      expectCode(() => {
        check(
          {
            ...REMOVE,
            tamper: (u) => {
              applicationOf(u, 'write').setVersion(1);
            },
          },
          EXPECT_REMOVE,
        );
      }, 'CONFIG_UPDATE_MISMATCH');
    });

    it('refuses an update carrying isolated data', () => {
      expectCode(() => {
        check(
          {
            ...REMOVE,
            tamper: (u) => {
              (u.getIsolatedDataMap() as ProtoMap<Uint8Array>).set('x', Buffer.from('y'));
            },
          },
          EXPECT_REMOVE,
        );
      }, 'CONFIG_UPDATE_MISMATCH');
    });

    it('checks the message it was given, not the bytes (decode once, check once)', () => {
      const message = buildUpdateMessage(ADD);
      expect(() => {
        checkConfigUpdate(message, EXPECT_ADD);
      }).to.not.throw();
    });
  });

  describe('signatures', () => {
    let ca: TestCert;
    let adminCert: TestCert;
    let clientCert: TestCert;
    before(() => {
      ca = selfSigned('ca.org1.test');
      adminCert = issuedLeaf('admin-org1', 'admin', ca);
      clientCert = issuedLeaf('user1-org1', 'client', ca);
    });

    it('requires more than half of the organisations', () => {
      expect([1, 2, 3, 4, 5].map(requiredSignatures)).to.deep.equal([1, 2, 2, 3, 3]);
    });

    it('tells an admin certificate (OU admin) from a client one', () => {
      expect(isAdminCertificate(new X509Certificate(adminCert.certPem))).to.equal(true);
      expect(isAdminCertificate(new X509Certificate(clientCert.certPem))).to.equal(false);
    });

    it('takes the signer from a header whose creator is the caller', () => {
      const header = signatureHeader('Org1MSP', adminCert.certPem);
      const signer = signerOf(header, {
        mspId: 'Org1MSP',
        idBytes: Buffer.from(adminCert.certPem),
      });
      expect(signer.mspId).to.equal('Org1MSP');
      expect(signer.certificate.raw.equals(new X509Certificate(adminCert.certPem).raw)).to.equal(
        true,
      );
    });

    it('refuses a header naming another identity than the caller with SIGNER_NOT_CALLER', () => {
      const header = signatureHeader('Org1MSP', adminCert.certPem);
      expectCode(
        () => signerOf(header, { mspId: 'Org1MSP', idBytes: Buffer.from(clientCert.certPem) }),
        'SIGNER_NOT_CALLER',
      );
    });

    it('refuses a header naming another MSP than the caller with SIGNER_NOT_CALLER', () => {
      const header = signatureHeader('Org2MSP', adminCert.certPem);
      expectCode(
        () => signerOf(header, { mspId: 'Org1MSP', idBytes: Buffer.from(adminCert.certPem) }),
        'SIGNER_NOT_CALLER',
      );
    });

    it('refuses a header without a creator with MALFORMED_INPUT', () => {
      const header = new common.SignatureHeader();
      header.setNonce(Buffer.from('nonce'));
      expectCode(
        () =>
          signerOf(header.serializeBinary(), {
            mspId: 'Org1MSP',
            idBytes: Buffer.from(adminCert.certPem),
          }),
        'MALFORMED_INPUT',
      );
    });

    it('accepts a low-S signature over header and update', () => {
      const update = buildUpdate(ADD);
      const header = signatureHeader('Org1MSP', adminCert.certPem);
      const sig = signConfig(adminCert.keyPem, header, update);
      expect(() => {
        verifyConfigSignature(new X509Certificate(adminCert.certPem), header, update, sig);
      }).to.not.throw();
    });

    it('refuses a signature over different bytes with INVALID_CONFIG_SIGNATURE', () => {
      const update = buildUpdate(ADD);
      const header = signatureHeader('Org1MSP', adminCert.certPem);
      const sig = signConfig(adminCert.keyPem, header, buildUpdate(REMOVE));
      const err = expectCode(() => {
        verifyConfigSignature(new X509Certificate(adminCert.certPem), header, update, sig);
      }, 'INVALID_CONFIG_SIGNATURE');
      expect(err.message).to.include('does not verify');
    });

    it('refuses the high-S twin of a valid signature, as Fabric does', () => {
      const update = buildUpdate(ADD);
      const header = signatureHeader('Org1MSP', adminCert.certPem);
      const { r, s } = parseDerSignature(signConfig(adminCert.keyPem, header, update));
      const high = encodeDerSignature(r, P256_ORDER - s);
      const err = expectCode(() => {
        verifyConfigSignature(new X509Certificate(adminCert.certPem), header, update, high);
      }, 'INVALID_CONFIG_SIGNATURE');
      expect(err.message).to.include('high S');
    });

    it('refuses a signature that is not DER with INVALID_CONFIG_SIGNATURE', () => {
      const update = buildUpdate(ADD);
      const header = signatureHeader('Org1MSP', adminCert.certPem);
      expectCode(() => {
        verifyConfigSignature(
          new X509Certificate(adminCert.certPem),
          header,
          update,
          Buffer.alloc(64, 1),
        );
      }, 'INVALID_CONFIG_SIGNATURE');
    });

    it('refuses a signature by another key than the certificate with INVALID_CONFIG_SIGNATURE', () => {
      const update = buildUpdate(ADD);
      const header = signatureHeader('Org1MSP', adminCert.certPem);
      const sig = signConfig(clientCert.keyPem, header, update);
      expectCode(() => {
        verifyConfigSignature(new X509Certificate(adminCert.certPem), header, update, sig);
      }, 'INVALID_CONFIG_SIGNATURE');
    });
  });
});
