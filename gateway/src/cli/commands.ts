/**
 * The `amb` commands: the managed service's membership calls over the `membership` contract
 * (proposals, votes, invitations, members), and member and node lifecycle delegated to the local
 * network's script (`network.sh member create|delete`, `node create|delete`). Each command reads
 * its options, calls the gateway library and returns the result in the managed service's shape.
 */
import { readFileSync } from 'node:fs';
import type { MembershipClient } from '../clients/membership-client';
import type { ProposalActionsInput, ProposalStatus } from '../clients/membership-types';
import { UsageError, type OptionSpec } from './args';
import {
  findMember,
  toInvitation,
  toMember,
  toMemberSummary,
  toProposal,
  toProposalSummary,
  toVoteSummary,
  type NetworkFacts,
} from './amb-shapes';

/** What a command runs against. */
export interface CliContext {
  /** The network, from its description. */
  readonly facts: NetworkFacts;
  /** The MSP the CLI acts as. */
  readonly actingMspId: string;
  /**
   * A membership client for a member (the acting one when absent), connected on first use.
   *
   * @param mspId - the member to act as
   */
  membership(mspId?: string): Promise<MembershipClient>;
  /**
   * Runs the local network's script with these arguments.
   *
   * @param args - the script's arguments
   * @returns what it printed
   */
  networkSh(args: readonly string[]): Promise<string>;
}

/** One command. */
export interface Command {
  /** One line for the command list. */
  readonly summary: string;
  /** Its options (besides the global ones). */
  readonly options: readonly OptionSpec[];
  /** Runs it. */
  run(ctx: CliContext, options: Readonly<Record<string, string>>): Promise<Record<string, unknown>>;
}

const NETWORK_ID: OptionSpec = {
  name: 'network-id',
  help: 'checked against the description when given',
};
/** `--member-id` where the managed service names the calling member: the member to act as. */
export const MEMBER_ID: OptionSpec = {
  name: 'member-id',
  help: 'the member to act as (as --member)',
};

/**
 * An option value that may be `file://path`, as the managed service's CLI allows.
 *
 * @param value - the option's value
 * @returns the value, or the file's text
 */
export function readValue(value: string): string {
  return value.startsWith('file://') ? readFileSync(value.slice('file://'.length), 'utf8') : value;
}

/**
 * Parses `--actions` JSON into the contract's actions: invitations with their MSP definitions,
 * removals naming a member by id, name or MSP id.
 *
 * @param facts - the network, to resolve member ids
 * @param text - the JSON
 * @returns the actions
 * @throws UsageError when it is not JSON of that shape
 */
export function parseActions(facts: NetworkFacts, text: string): ProposalActionsInput {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new UsageError(
      `--actions is not valid JSON: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
  const v = value as { Invitations?: unknown; Removals?: unknown } | null;
  if (v !== null && typeof v === 'object' && Array.isArray(v.Removals)) {
    return {
      Removals: v.Removals.map((r: unknown) => {
        const ref = (r as { MemberId?: unknown } | null)?.MemberId;
        if (typeof ref !== 'string') {
          throw new UsageError(
            '--actions Removals entries are {"MemberId":"<member id or MSP id>"}',
          );
        }
        return { MemberId: findMember(facts, ref)?.mspId ?? ref };
      }),
    };
  }
  if (v !== null && typeof v === 'object' && Array.isArray(v.Invitations)) {
    // The contract checks each invitation (Principal and MspDefinition) and names what is wrong.
    const invitations: unknown[] = v.Invitations;
    return { Invitations: invitations } as ProposalActionsInput;
  }
  throw new UsageError(
    '--actions is {"Invitations":[{"Principal":"Org3MSP","MspDefinition":{…}}]} or {"Removals":[{"MemberId":"m-…"}]}',
  );
}

function positiveInt(value: string | undefined, name: string, max: number): number | undefined {
  if (value === undefined) return undefined;
  if (!/^[1-9][0-9]*$/.test(value) || Number(value) > max) {
    throw new UsageError(`--${name} is an integer from 1 to ${max}, got ${JSON.stringify(value)}`);
  }
  return Number(value);
}

/** The member a member reference denotes, as an MSP id. */
function memberMsp(ctx: CliContext, ref: string): string {
  return findMember(ctx.facts, ref)?.mspId ?? ref;
}

async function lifecycle(
  ctx: CliContext,
  args: readonly string[],
): Promise<Record<string, unknown>> {
  try {
    return { Output: (await ctx.networkSh(args)).trim() };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    if (message.includes(`unknown command '${args[0] ?? ''}'`)) {
      throw new Error(
        `this network's network.sh has no \`${args.slice(0, 2).join(' ')}\` yet (it comes with the member and node lifecycle work); nothing was changed`,
        { cause: err },
      );
    }
    throw err;
  }
}

