/**
 * How the Network page writes a chaincode definition's endorsement policy: from the
 * ApplicationPolicy bytes of the definition, in the peer CLI's words.
 */
import { expect } from 'chai';
import { common, msp, peer } from '@hyperledger/fabric-protos';
import { policyText } from '../../../console/src/network/definitions';

function peerOf(mspId: string): msp.MSPPrincipal {
  const role = new msp.MSPRole();
  role.setMspIdentifier(mspId);
  role.setRole(msp.MSPRole.MSPRoleType.PEER);
  const principal = new msp.MSPPrincipal();
  principal.setPrincipalClassification(msp.MSPPrincipal.Classification.ROLE);
  principal.setPrincipal(role.serializeBinary());
  return principal;
}

function signedBy(i: number): common.SignaturePolicy {
  const rule = new common.SignaturePolicy();
  rule.setSignedBy(i);
  return rule;
}

function nOutOf(n: number, ...rules: common.SignaturePolicy[]): common.SignaturePolicy {
  const inner = new common.SignaturePolicy.NOutOf();
  inner.setN(n);
  inner.setRulesList(rules);
  const rule = new common.SignaturePolicy();
  rule.setNOutOf(inner);
  return rule;
}

function signaturePolicy(rule: common.SignaturePolicy, ...mspIds: string[]): Uint8Array {
  const envelope = new common.SignaturePolicyEnvelope();
  envelope.setRule(rule);
  envelope.setIdentitiesList(mspIds.map(peerOf));
  const policy = new peer.ApplicationPolicy();
  policy.setSignaturePolicy(envelope);
  return policy.serializeBinary();
}

describe('console: endorsement policy text', () => {
  it("writes one of several peers as OR('Org1MSP.peer', 'Org2MSP.peer')", () => {
    const bytes = signaturePolicy(nOutOf(1, signedBy(0), signedBy(1)), 'Org1MSP', 'Org2MSP');
    expect(policyText(bytes)).to.equal("OR('Org1MSP.peer', 'Org2MSP.peer')");
  });

  it('writes all of them as AND and some of them as OutOf', () => {
    const three = ['Org1MSP', 'Org2MSP', 'Org3MSP'];
    const rules = [signedBy(0), signedBy(1), signedBy(2)];
    expect(policyText(signaturePolicy(nOutOf(3, ...rules), ...three))).to.equal(
      "AND('Org1MSP.peer', 'Org2MSP.peer', 'Org3MSP.peer')",
    );
    expect(policyText(signaturePolicy(nOutOf(2, ...rules), ...three))).to.equal(
      "OutOf(2, 'Org1MSP.peer', 'Org2MSP.peer', 'Org3MSP.peer')",
    );
  });

  it('names a channel policy by its path', () => {
    const policy = new peer.ApplicationPolicy();
    policy.setChannelConfigPolicyReference('/Channel/Application/Endorsement');
    expect(policyText(policy.serializeBinary())).to.equal('/Channel/Application/Endorsement');
  });

  it('says so when the bytes are no policy', () => {
    expect(policyText(Uint8Array.from([0xff, 0xff, 0xff]))).to.equal('unreadable');
  });
});
