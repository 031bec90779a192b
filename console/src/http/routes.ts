/**
 * The JSON API the pages read and write through, one area at a time: session, network,
 * proposals, invitations and members, feeds, and the event stream. Writes act as the configured
 * member through the library; the contract checks them and its error codes come back unchanged.
 * The oracle nodes area reads the nodes' operations listeners through the server's monitor.
 */
import type { FastifyInstance } from 'fastify';
import type {
  Feed,
  MspDefinition,
  Proposal,
  ProposalActionsInput,
  Round,
  Vote,
} from '@oracle-consortium/gateway';
import type { ConsoleBackend } from '../backend';
import type { OracleNodesMonitor } from '../oracle/nodes';
import { pemBlocks } from '../lib/pem';
import { ApiError } from './errors';
import type { EventHub } from './sse';

/** What every route reads. */
export interface RouteContext {
  /** The library side. */
  readonly backend: ConsoleBackend;
  /** The event hub. */
  readonly hub: EventHub;
  /** The oracle nodes, when the console is configured with some. */
  readonly oracleNodes?: OracleNodesMonitor;
}

// Listings are read whole, page after page, up to this many pages of 100.
const MAX_PAGES = 10;

async function allPages<T>(
  read: (bookmark: string) => Promise<{ items: readonly T[]; bookmark: string }>,
): Promise<T[]> {
  const out: T[] = [];
  let bookmark = '';
  for (let i = 0; i < MAX_PAGES; i++) {
    const page = await read(bookmark);
    out.push(...page.items);
    if (page.bookmark === '' || page.items.length === 0) break;
    bookmark = page.bookmark;
  }
  return out;
}

function isCode(err: unknown, code: string): boolean {
  return (err as { chaincodeCode?: string }).chaincodeCode === code;
}

async function orNull<T>(read: Promise<T>, ...codes: string[]): Promise<T | null> {
  try {
    return await read;
  } catch (err) {
    if (codes.some((c) => isCode(err, c))) return null;
    throw err;
  }
}

function registerSessionRoutes(
  app: FastifyInstance,
  { backend, hub, oracleNodes }: RouteContext,
): void {
  app.get('/api/session', () => ({
    member: backend.member,
    channelName: backend.channelName,
    writes: 'token',
    // The page shows the Oracle nodes tab only when there are nodes to show.
    oracleNodes: oracleNodes?.nodes.length ?? 0,
  }));
  // Lets the page check a token before the operator relies on it; the guard does the checking.
  app.post('/api/session/check', () => ({ ok: true }));
  app.get('/api/events', (request, reply) => {
    reply.hijack();
    hub.attach(reply.raw, { event: 'hello', data: { member: backend.member } });
    request.raw.on('close', () => reply.raw.end());
  });
}

function registerNetworkRoutes(app: FastifyInstance, { backend }: RouteContext): void {
  app.get('/api/network', async () => {
    const [nodes, channel] = await Promise.all([
      backend.monitor.snapshot(),
      backend.channel().catch((err: unknown) => ({ error: (err as Error).message })),
    ]);
    return { nodes, channel };
  });
}

interface CreateProposalBody {
  description: string;
  clientRequestToken?: string;
  rationale?: string;
  contact?: string;
  invite?: { principal: string; rootCerts: string; tlsRootCerts: string; nodeOUs?: boolean };
  remove?: { memberId: string };
}

