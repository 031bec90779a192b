/**
 * Chaincode definitions that follow the members: which policies are "over every member" (an OR
 * over one role of exactly a member set the channel has had), their rewrite over the current
 * members, and the plan of a whole definition (endorsement policy and collections), on the
 * protobuf messages `_lifecycle` stores.
 */
import { expect } from 'chai';
import { common, msp, peer } from '@hyperledger/fabric-protos';
import { governance, type ChaincodeDefinition } from '../../../../gateway/src';

const ROLE = msp.MSPRole.MSPRoleType;

/** A policy built by hand as Fabric's parser builds `OR(...)` or `AND(...)` of MSP roles. */
function policyOf(
  n: number,
  principals: [string, (typeof ROLE)[keyof typeof ROLE]][],
): common.SignaturePolicyEnvelope {
  const outOf = new common.SignaturePolicy.NOutOf();
  outOf.setN(n);
  outOf.setRulesList(
    principals.map((_p, i) => {
      const r = new common.SignaturePolicy();
      r.setSignedBy(i);
      return r;
    }),
  );
  const rule = new common.SignaturePolicy();
  rule.setNOutOf(outOf);
  const envelope = new common.SignaturePolicyEnvelope();
  envelope.setRule(rule);
  envelope.setIdentitiesList(
    principals.map(([id, role]) => {
      const r = new msp.MSPRole();
      r.setMspIdentifier(id);
      r.setRole(role);
      const p = new msp.MSPPrincipal();
      p.setPrincipalClassification(msp.MSPPrincipal.Classification.ROLE);
      p.setPrincipal(r.serializeBinary());
      return p;
    }),
  );
  return envelope;
}

const FOUNDERS = ['Org1MSP', 'Org2MSP'];
const WITH_ORG3 = ['Org1MSP', 'Org2MSP', 'Org3MSP'];
/** Org3 joined at sequence 5: now three members, before it the two founders. */
const AFTER_JOIN = governance.memberSetsOver(WITH_ORG3, [
  { action: 'ADD_ORG', mspId: 'Org3MSP', appliedSequence: '5' },
]);

function definition(
  endorsement: common.SignaturePolicyEnvelope | string,
  collections?: peer.CollectionConfigPackage,
): ChaincodeDefinition {
  const app = new peer.ApplicationPolicy();
  if (typeof endorsement === 'string') app.setChannelConfigPolicyReference(endorsement);
  else app.setSignaturePolicy(endorsement);
  return {
    name: 'consortium',
    sequence: 3n,
    version: '1',
    endorsementPlugin: 'escc',
    validationPlugin: 'vscc',
    validationParameter: app.serializeBinary(),
    collections: collections?.serializeBinary() ?? new Uint8Array(),
    initRequired: false,
  };
}

function collection(name: string, members: common.SignaturePolicyEnvelope): peer.CollectionConfig {
  const policy = new peer.CollectionPolicyConfig();
  policy.setSignaturePolicy(members);
  const stat = new peer.StaticCollectionConfig();
  stat.setName(name);
  stat.setMemberOrgsPolicy(policy);
  stat.setRequiredPeerCount(1);
  stat.setMaximumPeerCount(3);
  stat.setBlockToLive(0);
  stat.setMemberOnlyRead(true);
  stat.setMemberOnlyWrite(true);
  const config = new peer.CollectionConfig();
  config.setStaticCollectionConfig(stat);
  return config;
}

function packageOf(...configs: peer.CollectionConfig[]): peer.CollectionConfigPackage {
  const pkg = new peer.CollectionConfigPackage();
  pkg.setConfigList(configs);
  return pkg;
}

