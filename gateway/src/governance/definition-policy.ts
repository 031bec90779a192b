/**
 * Chaincode definitions that follow the channel's membership (issue 13): recognising a policy "over
 * every member" (a 1-of-n OR over one role of exactly a set of MSPs the channel has had as its
 * members, as `OR('Org1MSP.peer','Org2MSP.peer')` compiles) and rewriting it over the current
 * members, for the endorsement policy and each collection's member and endorsement policies. Any
 * other policy (a channel policy reference, an AND, a mix of roles, a subset of the members) is a
 * choice someone made on purpose and is kept, with the reason.
 *
 * Pure: the protobuf messages in, the new definition out. Every member's agent computes the same
 * bytes from the same inputs (MSP ids sorted, principals in the order Fabric's policy parser gives
 * them), which approvals must agree on byte for byte.
 */
import { common, msp, peer } from '@hyperledger/fabric-protos';

/** A principal role of an MSP, as the policy language names it. */
export type PrincipalRole = 'member' | 'admin' | 'client' | 'peer' | 'orderer';

const ROLE_NAMES: Readonly<Record<number, PrincipalRole>> = {
  [msp.MSPRole.MSPRoleType.MEMBER]: 'member',
  [msp.MSPRole.MSPRoleType.ADMIN]: 'admin',
  [msp.MSPRole.MSPRoleType.CLIENT]: 'client',
  [msp.MSPRole.MSPRoleType.PEER]: 'peer',
  [msp.MSPRole.MSPRoleType.ORDERER]: 'orderer',
};

const ROLE_VALUES: Readonly<
  Record<PrincipalRole, msp.MSPRole.MSPRoleTypeMap[keyof msp.MSPRole.MSPRoleTypeMap]>
> = {
  member: msp.MSPRole.MSPRoleType.MEMBER,
  admin: msp.MSPRole.MSPRoleType.ADMIN,
  client: msp.MSPRole.MSPRoleType.CLIENT,
  peer: msp.MSPRole.MSPRoleType.PEER,
  orderer: msp.MSPRole.MSPRoleType.ORDERER,
};

/** A policy "any one of these MSPs in this role": `OR('A.role','B.role',...)`. */
export interface MemberOrPolicy {
  /** The role every principal names. */
  readonly role: PrincipalRole;
  /** The MSP ids, sorted, each once. */
  readonly mspIds: readonly string[];
}

/** What a policy is, read as a possible member OR. */
export type PolicyReading =
  | {
      /** A 1-of-n OR over one role of distinct MSPs. */
      readonly kind: 'MEMBER_OR';
      /** The role and MSPs. */
      readonly policy: MemberOrPolicy;
    }
  | {
      /** Any other shape. */
      readonly kind: 'OTHER';
      /** Why it is not a member OR. */
      readonly reason: string;
    };

function sorted(ids: Iterable<string>): string[] {
  return [...ids].sort();
}

/**
 * Reads a signature policy as a member OR, when it is one.
 *
 * @param envelope - the policy
 * @returns `MEMBER_OR` with role and MSPs, or `OTHER` with the reason it is not one
 */