function proposalActions(body: CreateProposalBody): ProposalActionsInput {
  if ((body.invite === undefined) === (body.remove === undefined)) {
    throw new ApiError(
      400,
      'BAD_REQUEST',
      'a proposal invites one organisation or removes one member: give invite or remove',
    );
  }
  if (body.remove !== undefined) return { Removals: [{ MemberId: body.remove.memberId }] };
  const invite = body.invite;
  if (invite === undefined) throw new ApiError(400, 'BAD_REQUEST', 'invite is missing');
  const rootCerts = pemBlocks(invite.rootCerts);
  const tlsRootCerts = pemBlocks(invite.tlsRootCerts);
  if (rootCerts.length === 0) {
    throw new ApiError(400, 'BAD_REQUEST', 'invite.rootCerts holds no PEM certificate');
  }
  if (tlsRootCerts.length === 0) {
    throw new ApiError(400, 'BAD_REQUEST', 'invite.tlsRootCerts holds no PEM certificate');
  }
  const definition: MspDefinition = {
    mspId: invite.principal,
    rootCerts,
    tlsRootCerts,
    nodeOUs: invite.nodeOUs ?? true,
  };
  return { Invitations: [{ Principal: invite.principal, MspDefinition: definition }] };
}

const idParams = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', minLength: 1, maxLength: 256 } },
} as const;

function registerProposalRoutes(app: FastifyInstance, { backend }: RouteContext): void {
  const { membership } = backend;
  app.get('/api/proposals', async () => {
    const proposals = await allPages<Proposal>(async (bookmark) => {
      const page = await membership.listProposals({ bookmark });
      return { items: page.proposals, bookmark: page.bookmark };
    });
    return {
      proposals: [...proposals].sort((a, b) => b.creationDate.localeCompare(a.creationDate)),
    };
  });
  app.get<{ Params: { id: string } }>(
    '/api/proposals/:id',
    { schema: { params: idParams } },
    async (request) => {
      const id = request.params.id;
      const [proposal, votes, policy] = await Promise.all([
        membership.getProposal(id),
        membership.listProposalVotes(id),
        membership.getPolicy(),
      ]);
      let details: unknown = null;
      let detailsError: { code: string; message: string } | null = null;
      if (proposal.detailsHash !== null) {
        try {
          details = await membership.getProposalDetails(id);
        } catch (err) {
          const e = err as { chaincodeCode?: string; code?: string; message: string };
          detailsError = { code: e.chaincodeCode ?? e.code ?? 'ERROR', message: e.message };
        }
      }
      return { proposal, votes, policy, details, detailsError };
    },
  );
  app.post<{ Body: CreateProposalBody }>(
    '/api/proposals',
    {
      schema: {
        body: {
          type: 'object',
          required: ['description'],
          additionalProperties: false,
          properties: {
            description: { type: 'string' },
            clientRequestToken: { type: 'string' },
            rationale: { type: 'string' },
            contact: { type: 'string' },
            invite: {
              type: 'object',
              required: ['principal', 'rootCerts', 'tlsRootCerts'],
              additionalProperties: false,
              properties: {
                principal: { type: 'string' },
                rootCerts: { type: 'string' },
                tlsRootCerts: { type: 'string' },
                nodeOUs: { type: 'boolean' },
              },
            },
            remove: {
              type: 'object',
              required: ['memberId'],
              additionalProperties: false,
              properties: { memberId: { type: 'string' } },
            },
          },
        },
      },
    },
    async (request, reply) => {
      const body = request.body;
      const created = await membership.createProposal({
        actions: proposalActions(body),
        description: body.description,
        ...(body.clientRequestToken !== undefined && body.clientRequestToken !== ''
          ? { clientRequestToken: body.clientRequestToken }
          : {}),
        ...(body.rationale !== undefined && body.rationale !== ''
          ? { rationale: body.rationale }
          : {}),
        ...(body.contact !== undefined && body.contact !== '' ? { contact: body.contact } : {}),
      });
      return reply.code(201).send({
        proposal: created.value,
        transactionId: created.transactionId,
        blockNumber: created.blockNumber.toString(),
      });
    },
  );
  app.post<{ Params: { id: string }; Body: { vote: Vote } }>(
    '/api/proposals/:id/votes',
    {
      schema: {
        params: idParams,
        body: {
          type: 'object',
          required: ['vote'],
          additionalProperties: false,
          properties: { vote: { type: 'string' } },
        },
      },
    },
    async (request) => {
      // The vote's value is the contract's to check (INVALID_VOTE), so a wrong one shows its code.
      const voted = await membership.voteOnProposal(request.params.id, request.body.vote);
      return {
        proposal: voted.value,
        transactionId: voted.transactionId,
        blockNumber: voted.blockNumber.toString(),
      };
    },
  );
  app.post<{ Params: { id: string } }>(
    '/api/proposals/:id/close',
    { schema: { params: idParams } },
    async (request) => {
      const closed = await membership.closeProposal(request.params.id);
      return { proposal: closed.value, transactionId: closed.transactionId };
    },
  );
}

