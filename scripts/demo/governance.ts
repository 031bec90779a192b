/**
 * The demo's governance chapter: a third member voted in and joining the running network, then
 * voting. The founders approve inviting Org3 with the MSP definition `network.sh member prepare`
 * printed for its new CA; their governance agents (the library's, one pass each, as
 * `npm run agent -- --once` runs them) build the channel update, sign it on the chain and submit
 * it; `network.sh member create` starts Org3's peer, which joins the channel, and accepts the
 * invitation; Org3 then votes on a new proposal counted against three members.
 *
 * Each step first reads where an earlier, interrupted run left the network, so the demo can be
 * stopped anywhere and run again without `network.sh down`: a prepared CA is reused; an open
 * proposal inviting its definition gets the votes it lacks; an approved invitation whose channel
 * change is applied goes on to `member create`; a member that joined goes on to the vote.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import {
  clients,
  connection,
  governance,
  orderer,
  type AgentPass,
  type Connection,
  type GovernanceAgent,
  type Invitation,
  type MembershipClient,
  type MspDefinition,
  type NetworkConfig,
  type Proposal,
  type Signer,
} from '@oracle-consortium/gateway';
import { localConfigtxlator } from '../lib/fabric-tools';
import { selfSigned } from '../lib/openssl-ca';
import { CommandError, networkShCommand, runChecked, runCommand } from '../lib/run-command';

/** The member this chapter invites, by name and MSP id. */
const INVITEE = 'Org3';
const INVITEE_MSP = 'Org3MSP';
/** Agent passes the founders get to apply the channel update: post, sign twice, submit. */
const MAX_AGENT_ROUNDS = 4;

/** A member's admin as the story holds it: one connection per member for the whole demo. */
export interface MemberAdmin {
  /** The member's settings from the network description. */
  readonly network: NetworkConfig;
  /** The admin's certificate and signer. */
  readonly id: { readonly certificate: string; readonly signer: Signer };
  /** The admin's connection; the story closes it at its end. */
  readonly connection: Connection;
  /** The membership contract as the admin. */
  readonly membership: MembershipClient;
}

/** What the chapter needs from the story around it. */
export interface GovernanceContext {
  /** The network description's path. */
  readonly descriptionPath: string;
  /** Prints a step line. */
  step(n: number | string, text: string): void;
  /** Prints an indented line under the step. */
  info(text: string): void;
  /** The founders' admins (Org1, Org2), the ones the story confirmed the policy with. */
  readonly founders: readonly [MemberAdmin, MemberAdmin];
  /** Opens a member's admin once the description lists the member; the story closes it. */
  openAdmin(member: string): Promise<MemberAdmin>;
  /** A token that tells this run's requests from an earlier run's. */
  readonly run: string;
}

/** Runs network.sh with the demo's settings (scripts/demo.sh exported them); its stdout. */
async function networkSh(...args: string[]): Promise<string> {
  return (await runChecked(networkShCommand(...args))).out;
}

/** Prints what one agent pass did: its channel-change steps, then its chaincode-definition steps. */
function printPass(ctx: GovernanceContext, mspId: string, pass: AgentPass): void {
  for (const d of pass.decisions) ctx.info(`${mspId}'s agent: ${governance.formatDecision(d)}`);
  for (const s of pass.steps) ctx.info(`${mspId}'s agent: ${governance.formatAgentStep(s)}`);
  for (const d of pass.definitions)
    ctx.info(`${mspId}'s agent: ${governance.formatDefinitionStep(d)}`);
}

/**
 * Whether the network description lists the member (network.sh member create added it). Only a
 * description that does not list it means no; an unreadable or malformed description, or a broken
 * entry of a listed member, is an error for the demo to show.
 */
async function isMember(descriptionPath: string, member: string): Promise<boolean> {
  const doc = JSON.parse(readFileSync(descriptionPath, 'utf8')) as { Members?: unknown };
  if (!Array.isArray(doc.Members)) {
    throw new Error(`the network description ${descriptionPath} has no Members list`);
  }
  const listed = doc.Members.some(
    (m: unknown) =>
      typeof m === 'object' && m !== null && (m as { Name?: unknown }).Name === member,
  );
  if (!listed) return false;
  // Through the library's reader as well, so a listed member whose entry is broken fails here.
  await connection.loadNetworkDescription({ path: descriptionPath, member });
  return true;
}

/**
 * The invitee's MSP definition. Its CA runs before the vote, so the vote binds the definition of
 * that CA and no other under the invitee's MSP id; a CA an earlier run prepared is reused.
 */