export function readMemberOrPolicy(envelope: common.SignaturePolicyEnvelope): PolicyReading {
  const rule = envelope.getRule();
  const identities = envelope.getIdentitiesList();
  const outOf = rule?.getNOutOf();
  if (rule === undefined || outOf === undefined) {
    return { kind: 'OTHER', reason: 'its rule is not an n-out-of' };
  }
  const rules = outOf.getRulesList();
  if (outOf.getN() !== 1 || rules.length < 1) {
    return {
      kind: 'OTHER',
      reason: `it needs ${outOf.getN()} of ${rules.length}, not one of them`,
    };
  }
  const seen = new Set<number>();
  for (const r of rules) {
    if (r.getTypeCase() !== common.SignaturePolicy.TypeCase.SIGNED_BY) {
      return { kind: 'OTHER', reason: 'it nests policies inside the OR' };
    }
    seen.add(r.getSignedBy());
  }
  if (seen.size !== rules.length || seen.size !== identities.length) {
    return { kind: 'OTHER', reason: 'its rules do not name each of its principals once' };
  }
  let role: PrincipalRole | undefined;
  const mspIds = new Set<string>();
  for (const index of seen) {
    const principal = identities[index];
    if (principal === undefined) {
      return { kind: 'OTHER', reason: `it names principal ${index}, which it does not list` };
    }
    if (principal.getPrincipalClassification() !== msp.MSPPrincipal.Classification.ROLE) {
      return { kind: 'OTHER', reason: 'a principal is not an MSP role (an identity or an OU)' };
    }
    const mspRole = msp.MSPRole.deserializeBinary(principal.getPrincipal_asU8());
    const name = ROLE_NAMES[mspRole.getRole()];
    if (name === undefined || (role !== undefined && name !== role)) {
      return { kind: 'OTHER', reason: 'its principals name different roles' };
    }
    role = name;
    if (mspIds.has(mspRole.getMspIdentifier())) {
      return { kind: 'OTHER', reason: `it names ${mspRole.getMspIdentifier()} twice` };
    }
    mspIds.add(mspRole.getMspIdentifier());
  }
  if (role === undefined) return { kind: 'OTHER', reason: 'it names no principal' };
  return { kind: 'MEMBER_OR', policy: { role, mspIds: sorted(mspIds) } };
}

/**
 * The signature policy `OR('A.role','B.role',...)` over sorted MSP ids, in the form Fabric's policy
 * parser builds (version 0, one principal per operand in order, `SignedBy(i)` rules).
 *
 * @param policy - role and MSPs
 * @returns the envelope
 */
export function memberOrEnvelope(policy: MemberOrPolicy): common.SignaturePolicyEnvelope {
  const ids = sorted(new Set(policy.mspIds));
  const outOf = new common.SignaturePolicy.NOutOf();
  outOf.setN(1);
  outOf.setRulesList(
    ids.map((_id, i) => {
      const r = new common.SignaturePolicy();
      r.setSignedBy(i);
      return r;
    }),
  );
  const rule = new common.SignaturePolicy();
  rule.setNOutOf(outOf);
  const envelope = new common.SignaturePolicyEnvelope();
  envelope.setVersion(0);
  envelope.setRule(rule);
  envelope.setIdentitiesList(
    ids.map((id) => {
      const mspRole = new msp.MSPRole();
      mspRole.setMspIdentifier(id);
      mspRole.setRole(ROLE_VALUES[policy.role]);
      const principal = new msp.MSPPrincipal();
      principal.setPrincipalClassification(msp.MSPPrincipal.Classification.ROLE);
      principal.setPrincipal(mspRole.serializeBinary());
      return principal;
    }),
  );
  return envelope;
}

/**
 * The policy-language text of a member OR, for logs and for the peer CLI.
 *
 * @param policy - role and MSPs
 * @returns e.g. `OR('Org1MSP.peer','Org2MSP.peer')`
 */
export function memberOrText(policy: MemberOrPolicy): string {
  return `OR(${sorted(policy.mspIds)
    .map((id) => `'${id}.${policy.role}'`)
    .join(',')})`;
}

/** An applied change of the channel's organisations. */
export interface AppliedMembershipChange {
  /** Added or removed. */
  readonly action: 'ADD_ORG' | 'REMOVE_ORG';
  /** The organisation. */
  readonly mspId: string;
  /** The config sequence it produced (decimal). */
  readonly appliedSequence: string;
}

/**
 * The member sets the channel has had, newest first: the current one, then each one before an
 * applied change, found by undoing the changes from the newest back.
 *
 * @param current - the channel's Application organisations now
 * @param applied - the applied changes, in any order
 * @returns sorted MSP-id sets, `current` first
 */