function registerMembershipRoutes(app: FastifyInstance, { backend }: RouteContext): void {
  const { membership } = backend;
  app.get('/api/invitations', async () => ({ invitations: await membership.listInvitations() }));
  app.get('/api/members', async () => {
    const [members, policy, channelChanges] = await Promise.all([
      membership.listMembers(),
      membership.getPolicy(),
      membership.listChannelChanges(),
    ]);
    return { members, policy, channelChanges };
  });
}

// How many rounds the feed page reads back for its chart and table.
const HISTORY_PAGES = 5;

function registerFeedRoutes(app: FastifyInstance, { backend }: RouteContext): void {
  const { feeds } = backend;
  const mspId = backend.member.mspId;
  app.get('/api/feeds', async () => {
    const list = await allPages<Feed>(async (bookmark) => {
      const page = await feeds.listFeeds({ bookmark });
      return { items: page.records, bookmark: page.bookmark };
    });
    const rows = await Promise.all(
      list.map(async (feed) => {
        const [latest, subscriptions] = await Promise.all([
          orNull(feeds.latestRoundData(feed.feedId), 'NO_DATA'),
          feeds.listSubscriptions(feed.feedId),
        ]);
        return { feed, latest, subscribed: subscriptions.some((s) => s.mspId === mspId) };
      }),
    );
    return { feeds: rows, member: mspId };
  });
  app.get<{ Params: { id: string } }>(
    '/api/feeds/:id',
    { schema: { params: idParams } },
    async (request) => {
      const id = request.params.id;
      const [feed, latest, subscriptions] = await Promise.all([
        feeds.getFeed(id),
        orNull(feeds.latestRoundData(id), 'NO_DATA'),
        feeds.listSubscriptions(id),
      ]);
      const rounds: Round[] = [];
      let bookmark = '';
      for (let i = 0; i < HISTORY_PAGES; i++) {
        const page = await feeds.getRoundHistory(id, { bookmark });
        rounds.push(...page.records);
        if (page.bookmark === '' || page.records.length === 0) break;
        bookmark = page.bookmark;
      }
      return {
        feed,
        latest,
        rounds,
        subscriptions,
        subscribed: subscriptions.some((s) => s.mspId === mspId),
        member: mspId,
      };
    },
  );
}

function registerOracleNodeRoutes(app: FastifyInstance, { oracleNodes }: RouteContext): void {
  app.get('/api/oracle-nodes', async () => {
    if (oracleNodes === undefined) {
      throw new ApiError(
        404,
        'ORACLE_NODES_NOT_CONFIGURED',
        'this console has no oracle nodes: start it with --oracle-nodes (or CONSOLE_ORACLE_NODES)',
      );
    }
    return oracleNodes.snapshot();
  });
}

/**
 * Registers every API route.
 *
 * @param app - the server
 * @param context - backend and hub
 */
export function registerRoutes(app: FastifyInstance, context: RouteContext): void {
  registerSessionRoutes(app, context);
  registerNetworkRoutes(app, context);
  registerProposalRoutes(app, context);
  registerMembershipRoutes(app, context);
  registerFeedRoutes(app, context);
  registerOracleNodeRoutes(app, context);
}
