/**
 * The demo's governance chapter: a third member voted in and joining the running network, then
 * voting. The founders approve inviting Org3 with the MSP definition `network.sh member prepare`
 * printed for its new CA; their governance agents (the library's, one pass each, as
 * `npm run agent -- --once` runs them) build the channel update, sign it on the chain and submit
 * it; `network.sh member create` starts Org3's peer, which joins the channel, and accepts the
 * invitation; Org3 then votes on a new proposal counted against three members.
 *
 * A rerun on the same network finds Org3 already a member and goes straight to the vote, so the
 * demo can be run again without `network.sh down`.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import {
  clients,
  connection,
  governance,
  orderer,
  type AgentPass,
  type Connection,
  type MembershipClient,
  type MspDefinition,
  type NetworkConfig,
  type Signer,
} from '@oracle-consortium/gateway';
import { localConfigtxlator } from '../lib/fabric-tools';
import { selfSigned } from '../lib/openssl-ca';
import { networkShCommand, runChecked } from '../lib/run-command';

const MEMBERSHIP_CHAINCODE = 'membership';

/** What the chapter needs from the story around it. */
export interface GovernanceContext {
  /** The network description's path. */
  readonly descriptionPath: string;
  /** Prints a step line. */
  step(n: number | string, text: string): void;
  /** Prints an indented line under the step. */
  info(text: string): void;
  /** A member's file identity from the description (admin, user1). */
  identity(network: NetworkConfig, name: string): Promise<{ certificate: string; signer: Signer }>;
  /** Opens a connection the story closes at its end. */
  connect(network: NetworkConfig, id: { certificate: string; signer: Signer }): Connection;
  /** A token that tells this run's requests from an earlier run's. */
  readonly run: string;
}

/** Runs network.sh with the demo's settings (scripts/demo.sh exported them); its stdout. */
async function networkSh(...args: string[]): Promise<string> {
  return (await runChecked(networkShCommand(...args))).out;
}

/** Prints what one agent pass did: its channel-change steps, then its chaincode-definition steps. */
function printPass(ctx: GovernanceContext, mspId: string, pass: AgentPass): void {
  for (const s of pass.steps) {
    const why = 'reason' in s.action ? `: ${s.action.reason}` : '';
    ctx.info(
      `${mspId}'s agent: ${s.action.kind}${why} -> ${s.outcome}${s.error ? ` (${s.error.message})` : ''}`,
    );
  }
  for (const d of pass.definitions) {
    const what =
      d.action.kind === 'APPROVE'
        ? `APPROVE ${d.action.which} definition (sequence ${d.action.sequence.toString()})`
        : d.action.kind === 'COMMIT'
          ? `COMMIT sequence ${d.action.sequence.toString()}, approved by ${d.action.approvers.join(', ')}`
          : `${d.action.kind}: ${d.action.reason}`;
    ctx.info(
      `${mspId}'s agent: ${d.chaincode} ${what} -> ${d.outcome}${d.error ? ` (${d.error.message})` : ''}`,
    );
  }
}

/** Whether the description lists the member (network.sh member create added it). */
async function isMember(descriptionPath: string, member: string): Promise<boolean> {
  try {
    await connection.loadNetworkDescription({ path: descriptionPath, member });
    return true;
  } catch {
    return false;
  }
}

async function membershipOf(
  ctx: GovernanceContext,
  member: string,
): Promise<{
  network: NetworkConfig;
  admin: MembershipClient;
  adminId: { certificate: string; signer: Signer };
  conn: Connection;
}> {
  const network = await connection.loadNetworkDescription({
    path: ctx.descriptionPath,
    member,
  });
  const adminId = await ctx.identity(network, 'admin');
  const conn = ctx.connect(network, adminId);
  return {
    network,
    adminId,
    conn,
    admin: clients.newMembershipClient({ connection: conn, chaincodeName: MEMBERSHIP_CHAINCODE }),
  };
}

/**
 * The founders invite Org3 and their agents add it to the channel; Org3 joins with
 * `network.sh member create`. Skipped, with a line saying so, when Org3 is already a member.
 *
 * @param ctx - the story's printing and connections
 * @param stepNumber - the step's number in the story
 */