async function inviteeDefinition(ctx: GovernanceContext): Promise<MspDefinition> {
  const earlier = await runCommand(networkShCommand('member', 'definition', INVITEE));
  if (earlier.code === 0) {
    ctx.info(`${INVITEE} was prepared by an earlier run: its CA runs; its definition is reused`);
    return JSON.parse(earlier.out.trim()) as MspDefinition;
  }
  // Only "not prepared" sends the demo on to prepare; any other failure is the demo's to show.
  if (!earlier.err.includes(`unknown member '${INVITEE}'`)) {
    throw new CommandError(networkShCommand('member', 'definition', INVITEE), earlier);
  }
  const printed = await networkSh('member', 'prepare', INVITEE);
  ctx.info(
    `network.sh member prepare ${INVITEE}: ${INVITEE}'s CA runs and prints the MSP definition to vote on`,
  );
  return JSON.parse(printed.trim()) as MspDefinition;
}

/** Whether a proposal invites the invitee with exactly this definition. */
function invitesWith(proposal: Proposal, definitionHash: string): boolean {
  return (
    'Invitations' in proposal.actions &&
    proposal.actions.Invitations.some(
      (i) =>
        i.Principal === INVITEE_MSP &&
        clients.mspDefinitions.mspDefinitionHash(i.MspDefinition) === definitionHash,
    )
  );
}

/**
 * The open invitation of the definition, when an earlier run's vote approved one: PENDING (not
 * accepted yet), the invitee's, with this hash. An accepted one means the invitee joined on the
 * chain but the network lost it, which the demo cannot mend: it says so.
 */
async function openInvitation(
  founder: MemberAdmin,
  definitionHash: string,
): Promise<Invitation | undefined> {
  const ofDefinition = (await founder.membership.listInvitations(INVITEE_MSP)).filter(
    (i) => i.mspDefinitionHash === definitionHash,
  );
  const accepted = ofDefinition.find((i) => i.status === 'ACCEPTED');
  if (accepted !== undefined) {
    throw new Error(
      `invitation ${accepted.invitationId} of ${INVITEE_MSP} was accepted on the chain, but the network description does not list ${INVITEE}: remove the network (network.sh down) and run the demo again`,
    );
  }
  return ofDefinition.find((i) => i.status === 'PENDING');
}

/**
 * The founders vote the invitation: an open proposal of this definition (an earlier run created it
 * and stopped) gets the votes it lacks, else a new one is created and voted.
 *
 * @returns the approved invitation's id and proposal
 */
async function voteInvitation(
  ctx: GovernanceContext,
  definition: MspDefinition,
  definitionHash: string,
): Promise<{ invitationId: string; proposalId: string }> {
  const [org1] = ctx.founders;
  // Every page of open proposals: a network used for more than the demo may hold many.
  let open: Proposal | undefined;
  let bookmark: string | undefined;
  do {
    const page = await org1.membership.listProposals({
      status: 'IN_PROGRESS',
      pageSize: 100,
      ...(bookmark === undefined ? {} : { bookmark }),
    });
    open = page.proposals.find((p) => invitesWith(p, definitionHash));
    bookmark = page.bookmark === '' || page.proposals.length === 0 ? undefined : page.bookmark;
  } while (open === undefined && bookmark !== undefined);
  let proposal: Proposal;
  /** The block of the last write the next vote depends on (none for an earlier run's proposal). */
  let written = 0n;
  if (open === undefined) {
    const created = await org1.membership.createProposal({
      actions: { Invitations: [{ Principal: INVITEE_MSP, MspDefinition: definition }] },
      description: `Invite ${INVITEE} as a data consumer`,
      clientRequestToken: `demo-join-${ctx.run}`,
    });
    proposal = created.value;
    written = created.blockNumber;
  } else {
    proposal = open;
    ctx.info(
      `proposal ${proposal.proposalId} to invite ${INVITEE_MSP} was created by an earlier run`,
    );
  }
  const cast = new Set(
    (await org1.membership.listProposalVotes(proposal.proposalId)).map((v) => v.memberId),
  );
  const voted: string[] = [];
  for (const founder of ctx.founders) {
    if (proposal.status !== 'IN_PROGRESS' || cast.has(founder.network.mspId)) continue;
    await caughtUp(ctx.founders, written);
    const vote = await founder.membership.voteOnProposal(proposal.proposalId, 'YES');
    proposal = vote.value;
    written = vote.blockNumber;
    voted.push(founder.network.mspId);
  }
  const invitationId = proposal.invitationIds[0];
  if (proposal.status !== 'APPROVED' || invitationId === undefined) {
    throw new Error(
      `the invitation proposal ${proposal.proposalId} ended ${proposal.status}, expected APPROVED`,
    );
  }
  ctx.info(
    `proposal ${proposal.proposalId}: ${voted.length === 0 ? 'the votes were cast by an earlier run' : `${voted.join(' and ')} vote YES`} -> APPROVED, invitation ${invitationId}`,
  );
  return { invitationId, proposalId: proposal.proposalId };
}