export function memberSetsOver(
  current: readonly string[],
  applied: readonly AppliedMembershipChange[],
): string[][] {
  const byNewest = [...applied].sort((a, b) => {
    const d = BigInt(b.appliedSequence) - BigInt(a.appliedSequence);
    return d > 0n ? 1 : d < 0n ? -1 : 0;
  });
  const sets = [sorted(new Set(current))];
  let set = new Set(current);
  for (const change of byNewest) {
    set = new Set(set);
    if (change.action === 'ADD_ORG') set.delete(change.mspId);
    else set.add(change.mspId);
    sets.push(sorted(set));
  }
  return sets;
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** What to do with one policy of a definition. */
export type PolicyPlan =
  | {
      /** Already over the current members. */
      readonly kind: 'CURRENT';
    }
  | {
      /** Over an earlier member set: rewrite it over the current one. */
      readonly kind: 'REWRITE';
      /** The policy now. */
      readonly from: MemberOrPolicy;
      /** The policy over the current members. */
      readonly to: MemberOrPolicy;
      /** The rewritten envelope. */
      readonly envelope: common.SignaturePolicyEnvelope;
    }
  | {
      /** Not a policy over every member: left as it is. */
      readonly kind: 'KEEP';
      /** Why. */
      readonly reason: string;
    };

/**
 * Plans one signature policy: a member OR over exactly a member set the channel has had is
 * rewritten over the current members (same role); anything else is kept.
 *
 * @param envelope - the policy
 * @param memberSets - {@link memberSetsOver}: current first, then earlier sets
 * @returns CURRENT, REWRITE with the new envelope, or KEEP with the reason
 */
export function planPolicy(
  envelope: common.SignaturePolicyEnvelope,
  memberSets: readonly (readonly string[])[],
): PolicyPlan {
  const current = memberSets[0] ?? [];
  const reading = readMemberOrPolicy(envelope);
  if (reading.kind === 'OTHER') {
    return { kind: 'KEEP', reason: `not an OR over the members: ${reading.reason}` };
  }
  const { policy } = reading;
  if (sameSet(policy.mspIds, current)) return { kind: 'CURRENT' };
  if (!memberSets.slice(1).some((s) => sameSet(s, policy.mspIds))) {
    return {
      kind: 'KEEP',
      reason: `${memberOrText(policy)} names ${policy.mspIds.join(', ')}, which was never the channel's whole member set`,
    };
  }
  const to: MemberOrPolicy = { role: policy.role, mspIds: sorted(current) };
  return { kind: 'REWRITE', from: policy, to, envelope: memberOrEnvelope(to) };
}

/** A committed chaincode definition, as `_lifecycle` reports it. */
export interface ChaincodeDefinition {
  /** The chaincode name. */
  readonly name: string;
  /** Its sequence. */
  readonly sequence: bigint;
  /** Its version. */
  readonly version: string;
  /** The endorsement plugin (`escc`). */
  readonly endorsementPlugin: string;
  /** The validation plugin (`vscc`). */
  readonly validationPlugin: string;
  /** With vscc: the serialized `peer.ApplicationPolicy`. */
  readonly validationParameter: Uint8Array;
  /** The serialized `peer.CollectionConfigPackage`; empty when it has no collections. */
  readonly collections: Uint8Array;
  /** Whether Init must run first. */
  readonly initRequired: boolean;
}

/** One policy of a definition the planner looked at. */
export interface PolicyNote {
  /** `endorsement`, or `collection <name> members` / `collection <name> endorsement`. */
  readonly where: string;
  /** What it does with it. */
  readonly plan: 'CURRENT' | 'REWRITE' | 'KEEP';
  /** With REWRITE: old and new text; with KEEP: why. */
  readonly detail: string;
}

/** The definition a chaincode should have for the current members. */
export interface DefinitionPlan {
  /** The next definition (sequence + 1), or undefined when nothing needs rewriting. */
  readonly next: ChaincodeDefinition | undefined;
  /** Every policy looked at, and what became of it. */
  readonly notes: readonly PolicyNote[];
}

function noteOf(where: string, plan: PolicyPlan): PolicyNote {
  switch (plan.kind) {
    case 'CURRENT':
      return { where, plan: 'CURRENT', detail: 'over the current members' };
    case 'REWRITE':
      return {
        where,
        plan: 'REWRITE',
        detail: `${memberOrText(plan.from)} -> ${memberOrText(plan.to)}`,
      };
    case 'KEEP':
      return { where, plan: 'KEEP', detail: plan.reason };
  }
}

/**
 * Plans a definition's policies for the current members: the endorsement policy (with vscc, a
 * signature policy) and every collection's member and endorsement policies. Every other field,
 * every collection (Fabric refuses dropping one) and every other collection field are kept.
 *
 * @param definition - the committed definition
 * @param memberSets - {@link memberSetsOver}: current first, then earlier sets
 * @returns the next definition when some policy is rewritten, and a note per policy
 */
export function planDefinition(
  definition: ChaincodeDefinition,
  memberSets: readonly (readonly string[])[],
): DefinitionPlan {
  const notes: PolicyNote[] = [];
  let changed = false;
  let validationParameter = definition.validationParameter;
  if (definition.validationPlugin !== 'vscc') {
    notes.push({
      where: 'endorsement',
      plan: 'KEEP',
      detail: `validation plugin ${definition.validationPlugin} reads its own parameter`,
    });
  } else {
    const app = peer.ApplicationPolicy.deserializeBinary(definition.validationParameter);
    const signature = app.getSignaturePolicy();
    if (signature === undefined) {
      notes.push({
        where: 'endorsement',
        plan: 'KEEP',
        detail: `the channel policy ${app.getChannelConfigPolicyReference() || '(none)'}, which follows the channel's members by itself`,
      });
    } else {
      const plan = planPolicy(signature, memberSets);
      notes.push(noteOf('endorsement', plan));
      if (plan.kind === 'REWRITE') {
        const next = new peer.ApplicationPolicy();
        next.setSignaturePolicy(plan.envelope);
        validationParameter = next.serializeBinary();
        changed = true;
      }
    }
  }
  let collections = definition.collections;
  if (definition.collections.length > 0) {
    const pkg = peer.CollectionConfigPackage.deserializeBinary(definition.collections);
    let collectionsChanged = false;
    for (const config of pkg.getConfigList()) {
      const stat = config.getStaticCollectionConfig();
      if (stat === undefined) continue;
      const name = stat.getName();
      const members = stat.getMemberOrgsPolicy()?.getSignaturePolicy();
      if (members !== undefined) {
        const plan = planPolicy(members, memberSets);
        notes.push(noteOf(`collection ${name} members`, plan));
        if (plan.kind === 'REWRITE') {
          const policy = new peer.CollectionPolicyConfig();
          policy.setSignaturePolicy(plan.envelope);
          stat.setMemberOrgsPolicy(policy);
          collectionsChanged = true;
        }
      }
      const endorsement = stat.getEndorsementPolicy()?.getSignaturePolicy();
      if (endorsement !== undefined) {
        const plan = planPolicy(endorsement, memberSets);
        notes.push(noteOf(`collection ${name} endorsement`, plan));
        if (plan.kind === 'REWRITE') {
          const policy = new peer.ApplicationPolicy();
          policy.setSignaturePolicy(plan.envelope);
          stat.setEndorsementPolicy(policy);
          collectionsChanged = true;
        }
      }
    }
    if (collectionsChanged) {
      collections = pkg.serializeBinary();
      changed = true;
    }
  }
  return {
    next: changed
      ? { ...definition, sequence: definition.sequence + 1n, validationParameter, collections }
      : undefined,
    notes,
  };
}
