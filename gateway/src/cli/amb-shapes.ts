/**
 * The membership contract's records in the managed service's JSON shapes (`GetProposal`,
 * `ListProposals`, `ListProposalVotes`, `ListInvitations`, `ListMembers`, `GetMember`), so an
 * operator's scripts written against `aws managedblockchain` read the same field names. Members
 * are named by the description's member ids and names (`m-…`, `Org1`) where the description
 * knows the MSP id, by the MSP id otherwise (an invitee not yet described, for example).
 */
import type { Invitation, Member, Proposal, VoteRecord } from '../clients/membership-types';

/** One member of a network description, as the CLI needs it. */
export interface DescribedMember {
  /** `Members[].Id`, the managed service's member id. */
  readonly id: string;
  /** `Members[].Name`. */
  readonly name: string;
  /** `Members[].MspId`. */
  readonly mspId: string;
  /** `Members[].FrameworkAttributes`, as written. */
  readonly frameworkAttributes?: unknown;
}

/** What the CLI knows of the network from its description. */
export interface NetworkFacts {
  /** `Network.Id`. */
  readonly networkId: string;
  /** `Network.Name`. */
  readonly networkName: string;
  /** `Network.FrameworkVersion`. */
  readonly frameworkVersion: string;
  /** The described members. */
  readonly members: readonly DescribedMember[];
}

/**
 * Reads the facts the CLI needs from a parsed network description.
 *
 * @param doc - the description's JSON
 * @returns network id, name, framework version and members
 * @throws Error when the description has no `Network` or `Members`
 */
export function networkFacts(doc: unknown): NetworkFacts {
  const d = doc as {
    Network?: { Id?: string; Name?: string; FrameworkVersion?: string };
    Members?: { Id?: string; Name?: string; MspId?: string; FrameworkAttributes?: unknown }[];
  };
  if (d.Network === undefined || !Array.isArray(d.Members)) {
    throw new Error('the network description has no Network or no Members');
  }
  return {
    networkId: d.Network.Id ?? '',
    networkName: d.Network.Name ?? '',
    frameworkVersion: d.Network.FrameworkVersion ?? '',
    members: d.Members.map((m) => ({
      id: m.Id ?? m.MspId ?? '',
      name: m.Name ?? m.MspId ?? '',
      mspId: m.MspId ?? '',
      frameworkAttributes: m.FrameworkAttributes,
    })),
  };
}

/**
 * The described member a name, member id or MSP id denotes.
 *
 * @param facts - the network
 * @param ref - `Org1`, `m-…` or `Org1MSP`
 * @returns the member, or undefined
 */
export function findMember(facts: NetworkFacts, ref: string): DescribedMember | undefined {
  return facts.members.find((m) => m.id === ref || m.name === ref || m.mspId === ref);
}

function idOf(facts: NetworkFacts, mspId: string): string {
  return facts.members.find((m) => m.mspId === mspId)?.id ?? mspId;
}

function nameOf(facts: NetworkFacts, mspId: string): string {
  return facts.members.find((m) => m.mspId === mspId)?.name ?? mspId;
}

function actionsOf(facts: NetworkFacts, proposal: Proposal): Record<string, unknown> {
  if ('Invitations' in proposal.actions) {
    return {
      Invitations: proposal.actions.Invitations.map((i) => ({
        Principal: i.Principal,
        MspDefinitionHash: i.MspDefinitionHash,
      })),
    };
  }
  return {
    Removals: proposal.actions.Removals.map((r) => ({ MemberId: idOf(facts, r.MemberId) })),
  };
}

/**
 * `GetProposal`'s `Proposal`.
 *
 * @param facts - the network
 * @param proposal - the ledger's record
 * @returns the managed service's shape (invitations also carry the voted definition's hash)
 */
export function toProposal(facts: NetworkFacts, proposal: Proposal): Record<string, unknown> {
  return {
    ProposalId: proposal.proposalId,
    NetworkId: facts.networkId,
    Description: proposal.description,
    Actions: actionsOf(facts, proposal),
    ProposedByMemberId: idOf(facts, proposal.proposedBy),
    ProposedByMemberName: nameOf(facts, proposal.proposedBy),
    Status: proposal.status,
    CreationDate: proposal.creationDate,
    ExpirationDate: proposal.expirationDate,
    YesVoteCount: proposal.yesVoteCount,
    NoVoteCount: proposal.noVoteCount,
    OutstandingVoteCount: proposal.outstandingVoteCount,
  };
}

/**
 * `ListProposals`' `ProposalSummary`.
 *
 * @param facts - the network
 * @param proposal - the ledger's record
 * @returns the summary
 */
export function toProposalSummary(
  facts: NetworkFacts,
  proposal: Proposal,
): Record<string, unknown> {
  return {
    ProposalId: proposal.proposalId,
    Description: proposal.description,
    ProposedByMemberId: idOf(facts, proposal.proposedBy),
    ProposedByMemberName: nameOf(facts, proposal.proposedBy),
    Status: proposal.status,
    CreationDate: proposal.creationDate,
    ExpirationDate: proposal.expirationDate,
  };
}

/**
 * `ListProposalVotes`' `VoteSummary`.
 *
 * @param facts - the network
 * @param vote - the ledger's record
 * @returns the summary
 */
export function toVoteSummary(facts: NetworkFacts, vote: VoteRecord): Record<string, unknown> {
  return {
    Vote: vote.vote,
    MemberName: nameOf(facts, vote.memberId),
    MemberId: idOf(facts, vote.memberId),
  };
}

/**
 * `ListInvitations`' `Invitation`.
 *
 * @param facts - the network
 * @param invitation - the ledger's record
 * @returns the managed service's shape, with the invited principal
 */
export function toInvitation(facts: NetworkFacts, invitation: Invitation): Record<string, unknown> {
  return {
    InvitationId: invitation.invitationId,
    CreationDate: invitation.creationDate,
    ExpirationDate: invitation.expirationDate,
    Status: invitation.status,
    Principal: invitation.principal,
    NetworkSummary: {
      Id: facts.networkId,
      Name: facts.networkName,
      Framework: 'HYPERLEDGER_FABRIC',
      FrameworkVersion: facts.frameworkVersion,
      Status: 'AVAILABLE',
    },
  };
}

/**
 * `ListMembers`' `MemberSummary`.
 *
 * @param facts - the network
 * @param member - the registry's record
 * @param actingMspId - the MSP the CLI acts as (`IsOwned`)
 * @returns the summary
 */
export function toMemberSummary(
  facts: NetworkFacts,
  member: Member,
  actingMspId: string,
): Record<string, unknown> {
  return {
    Id: idOf(facts, member.mspId),
    Name: nameOf(facts, member.mspId),
    Status: 'AVAILABLE',
    CreationDate: member.joinedDate,
    IsOwned: member.mspId === actingMspId,
  };
}

/**
 * `GetMember`'s `Member`.
 *
 * @param facts - the network
 * @param member - the registry's record
 * @returns the managed service's shape, with the MSP id and what the description publishes
 */
export function toMember(facts: NetworkFacts, member: Member): Record<string, unknown> {
  const described = facts.members.find((m) => m.mspId === member.mspId);
  return {
    NetworkId: facts.networkId,
    Id: idOf(facts, member.mspId),
    Name: nameOf(facts, member.mspId),
    MspId: member.mspId,
    ...(described?.frameworkAttributes === undefined
      ? {}
      : { FrameworkAttributes: described.frameworkAttributes }),
    Status: 'AVAILABLE',
    CreationDate: member.joinedDate,
  };
}