/**
 * Waits until every given member's peer has committed `block`. A submit returns once the
 * submitter's own peer has committed it; a vote that follows is endorsed by other members' peers
 * too, which must already hold the proposal and the votes before it, or their answers differ.
 */
export async function caughtUp(admins: readonly MemberAdmin[], block: bigint): Promise<void> {
  await Promise.all(admins.map((m) => clients.untilCommitted(m.connection, block)));
}

/** The governance agents of the given members, as `npm run agent` runs them. */
async function agentsOf(
  ctx: GovernanceContext,
  admins: readonly MemberAdmin[],
): Promise<{ mspId: string; agent: GovernanceAgent }[]> {
  const orderers = await orderer.loadOrderers({ path: ctx.descriptionPath });
  const configtxlator = governance.newConfigtxlator({ path: localConfigtxlator() });
  return admins.map((m) => ({
    mspId: m.network.mspId,
    agent: governance.newGovernanceAgent({
      membership: m.membership,
      admin: { mspId: m.network.mspId, ...m.id },
      connection: m.connection,
      orderers,
      configtxlator,
    }),
  }));
}

/**
 * Each founder's agent does its part until the change is applied: post the update built with
 * configtxlator, sign it on the chain, and once a majority of admins signed, submit it to the
 * orderers and record it. A change an earlier run applied needs no pass; the channel config is
 * read to confirm it.
 */
async function applyChannelChange(ctx: GovernanceContext, proposalId: string): Promise<void> {
  const [org1] = ctx.founders;
  const change = async () =>
    (await org1.membership.listChannelChanges()).find(
      (c) => c.proposalId === proposalId && c.mspId === INVITEE_MSP,
    );
  const earlier = await change();
  if (earlier === undefined) {
    throw new Error(`proposal ${proposalId} calls for no channel change adding ${INVITEE_MSP}`);
  }
  if (earlier.status === 'APPLIED') {
    ctx.info(
      `the channel change of proposal ${proposalId} was applied by an earlier run (config sequence ${earlier.appliedSequence ?? '?'})`,
    );
  } else {
    const agents = await agentsOf(ctx, ctx.founders);
    for (
      let round = 0;
      round < MAX_AGENT_ROUNDS && (await change())?.status !== 'APPLIED';
      round++
    ) {
      for (const { mspId, agent } of agents) printPass(ctx, mspId, await agent.runOnce());
    }
    if ((await change())?.status !== 'APPLIED') {
      throw new Error("the founders' agents did not apply the channel update");
    }
  }
  const config = await governance.readChannelConfig(org1.connection);
  if (!config.organizations.includes(INVITEE_MSP)) {
    throw new Error(
      `the chain records the change applied, but the channel configuration (sequence ${config.sequence.toString()}) lacks ${INVITEE_MSP}`,
    );
  }
  ctx.info(`${INVITEE_MSP} is in the channel configuration, signed on the chain by both founders`);
}

/**
 * The founders invite Org3 and their agents add it to the channel; Org3 joins with
 * `network.sh member create`; the agents then move the chaincode definitions to three members.
 * Each part an earlier run finished is found on the chain and not done again.
 *
 * @param ctx - the story's printing and connections
 * @param stepNumber - the step's number in the story
 * @returns Org3's admin, for the vote that follows
 * @throws Error when the invitation is not approved, the agents do not apply the change, or the
 *   network lost a member the chain accepted
 * @throws CommandError when a network.sh command fails
 */