/** Every command, by name. */
export const COMMANDS: Readonly<Record<string, Command>> = {
  'create-proposal': {
    summary: 'propose to invite organisations or remove members (CreateProposal)',
    options: [
      NETWORK_ID,
      MEMBER_ID,
      {
        name: 'actions',
        help: 'JSON or file://path: {"Invitations":[{"Principal","MspDefinition"}]} or {"Removals":[{"MemberId"}]}',
        required: true,
      },
      { name: 'description', help: 'the proposal description, up to 128 characters' },
      { name: 'client-request-token', help: 'idempotency token (default: a fresh UUID)' },
    ],
    async run(ctx, o) {
      const actions = parseActions(ctx.facts, readValue(o.actions ?? ''));
      const client = await ctx.membership();
      const { value } = await client.createProposal({
        actions,
        description: o.description ?? '',
        ...(o['client-request-token'] === undefined
          ? {}
          : { clientRequestToken: o['client-request-token'] }),
      });
      return { ProposalId: value.proposalId };
    },
  },
  'get-proposal': {
    summary: 'one proposal (GetProposal)',
    options: [NETWORK_ID, MEMBER_ID, { name: 'proposal-id', help: 'the proposal', required: true }],
    async run(ctx, o) {
      const proposal = await (await ctx.membership()).getProposal(o['proposal-id'] ?? '');
      return { Proposal: toProposal(ctx.facts, proposal) };
    },
  },
  'list-proposals': {
    summary: 'proposals, a page at a time (ListProposals)',
    options: [
      NETWORK_ID,
      MEMBER_ID,
      { name: 'max-results', help: 'page size, 1-100 (default 100)' },
      { name: 'next-token', help: 'the NextToken of the previous page' },
      { name: 'status', help: 'only proposals with this status (an extension)' },
    ],
    async run(ctx, o) {
      const page = await (
        await ctx.membership()
      ).listProposals({
        pageSize: positiveInt(o['max-results'], 'max-results', 100),
        ...(o['next-token'] === undefined ? {} : { bookmark: o['next-token'] }),
        ...(o.status === undefined ? {} : { status: o.status as ProposalStatus }),
      });
      return {
        Proposals: page.proposals.map((p) => toProposalSummary(ctx.facts, p)),
        ...(page.bookmark === '' ? {} : { NextToken: page.bookmark }),
      };
    },
  },
  'vote-on-proposal': {
    summary: 'vote YES or NO as a member (VoteOnProposal)',
    options: [
      NETWORK_ID,
      { name: 'proposal-id', help: 'the proposal', required: true },
      { name: 'voter-member-id', help: 'the voting member (default: --member)' },
      { name: 'vote', help: 'YES or NO', required: true },
    ],
    async run(ctx, o) {
      const vote = o.vote;
      if (vote !== 'YES' && vote !== 'NO') {
        throw new UsageError(`--vote is YES or NO, got ${JSON.stringify(vote)}`);
      }
      const voter = o['voter-member-id'];
      const client = await ctx.membership(voter === undefined ? undefined : memberMsp(ctx, voter));
      await client.voteOnProposal(o['proposal-id'] ?? '', vote);
      return {};
    },
  },
  'list-proposal-votes': {
    summary: 'the votes cast on a proposal (ListProposalVotes)',
    options: [NETWORK_ID, MEMBER_ID, { name: 'proposal-id', help: 'the proposal', required: true }],
    async run(ctx, o) {
      const votes = await (await ctx.membership()).listProposalVotes(o['proposal-id'] ?? '');
      return { ProposalVotes: votes.map((v) => toVoteSummary(ctx.facts, v)) };
    },
  },
  'list-invitations': {
    summary: 'invitations approved proposals issued (ListInvitations)',
    options: [MEMBER_ID, { name: 'principal', help: 'only those to this MSP id (an extension)' }],
    async run(ctx, o) {
      const invitations = await (await ctx.membership()).listInvitations(o.principal);
      return { Invitations: invitations.map((i) => toInvitation(ctx.facts, i)) };
    },
  },
  'reject-invitation': {
    summary: "decline an invitation as the invitee's admin (RejectInvitation)",
    options: [MEMBER_ID, { name: 'invitation-id', help: 'the invitation', required: true }],
    async run(ctx, o) {
      await (await ctx.membership()).rejectInvitation(o['invitation-id'] ?? '');
      return {};
    },
  },
  'list-members': {
    summary: 'the members (ListMembers)',
    options: [NETWORK_ID, MEMBER_ID],
    async run(ctx) {
      const members = await (await ctx.membership()).listMembers();
      return { Members: members.map((m) => toMemberSummary(ctx.facts, m, ctx.actingMspId)) };
    },
  },
  'get-member': {
    summary: 'one member (GetMember)',
    options: [
      NETWORK_ID,
      {
        name: 'member-id',
        help: 'the member to show: member id, name or MSP id',
        required: true,
      },
    ],
    async run(ctx, o) {
      const wanted = memberMsp(ctx, o['member-id'] ?? '');
      const members = await (await ctx.membership(ctx.actingMspId)).listMembers();
      const member = members.find((m) => m.mspId === wanted);
      if (member === undefined) {
        throw new Error(`ResourceNotFoundException: ${o['member-id'] ?? ''} is not a member`);
      }
      return { Member: toMember(ctx.facts, member) };
    },
  },
  'create-member': {
    summary: 'join with an approved invitation: network.sh member create (CreateMember)',
    options: [
      NETWORK_ID,
      { name: 'invitation-id', help: 'the approved invitation', required: true },
      { name: 'member-name', help: 'the new member name, for example Org3', required: true },
    ],
    run(ctx, o) {
      return lifecycle(ctx, [
        'member',
        'create',
        o['member-name'] ?? '',
        '--invitation',
        o['invitation-id'] ?? '',
      ]);
    },
  },
  'delete-member': {
    summary:
      "stop a removed or leaving member's processes: network.sh member delete (DeleteMember)",
    options: [NETWORK_ID, { name: 'member-id', help: 'member id, name or MSP id', required: true }],
    run(ctx, o) {
      const ref = o['member-id'] ?? '';
      return lifecycle(ctx, ['member', 'delete', findMember(ctx.facts, ref)?.name ?? ref]);
    },
  },
  'create-node': {
    summary: 'add a peer to a member: network.sh node create (CreateNode)',
    options: [NETWORK_ID, { name: 'member-id', help: 'member id, name or MSP id', required: true }],
    run(ctx, o) {
      const ref = o['member-id'] ?? '';
      return lifecycle(ctx, ['node', 'create', findMember(ctx.facts, ref)?.name ?? ref]);
    },
  },
  'delete-node': {
    summary: "remove a member's peer: network.sh node delete (DeleteNode)",
    options: [
      NETWORK_ID,
      { name: 'member-id', help: 'member id, name or MSP id', required: true },
      { name: 'node-id', help: 'the node, as the description names it', required: true },
    ],
    run(ctx, o) {
      const ref = o['member-id'] ?? '';
      return lifecycle(ctx, [
        'node',
        'delete',
        findMember(ctx.facts, ref)?.name ?? ref,
        o['node-id'] ?? '',
      ]);
    },
  },
};

/**
 * `--help` text: the command list, or one command's options.
 *
 * @param command - the command, or undefined for the list
 * @param globals - the global options
 * @returns the text
 */
export function helpText(command: string | undefined, globals: readonly OptionSpec[]): string {
  const optionLines = (specs: readonly OptionSpec[]): string[] =>
    specs.map(
      (s) => `  --${s.name.padEnd(22)} ${s.help}${s.required === true ? ' (required)' : ''}`,
    );
  if (command === undefined) {
    const width = Math.max(...Object.keys(COMMANDS).map((c) => c.length));
    return [
      'usage: amb <command> [options]   (shaped like aws managedblockchain)',
      '',
      'commands:',
      ...Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`),
      '',
      'global options:',
      ...optionLines(globals),
      '',
      'amb <command> --help shows the options of one command.',
      '',
    ].join('\n');
  }
  const spec = COMMANDS[command];
  return [
    `usage: amb ${command} [options]`,
    '',
    spec?.summary ?? '',
    '',
    'options:',
    ...optionLines(spec?.options ?? []),
    '',
    'global options:',
    ...optionLines(globals),
    '',
  ].join('\n');
}