export async function inviteAndJoinOrg3(ctx: GovernanceContext, stepNumber: number): Promise<void> {
  ctx.step(stepNumber, 'The founders vote Org3 in; their agents add it to the channel; Org3 joins');
  if (await isMember(ctx.descriptionPath, 'Org3')) {
    ctx.info('Org3 joined the network in an earlier run of the demo; on to its vote');
    return;
  }
  // The invitee's CA runs before the vote, so the vote binds the definition of that CA and no
  // other under the name Org3MSP. A demo interrupted after this step reuses the prepared CA.
  let printed: string;
  try {
    printed = await networkSh('member', 'definition', 'Org3');
    ctx.info('Org3 was prepared by an earlier run: its CA runs; its definition is reused');
  } catch {
    printed = await networkSh('member', 'prepare', 'Org3');
    ctx.info(
      "network.sh member prepare Org3: Org3's CA runs and prints the MSP definition to vote on",
    );
  }
  const definition = JSON.parse(printed.trim()) as MspDefinition;
  ctx.info(
    `Org3MSP definition (its CA's root and TLS root, node OUs) hashes to ${clients.mspDefinitions.mspDefinitionHash(definition)}`,
  );

  const org1 = await membershipOf(ctx, 'Org1');
  const org2 = await membershipOf(ctx, 'Org2');
  const { value: proposal } = await org1.admin.createProposal({
    actions: { Invitations: [{ Principal: 'Org3MSP', MspDefinition: definition }] },
    description: 'Invite Org3 as a data consumer',
    clientRequestToken: `demo-join-${ctx.run}`,
  });
  await org1.admin.voteOnProposal(proposal.proposalId, 'YES');
  const { value: decided } = await org2.admin.voteOnProposal(proposal.proposalId, 'YES');
  const invitation = decided.invitationIds[0];
  if (decided.status !== 'APPROVED' || invitation === undefined) {
    throw new Error(`the invitation proposal ended ${decided.status}, expected APPROVED`);
  }
  ctx.info(
    `proposal ${proposal.proposalId}: Org1 and Org2 vote YES -> APPROVED, invitation ${invitation}`,
  );

  // Each founder's agent does its part: post the update built with configtxlator, sign it on the
  // chain, and once a majority of admins signed, submit it to the orderers and record it.
  const orderers = await orderer.loadOrderers({ path: ctx.descriptionPath });
  const configtxlator = governance.newConfigtxlator({ path: localConfigtxlator() });
  const agentOf = (m: Awaited<ReturnType<typeof membershipOf>>) => ({
    mspId: m.network.mspId,
    agent: governance.newGovernanceAgent({
      membership: m.admin,
      admin: { mspId: m.network.mspId, ...m.adminId },
      connection: m.conn,
      orderers,
      configtxlator,
    }),
  });
  const agents = [org1, org2].map(agentOf);
  const applied = async () =>
    (await org1.admin.listChannelChanges()).find((c) => c.proposalId === proposal.proposalId)
      ?.status === 'APPLIED';
  for (let pass = 0; pass < 4 && !(await applied()); pass++) {
    for (const { mspId, agent } of agents) {
      printPass(ctx, mspId, await agent.runOnce());
    }
  }
  if (!(await applied())) throw new Error("the founders' agents did not apply the channel update");
  ctx.info('Org3MSP is in the channel configuration, signed on the chain by both founders');

  const memberId = (
    await networkSh('member', 'create', 'Org3', '--invitation', invitation, '--peers', '1')
  ).trim();
  ctx.info(
    `network.sh member create Org3: member ${memberId}; its peer joined the channel and caught up, and Org3's admin accepted the invitation`,
  );

  // The chaincode definitions follow the members: each agent approves the definitions rewritten
  // over Org1, Org2 and Org3 for its own organisation, a majority's approvals commit them, and
  // Org3 approves the committed ones so its peer serves them.
  const org3 = await membershipOf(ctx, 'Org3');
  for (const { mspId, agent } of [org1, org2, org3].map(agentOf)) {
    printPass(ctx, mspId, await agent.runOnce());
  }
}

/**
 * Org3 votes on a proposal counted against the three members: Org1 proposes inviting a fourth
 * organisation, Org3 and Org2 vote NO, and two NO votes of three leave YES unable to pass 50%.
 * Nothing is invited, so a rerun starts from the same state.
 *
 * @param ctx - the story's printing and connections
 * @param stepNumber - the step's number in the story
 * @returns the decided proposal's status and tally line
 */
export async function voteWithThree(ctx: GovernanceContext, stepNumber: number): Promise<string> {
  ctx.step(stepNumber, 'Org3 votes: a proposal counted against three members');
  const org1 = await membershipOf(ctx, 'Org1');
  const org2 = await membershipOf(ctx, 'Org2');
  const org3 = await membershipOf(ctx, 'Org3');
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
  const { value: proposal } = await org1.admin.createProposal({
    actions: { Invitations: [{ Principal: 'Org4MSP', MspDefinition: org4 }] },
    description: 'Invite Org4',
    clientRequestToken: `demo-org4-${ctx.run}`,
  });
  ctx.info(
    `proposal ${proposal.proposalId}: eligible ${proposal.eligibleVoters.join(', ')}; YES needed ${String(proposal.requiredYesVotes)}`,
  );
  const afterOrg3 = (await org3.admin.voteOnProposal(proposal.proposalId, 'NO')).value;
  ctx.info(
    `Org3 votes NO -> ${afterOrg3.status} (yes ${String(afterOrg3.yesVoteCount)}, no ${String(afterOrg3.noVoteCount)}, outstanding ${String(afterOrg3.outstandingVoteCount)})`,
  );
  const afterOrg2 = (await org2.admin.voteOnProposal(proposal.proposalId, 'NO')).value;
  const tally = `yes ${String(afterOrg2.yesVoteCount)}, no ${String(afterOrg2.noVoteCount)} of ${String(afterOrg2.eligibleVoters.length)}`;
  ctx.info(`Org2 votes NO -> ${afterOrg2.status} (${tally})`);
  if (afterOrg2.status !== 'REJECTED') {
    throw new Error(`the Org4 proposal ended ${afterOrg2.status}, expected REJECTED`);
  }
  return `${proposal.proposalId} to invite Org4MSP -> REJECTED (${tally})`;
}