describe('governance: policies over every member', () => {
  describe('readMemberOrPolicy', () => {
    it("reads OR('Org2MSP.peer','Org1MSP.peer') as a peer OR over the sorted MSPs", () => {
      const reading = governance.readMemberOrPolicy(
        policyOf(1, [
          ['Org2MSP', ROLE.PEER],
          ['Org1MSP', ROLE.PEER],
        ]),
      );
      expect(reading).to.deep.equal({
        kind: 'MEMBER_OR',
        policy: { role: 'peer', mspIds: ['Org1MSP', 'Org2MSP'] },
      });
    });

    it('does not read an AND as a member OR, and says why', () => {
      const reading = governance.readMemberOrPolicy(
        policyOf(2, [
          ['Org1MSP', ROLE.PEER],
          ['Org2MSP', ROLE.PEER],
        ]),
      );
      expect(reading).to.deep.equal({ kind: 'OTHER', reason: 'it needs 2 of 2, not one of them' });
    });

    it('does not read an OR over different roles as a member OR', () => {
      const reading = governance.readMemberOrPolicy(
        policyOf(1, [
          ['Org1MSP', ROLE.PEER],
          ['Org2MSP', ROLE.ADMIN],
        ]),
      );
      expect(reading).to.deep.equal({
        kind: 'OTHER',
        reason: 'its principals name different roles',
      });
    });

    it('does not read an OR naming one MSP twice as a member OR', () => {
      const reading = governance.readMemberOrPolicy(
        policyOf(1, [
          ['Org1MSP', ROLE.PEER],
          ['Org1MSP', ROLE.PEER],
        ]),
      );
      expect(reading).to.deep.equal({ kind: 'OTHER', reason: 'it names Org1MSP twice' });
    });
  });

  describe('memberOrEnvelope', () => {
    it("builds the bytes Fabric's parser gives OR('Org1MSP.member','Org3MSP.member'), whatever the input order", () => {
      const built = governance.memberOrEnvelope({
        role: 'member',
        mspIds: ['Org3MSP', 'Org1MSP'],
      });
      const parsed = policyOf(1, [
        ['Org1MSP', ROLE.MEMBER],
        ['Org3MSP', ROLE.MEMBER],
      ]);
      expect(Buffer.from(built.serializeBinary()).toString('hex')).to.equal(
        Buffer.from(parsed.serializeBinary()).toString('hex'),
      );
      expect(governance.memberOrText({ role: 'member', mspIds: ['Org3MSP', 'Org1MSP'] })).to.equal(
        "OR('Org1MSP.member','Org3MSP.member')",
      );
    });
  });

  describe('memberSetsOver', () => {
    it('undoes the applied changes from the newest back, whatever their order', () => {
      const sets = governance.memberSetsOver(
        ['Org1MSP', 'Org3MSP'],
        [
          { action: 'REMOVE_ORG', mspId: 'Org2MSP', appliedSequence: '7' },
          { action: 'ADD_ORG', mspId: 'Org3MSP', appliedSequence: '5' },
        ],
      );
      expect(sets).to.deep.equal([
        ['Org1MSP', 'Org3MSP'],
        ['Org1MSP', 'Org2MSP', 'Org3MSP'],
        ['Org1MSP', 'Org2MSP'],
      ]);
    });
  });

  describe('planPolicy', () => {
    it('rewrites an OR over the previous member set over the current one, keeping the role', () => {
      const plan = governance.planPolicy(
        policyOf(1, [
          ['Org1MSP', ROLE.PEER],
          ['Org2MSP', ROLE.PEER],
        ]),
        AFTER_JOIN,
      );
      if (plan.kind !== 'REWRITE') return expect.fail(`planned ${plan.kind}`);
      expect(plan.from).to.deep.equal({ role: 'peer', mspIds: FOUNDERS });
      expect(plan.to).to.deep.equal({ role: 'peer', mspIds: WITH_ORG3 });
      expect(governance.readMemberOrPolicy(plan.envelope)).to.deep.equal({
        kind: 'MEMBER_OR',
        policy: { role: 'peer', mspIds: WITH_ORG3 },
      });
    });

    it('finds an OR over the current members current', () => {
      const plan = governance.planPolicy(
        policyOf(
          1,
          WITH_ORG3.map((id) => [id, ROLE.PEER] as [string, 3]),
        ),
        AFTER_JOIN,
      );
      expect(plan).to.deep.equal({ kind: 'CURRENT' });
    });

    it('keeps an OR over a subset that was never the whole member set, and says why', () => {
      const plan = governance.planPolicy(policyOf(1, [['Org1MSP', ROLE.PEER]]), AFTER_JOIN);
      expect(plan).to.deep.equal({
        kind: 'KEEP',
        reason: "OR('Org1MSP.peer') names Org1MSP, which was never the channel's whole member set",
      });
    });

    it('keeps an AND over the previous members', () => {
      const plan = governance.planPolicy(
        policyOf(2, [
          ['Org1MSP', ROLE.PEER],
          ['Org2MSP', ROLE.PEER],
        ]),
        AFTER_JOIN,
      );
      expect(plan.kind).to.equal('KEEP');
      expect(plan.kind === 'KEEP' && plan.reason).to.equal(
        'not an OR over the members: it needs 2 of 2, not one of them',
      );
    });
  });

  describe('planDefinition', () => {
    const foundersPeer = policyOf(1, [
      ['Org1MSP', ROLE.PEER],
      ['Org2MSP', ROLE.PEER],
    ]);
    const foundersMember = policyOf(1, [
      ['Org1MSP', ROLE.MEMBER],
      ['Org2MSP', ROLE.MEMBER],
    ]);

    it('moves the endorsement policy and the member collection to the new members at sequence + 1, keeping every other field', () => {
      const before = definition(
        foundersPeer,
        packageOf(
          collection('membershipPrivate', foundersMember),
          collection('org1Only', policyOf(1, [['Org1MSP', ROLE.MEMBER]])),
        ),
      );
      const { next, notes } = governance.planDefinition(before, AFTER_JOIN);
      if (next === undefined) return expect.fail('no next definition');
      expect(next.sequence).to.equal(4n);
      expect(next).to.deep.include({
        name: 'consortium',
        version: '1',
        endorsementPlugin: 'escc',
        validationPlugin: 'vscc',
        initRequired: false,
      });
      const app = peer.ApplicationPolicy.deserializeBinary(next.validationParameter);
      expect(governance.readMemberOrPolicy(app.getSignaturePolicy()!)).to.deep.equal({
        kind: 'MEMBER_OR',
        policy: { role: 'peer', mspIds: WITH_ORG3 },
      });
      const configs = peer.CollectionConfigPackage.deserializeBinary(next.collections)
        .getConfigList()
        .map((c) => c.getStaticCollectionConfig()!);
      expect(configs.map((c) => c.getName())).to.deep.equal(['membershipPrivate', 'org1Only']);
      expect(
        governance.readMemberOrPolicy(configs[0]!.getMemberOrgsPolicy()!.getSignaturePolicy()!),
      ).to.deep.equal({ kind: 'MEMBER_OR', policy: { role: 'member', mspIds: WITH_ORG3 } });
      expect(configs[0]!.getMaximumPeerCount()).to.equal(3);
      expect(configs[0]!.getMemberOnlyRead()).to.equal(true);
      expect(
        governance.readMemberOrPolicy(configs[1]!.getMemberOrgsPolicy()!.getSignaturePolicy()!),
      ).to.deep.equal({ kind: 'MEMBER_OR', policy: { role: 'member', mspIds: ['Org1MSP'] } });
      expect(notes.map((n) => `${n.where} ${n.plan}`)).to.deep.equal([
        'endorsement REWRITE',
        'collection membershipPrivate members REWRITE',
        'collection org1Only members KEEP',
      ]);
    });

    it('keeps a channel policy reference and says it follows the members by itself', () => {
      const { next, notes } = governance.planDefinition(
        definition('/Channel/Application/Endorsement', packageOf(collection('p', foundersMember))),
        AFTER_JOIN,
      );
      expect(next?.sequence).to.equal(4n);
      expect(notes[0]).to.deep.equal({
        where: 'endorsement',
        plan: 'KEEP',
        detail:
          "the channel policy /Channel/Application/Endorsement, which follows the channel's members by itself",
      });
      expect(Buffer.from(next!.validationParameter)).to.deep.equal(
        Buffer.from(definition('/Channel/Application/Endorsement').validationParameter),
      );
    });

    it('plans no next definition when every policy is over the current members already', () => {
      const { next, notes } = governance.planDefinition(
        definition(foundersPeer, packageOf(collection('p', foundersMember))),
        governance.memberSetsOver(FOUNDERS, []),
      );
      expect(next).to.equal(undefined);
      expect(notes.map((n) => n.plan)).to.deep.equal(['CURRENT', 'CURRENT']);
    });

    it('leaves the parameter of a validation plugin other than vscc alone', () => {
      const custom = { ...definition(foundersPeer), validationPlugin: 'custom-vscc' };
      const { next, notes } = governance.planDefinition(custom, AFTER_JOIN);
      expect(next).to.equal(undefined);
      expect(notes).to.deep.equal([
        {
          where: 'endorsement',
          plan: 'KEEP',
          detail: 'validation plugin custom-vscc reads its own parameter',
        },
      ]);
    });
  });
});