export async function inviteAndJoinOrg3(
  ctx: GovernanceContext,
  stepNumber: number,
): Promise<MemberAdmin> {
  ctx.step(stepNumber, 'The founders vote Org3 in; their agents add it to the channel; Org3 joins');
  if (await isMember(ctx.descriptionPath, INVITEE)) {
    ctx.info(`${INVITEE} joined the network in an earlier run of the demo`);
  } else {
    const definition = await inviteeDefinition(ctx);
    const hash = clients.mspDefinitions.mspDefinitionHash(definition);
    ctx.info(`${INVITEE_MSP} definition (its CA's root and TLS root, node OUs) hashes to ${hash}`);
    const pending = await openInvitation(ctx.founders[0], hash);
    const { invitationId, proposalId } =
      pending === undefined
        ? await voteInvitation(ctx, definition, hash)
        : { invitationId: pending.invitationId, proposalId: pending.proposalId };
    if (pending !== undefined) {
      ctx.info(
        `invitation ${invitationId} (proposal ${proposalId}) was approved by an earlier run and is not accepted yet`,
      );
    }
    await applyChannelChange(ctx, proposalId);
    const memberId = (
      await networkSh('member', 'create', INVITEE, '--invitation', invitationId, '--peers', '1')
    ).trim();
    ctx.info(
      `network.sh member create ${INVITEE}: member ${memberId}; its peer joined the channel and caught up, and ${INVITEE}'s admin accepted the invitation`,
    );
  }

  // The chaincode definitions follow the members: each agent approves the definitions rewritten
  // over Org1, Org2 and Org3 for its own organisation, a majority's approvals commit them, and
  // Org3 approves the committed ones so its peer serves them. After a run that stopped before
  // this, the pass does what is left; after a complete one it finds nothing to do.
  const invitee = await ctx.openAdmin(INVITEE);
  for (const { mspId, agent } of await agentsOf(ctx, [...ctx.founders, invitee])) {
    printPass(ctx, mspId, await agent.runOnce());
  }
  return invitee;
}

/**
 * Org3 votes on a proposal counted against the three members: Org1 proposes inviting a fourth
 * organisation, Org3 and Org2 vote NO, and two NO votes of three leave YES unable to pass 50%.
 * Nothing is invited, so a rerun starts from the same state.
 *
 * @param ctx - the story's printing and connections
 * @param stepNumber - the step's number in the story
 * @param org3 - Org3's admin, as {@link inviteAndJoinOrg3} returned it
 * @returns the decided proposal's status and tally line
 * @throws Error when the proposal does not end REJECTED
 */
export async function voteWithThree(
  ctx: GovernanceContext,
  stepNumber: number,
  org3: MemberAdmin,
): Promise<string> {
  ctx.step(stepNumber, 'Org3 votes: a proposal counted against three members');
  const [org1, org2] = ctx.founders;
  // Org4 does not exist: throw-away CA certificates stand for its CAs, as they did for Org3 in
  // the earlier versions of this story.
  const org4Dir = mkdtempSync(path.join(tmpdir(), 'demo-org4-'));
  writeFileSync(path.join(org4Dir, 'ca.pem'), selfSigned('ca.org4.example.com').certPem);
  writeFileSync(path.join(org4Dir, 'tlsca.pem'), selfSigned('tlsca.org4.example.com').certPem);
  const org4 = await clients.mspDefinitions.fromPemFiles({
    mspId: 'Org4MSP',
    rootCertFiles: [path.join(org4Dir, 'ca.pem')],
    tlsRootCertFiles: [path.join(org4Dir, 'tlsca.pem')],
  });
  rmSync(org4Dir, { recursive: true, force: true });
  const created = await org1.membership.createProposal({
    actions: { Invitations: [{ Principal: 'Org4MSP', MspDefinition: org4 }] },
    description: 'Invite Org4',
    clientRequestToken: `demo-org4-${ctx.run}`,
  });
  const proposal = created.value;
  const members = [org1, org2, org3];
  ctx.info(
    `proposal ${proposal.proposalId}: eligible ${proposal.eligibleVoters.join(', ')}; YES needed ${String(proposal.requiredYesVotes)}`,
  );
  await caughtUp(members, created.blockNumber);
  const org3Vote = await org3.membership.voteOnProposal(proposal.proposalId, 'NO');
  const afterOrg3 = org3Vote.value;
  ctx.info(
    `Org3 votes NO -> ${afterOrg3.status} (yes ${String(afterOrg3.yesVoteCount)}, no ${String(afterOrg3.noVoteCount)}, outstanding ${String(afterOrg3.outstandingVoteCount)})`,
  );
  await caughtUp(members, org3Vote.blockNumber);
  const afterOrg2 = (await org2.membership.voteOnProposal(proposal.proposalId, 'NO')).value;
  const tally = `yes ${String(afterOrg2.yesVoteCount)}, no ${String(afterOrg2.noVoteCount)} of ${String(afterOrg2.eligibleVoters.length)}`;
  ctx.info(`Org2 votes NO -> ${afterOrg2.status} (${tally})`);
  if (afterOrg2.status !== 'REJECTED') {
    throw new Error(`the Org4 proposal ended ${afterOrg2.status}, expected REJECTED`);
  }
  return `${proposal.proposalId} to invite Org4MSP -> REJECTED (${tally})`;
}
