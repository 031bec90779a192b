/**
 * The console's HTTP server over a backend whose network edges are fakes: security headers, the
 * token on writes, contract refusals passed on with their codes, request checks, the pages and
 * the event stream.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { ContractError, type Proposal } from '@oracle-consortium/gateway';
import type { ConsoleBackend } from '../../../console/src/backend';
import type { NetworkSnapshot } from '../../../console/src/network/monitor';
import { startConsoleServer, type ConsoleServer } from '../../../console/src/server';

const TOKEN = 'unit-test-token-0123456789';

const PROPOSAL = {
  proposalId: 'p1',
  proposedBy: 'Org1MSP',
  description: 'remove Org2',
  actions: { Removals: [{ MemberId: 'Org2MSP' }] },
  status: 'IN_PROGRESS',
  yesVoteCount: 1,
  noVoteCount: 0,
  outstandingVoteCount: 1,
  requiredYesVotes: 2,
} as unknown as Proposal;

const SNAPSHOT: NetworkSnapshot = {
  networkId: 'n-1',
  networkName: 'unit',
  channelName: 'consortium',
  members: [],
  orderers: [],
  checkedAt: '2026-01-01T00:00:00.000Z',
};

interface Calls {
  votes: [string, string][];
  created: unknown[];
}

function fakeBackend(calls: Calls): ConsoleBackend {
  const listeners = new Set<(s: NetworkSnapshot) => void>();
  const membership = {
    voteOnProposal: (id: string, vote: string) => {
      calls.votes.push([id, vote]);
      if (id === 'missing') {
        return Promise.reject(
          new ContractError({
            message: '[PROPOSAL_NOT_FOUND] proposal missing does not exist',
            chaincodeCode: 'PROPOSAL_NOT_FOUND',
            chaincodeMessage: 'proposal missing does not exist',
            transactionId: 'tx-1',
          }),
        );
      }
      if (vote !== 'YES' && vote !== 'NO') {
        return Promise.reject(
          new ContractError({
            message: `[INVALID_VOTE] vote must be YES or NO, not ${vote}`,
            chaincodeCode: 'INVALID_VOTE',
            chaincodeMessage: `vote must be YES or NO, not ${vote}`,
          }),
        );
      }
      return Promise.resolve({ value: PROPOSAL, transactionId: 'tx-2', blockNumber: 7n });
    },
    createProposal: (input: unknown) => {
      calls.created.push(input);
      return Promise.resolve({ value: PROPOSAL, transactionId: 'tx-3', blockNumber: 8n });
    },
  };
  return {
    member: { name: 'Org1', mspId: 'Org1MSP' },
    channelName: 'consortium',
    feeds: {} as ConsoleBackend['feeds'],
    membership: membership as unknown as ConsoleBackend['membership'],
    monitor: {
      snapshot: () => Promise.resolve(SNAPSHOT),
      onChange: (l: (s: NetworkSnapshot) => void) => {
        listeners.add(l);
        return () => listeners.delete(l);
      },
      start: () => undefined,
      stop: () => undefined,
    },
    channel: () => Promise.resolve({ name: 'consortium', height: 9, chaincodes: [] }),
    openStreams: () => Promise.reject(new Error('no streams in unit tests')),
    close: () => undefined,
  };
}

describe('console: HTTP server', () => {
  let server: ConsoleServer;
  let host: string;
  const calls: Calls = { votes: [], created: [] };

  before(async () => {
    const web = mkdtempSync(join(tmpdir(), 'console-web-'));
    writeFileSync(join(web, 'index.html'), '<!doctype html><title>console</title>');
    server = await startConsoleServer({
      backend: fakeBackend(calls),
      port: 0,
      token: TOKEN,
      webRoot: web,
      live: false,
    });
    host = new URL(server.url).host;
  });

  after(async () => {
    await server.close();
  });

  const writeHeaders = (extra: Record<string, string> = {}) => ({
    host,
    origin: `http://${host}`,
    'content-type': 'application/json',
    authorization: `Bearer ${TOKEN}`,
    ...extra,
  });

  it('listens on 127.0.0.1 by default', () => {
    expect(server.url).to.match(/^http:\/\/127\.0\.0\.1:[0-9]+\/$/);
  });

  it('serves the pages with a CSP that allows only its own scripts and connections', async () => {
    const res = await server.app.inject({ method: 'GET', url: '/', headers: { host } });
    expect(res.statusCode).to.equal(200);
    const csp = res.headers['content-security-policy'];
    expect(csp).to.include("script-src 'self'");
    expect(csp).to.include("connect-src 'self'");
    expect(csp).to.include("frame-ancestors 'none'");
    expect(csp).to.not.include('upgrade-insecure-requests');
    expect(res.headers['x-content-type-options']).to.equal('nosniff');
    expect(res.headers['referrer-policy']).to.equal('no-referrer');
    expect(res.headers['strict-transport-security']).to.be.undefined;
  });

  it('answers reads without a token', async () => {
    const res = await server.app.inject({ method: 'GET', url: '/api/network', headers: { host } });
    expect(res.statusCode).to.equal(200);
    expect(res.json()).to.deep.equal({
      nodes: SNAPSHOT,
      channel: { name: 'consortium', height: 9, chaincodes: [] },
    });
  });

  it('refuses a write without the token with 403 and a JSON error, and calls nothing', async () => {
    const headers: Record<string, string> = writeHeaders();
    delete headers.authorization;
    const res = await server.app.inject({
      method: 'POST',
      url: '/api/proposals/p1/votes',
      headers,
      payload: { vote: 'YES' },
    });
    expect(res.statusCode).to.equal(403);
    expect(res.headers['content-type']).to.match(/^application\/json/);
    expect(res.json()).to.deep.equal({
      error: {
        code: 'TOKEN_REQUIRED',
        message: 'writing needs the console token: send Authorization: Bearer <token>',
        source: 'console',
      },
    });
    expect(calls.votes).to.deep.equal([]);
  });

  it('casts a vote with the token and returns the updated proposal', async () => {
    const res = await server.app.inject({
      method: 'POST',
      url: '/api/proposals/p1/votes',
      headers: writeHeaders(),
      payload: { vote: 'YES' },
    });
    expect(res.statusCode).to.equal(200);
    expect(res.json()).to.deep.include({ transactionId: 'tx-2', blockNumber: '7' });
    expect(calls.votes.at(-1)).to.deep.equal(['p1', 'YES']);
  });

  it("passes the contract's refusal on with its code: 404 for PROPOSAL_NOT_FOUND", async () => {
    const res = await server.app.inject({
      method: 'POST',
      url: '/api/proposals/missing/votes',
      headers: writeHeaders(),
      payload: { vote: 'YES' },
    });
    expect(res.statusCode).to.equal(404);
    expect(res.json()).to.deep.equal({
      error: {
        code: 'PROPOSAL_NOT_FOUND',
        message: 'proposal missing does not exist',
        source: 'contract',
        transactionId: 'tx-1',
      },
    });
  });

  it("leaves the vote's value to the contract: 422 INVALID_VOTE", async () => {
    const res = await server.app.inject({
      method: 'POST',
      url: '/api/proposals/p1/votes',
      headers: writeHeaders(),
      payload: { vote: 'MAYBE' },
    });
    expect(res.statusCode).to.equal(422);
    expect(res.json()).to.deep.include({
      error: {
        code: 'INVALID_VOTE',
        message: 'vote must be YES or NO, not MAYBE',
        source: 'contract',
      },
    });
  });

  it('refuses a proposal that neither invites nor removes, before calling the contract', async () => {
    const before = calls.created.length;
    const res = await server.app.inject({
      method: 'POST',
      url: '/api/proposals',
      headers: writeHeaders(),
      payload: { description: 'nothing' },
    });
    expect(res.statusCode).to.equal(400);
    expect(res.json()).to.deep.equal({
      error: {
        code: 'BAD_REQUEST',
        message: 'a proposal invites one organisation or removes one member: give invite or remove',
        source: 'console',
      },
    });
    expect(calls.created.length).to.equal(before);
  });

  it('refuses a body field the API does not know, naming it', async () => {
    const res = await server.app.inject({
      method: 'POST',
      url: '/api/proposals/p1/votes',
      headers: writeHeaders(),
      payload: { vote: 'YES', as: 'Org2MSP' },
    });
    expect(res.statusCode).to.equal(400);
    expect(res.json()).to.have.nested.property('error.code', 'BAD_REQUEST');
    expect(res.json()).to.have.nested.property('error.message').that.includes('additional');
  });

  it('builds a removal proposal from the form and passes the request token on', async () => {
    const res = await server.app.inject({
      method: 'POST',
      url: '/api/proposals',
      headers: writeHeaders(),
      payload: {
        description: 'remove Org2',
        remove: { memberId: 'Org2MSP' },
        clientRequestToken: 't-1',
      },
    });
    expect(res.statusCode).to.equal(201);
    expect(calls.created.at(-1)).to.deep.equal({
      actions: { Removals: [{ MemberId: 'Org2MSP' }] },
      description: 'remove Org2',
      clientRequestToken: 't-1',
    });
  });

  it('answers an unknown path with a JSON 404', async () => {
    const res = await server.app.inject({ method: 'GET', url: '/api/nope', headers: { host } });
    expect(res.statusCode).to.equal(404);
    expect(res.json()).to.have.nested.property('error.code', 'NOT_FOUND');
  });

  it('streams published events to a connected page', async () => {
    const url = new URL('/api/events', server.url);
    const text = await new Promise<string>((resolve, reject) => {
      const req = get(url, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          body += chunk;
          if (body.includes('event: hello')) {
            req.destroy();
            resolve(body);
          }
        });
      });
      req.on('error', reject);
    });
    expect(text).to.include('retry: 2000');
    expect(text).to.include('event: hello\ndata: {"member":{"name":"Org1","mspId":"Org1MSP"}}');
  });
});
