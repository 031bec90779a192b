/**
 * The `amb` CLI without a network: argument parsing, help, output, the managed service's JSON
 * shapes of the ledger's records, and the member/node commands against a network script that
 * lacks them.
 */
import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GLOBAL_OPTIONS, UsageError, parseArgs } from '../../../gateway/src/cli/args';
import {
  networkFacts,
  toInvitation,
  toMemberSummary,
  toProposal,
  toVoteSummary,
} from '../../../gateway/src/cli/amb-shapes';
import {
  COMMANDS,
  helpText,
  parseActions,
  type CliContext,
} from '../../../gateway/src/cli/commands';
import { main } from '../../../gateway/src/cli/main';
import { render } from '../../../gateway/src/cli/output';
import type { Proposal } from '../../../gateway/src/clients/membership-types';

const SPECS = Object.fromEntries(Object.entries(COMMANDS).map(([n, c]) => [n, c.options]));

const DESCRIPTION = {
  Network: { Id: 'n-LOCAL', Name: 'local', FrameworkVersion: '2.5' },
  Members: [
    {
      Id: 'm-ORG1',
      Name: 'Org1',
      MspId: 'Org1MSP',
      FrameworkAttributes: { Fabric: { AdminUsername: 'admin' } },
    },
    { Id: 'm-ORG2', Name: 'Org2', MspId: 'Org2MSP' },
  ],
};
const FACTS = networkFacts(DESCRIPTION);

const PROPOSAL: Proposal = {
  proposalId: 'p-0123456789abcdef',
  proposedBy: 'Org1MSP',
  description: 'remove Org2',
  actions: { Removals: [{ MemberId: 'Org2MSP' }] },
  clientRequestToken: 't',
  status: 'IN_PROGRESS',
  creationDate: '2026-01-01T00:00:00.000Z',
  expirationDate: '2026-01-02T00:00:00.000Z',
  eligibleVoters: ['Org1MSP', 'Org2MSP'],
  requiredYesVotes: 2,
  yesVoteCount: 1,
  noVoteCount: 0,
  outstandingVoteCount: 1,
  detailsHash: null,
  invitationIds: [],
};

function usage(call: () => unknown): UsageError {
  try {
    call();
  } catch (err) {
    expect(err).to.be.instanceOf(UsageError);
    return err as UsageError;
  }
  return expect.fail('expected a UsageError');
}

describe('amb CLI', () => {
  describe('arguments', () => {
    it('reads a command, its options and the global ones', () => {
      const args = parseArgs(
        ['get-proposal', '--proposal-id', 'p-1', '--member=Org2', '--output', 'table'],
        SPECS,
      );
      expect(args.command).to.equal('get-proposal');
      expect(args.options).to.deep.equal({ 'proposal-id': 'p-1' });
      expect(args.globals).to.deep.equal({
        networkDescription: undefined,
        member: 'Org2',
        identity: 'admin',
        output: 'table',
      });
    });

    it('refuses an unknown command, naming the commands', () => {
      expect(usage(() => parseArgs(['create-network'], SPECS)).message).to.include(
        'create-proposal',
      );
    });

    it('refuses an option the command does not take', () => {
      expect(
        usage(() => parseArgs(['list-members', '--proposal-id', 'p-1'], SPECS)).message,
      ).to.include('unknown option --proposal-id for list-members');
    });

    it('refuses a missing required option, naming it', () => {
      expect(usage(() => parseArgs(['get-proposal'], SPECS)).message).to.include('--proposal-id');
    });

    it('refuses an option without a value', () => {
      expect(usage(() => parseArgs(['get-proposal', '--proposal-id'], SPECS)).message).to.equal(
        '--proposal-id needs a value',
      );
    });

    it('refuses an output format other than json and table', () => {
      expect(
        usage(() => parseArgs(['list-members', '--output', 'yaml'], SPECS)).message,
      ).to.include("'json' or 'table'");
    });

    it('takes --help without the required options', () => {
      const args = parseArgs(['vote-on-proposal', '--help'], SPECS);
      expect(args.help).to.equal(true);
      expect(args.command).to.equal('vote-on-proposal');
    });

    it('has help for every command listing its options', () => {
      for (const [name, command] of Object.entries(COMMANDS)) {
        const text = helpText(name, GLOBAL_OPTIONS);
        for (const option of command.options) expect(text).to.include(`--${option.name}`);
        expect(text).to.include('--network-description');
      }
    });
  });

  describe('output', () => {
    it('prints JSON with two-space indentation by default', () => {
      expect(render({ ProposalId: 'p-1' }, 'json')).to.equal('{\n  "ProposalId": "p-1"\n}\n');
    });

    it('prints a list as a table with one column per field', () => {
      const text = render(
        {
          Members: [
            { Id: 'm-1', Name: 'Org1' },
            { Id: 'm-22', Name: 'Org2', IsOwned: true },
          ],
        },
        'table',
      );
      expect(text.split('\n')).to.deep.equal([
        'Id    Name  IsOwned',
        '----  ----  -------',
        'm-1   Org1',
        'm-22  Org2  true',
        '',
      ]);
    });

    it('prints a single record as a one-row table', () => {
      expect(render({ Proposal: { ProposalId: 'p-1' } }, 'table')).to.equal(
        'ProposalId\n----------\np-1\n',
      );
    });
  });

  describe('managed service shapes', () => {
    it("names the proposer and removal targets by the description's member ids", () => {
      expect(toProposal(FACTS, PROPOSAL)).to.deep.equal({
        ProposalId: 'p-0123456789abcdef',
        NetworkId: 'n-LOCAL',
        Description: 'remove Org2',
        Actions: { Removals: [{ MemberId: 'm-ORG2' }] },
        ProposedByMemberId: 'm-ORG1',
        ProposedByMemberName: 'Org1',
        Status: 'IN_PROGRESS',
        CreationDate: '2026-01-01T00:00:00.000Z',
        ExpirationDate: '2026-01-02T00:00:00.000Z',
        YesVoteCount: 1,
        NoVoteCount: 0,
        OutstandingVoteCount: 1,
      });
    });

    it('shapes a vote as VoteSummary', () => {
      expect(
        toVoteSummary(FACTS, { proposalId: 'p-1', memberId: 'Org2MSP', vote: 'NO', date: 'd' }),
      ).to.deep.equal({ Vote: 'NO', MemberName: 'Org2', MemberId: 'm-ORG2' });
    });

    it('marks the acting member as owned', () => {
      const member = { mspId: 'Org2MSP', joinedDate: 'd', joinedBy: 'FOUNDING' };
      expect(toMemberSummary(FACTS, member, 'Org2MSP')).to.include({ Id: 'm-ORG2', IsOwned: true });
      expect(toMemberSummary(FACTS, member, 'Org1MSP')).to.include({ IsOwned: false });
    });

    it('keeps an undescribed invitee by its MSP id and the network summary', () => {
      const shaped = toInvitation(FACTS, {
        invitationId: 'i-1',
        proposalId: 'p-1',
        principal: 'Org3MSP',
        mspDefinition: { mspId: 'Org3MSP', rootCerts: [], tlsRootCerts: [], nodeOUs: true },
        mspDefinitionHash: 'h',
        status: 'PENDING',
        creationDate: 'c',
        expirationDate: 'e',
      });
      expect(shaped).to.deep.include({
        InvitationId: 'i-1',
        Principal: 'Org3MSP',
        Status: 'PENDING',
      });
      expect(shaped.NetworkSummary).to.deep.include({
        Id: 'n-LOCAL',
        Framework: 'HYPERLEDGER_FABRIC',
      });
    });

    it('reads removal targets given as member ids back to MSP ids', () => {
      expect(parseActions(FACTS, '{"Removals":[{"MemberId":"m-ORG2"}]}')).to.deep.equal({
        Removals: [{ MemberId: 'Org2MSP' }],
      });
    });

    it('refuses actions that are not JSON', () => {
      expect(usage(() => parseActions(FACTS, '{Removals')).message).to.include('not valid JSON');
    });
  });

  describe('member and node lifecycle', () => {
    it('says the network script lacks `member create` when it does, changing nothing', async () => {
      const calls: (readonly string[])[] = [];
      const ctx: CliContext = {
        facts: FACTS,
        actingMspId: 'Org1MSP',
        membership: () => Promise.reject(new Error('not used')),
        networkSh: (args) => {
          calls.push(args);
          return Promise.reject(
            new Error("network.sh member create Org3: error: unknown command 'member'"),
          );
        },
      };
      let caught: unknown;
      try {
        await COMMANDS['create-member']!.run(ctx, {
          'invitation-id': 'i-1',
          'member-name': 'Org3',
        });
      } catch (err) {
        caught = err;
      }
      expect(caught).to.be.instanceOf(Error);
      expect((caught as Error).message).to.include('has no `member create` yet');
      expect(calls).to.deep.equal([['member', 'create', 'Org3', '--invitation', 'i-1']]);
    });

    it('passes node delete the member name the description gives the member id', async () => {
      const calls: (readonly string[])[] = [];
      const ctx: CliContext = {
        facts: FACTS,
        actingMspId: 'Org1MSP',
        membership: () => Promise.reject(new Error('not used')),
        networkSh: (args) => {
          calls.push(args);
          return Promise.resolve('removed peer3-org1\n');
        },
      };
      const out = await COMMANDS['delete-node']!.run(ctx, {
        'member-id': 'm-ORG1',
        'node-id': 'peer3',
      });
      expect(calls).to.deep.equal([['node', 'delete', 'Org1', 'peer3']]);
      expect(out).to.deep.equal({ Output: 'removed peer3-org1' });
    });
  });

  describe('main', () => {
    it('exits 2 with the usage for a wrong command line', async () => {
      const errors: string[] = [];
      const code = await main(
        ['get-proposal'],
        () => undefined,
        (t) => errors.push(t),
      );
      expect(code).to.equal(2);
      expect(errors.join('')).to.include('needs --proposal-id');
    });

    it('exits 2 naming the file when the description is missing', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'amb-'));
      const errors: string[] = [];
      try {
        const code = await main(
          ['list-members', '--network-description', join(dir, 'none.json')],
          () => undefined,
          (t) => errors.push(t),
        );
        expect(code).to.equal(2);
        expect(errors.join('')).to.include(join(dir, 'none.json'));
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('exits 2 for a --network-id other than the description', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'amb-'));
      const file = join(dir, 'network.json');
      writeFileSync(file, JSON.stringify(DESCRIPTION));
      const errors: string[] = [];
      try {
        const code = await main(
          ['list-members', '--network-description', file, '--network-id', 'n-OTHER'],
          () => undefined,
          (t) => errors.push(t),
        );
        expect(code).to.equal(2);
        expect(errors.join('')).to.include('n-LOCAL');
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('prints the command list for --help and exits 0', async () => {
      const out: string[] = [];
      expect(
        await main(
          ['--help'],
          (t) => out.push(t),
          () => undefined,
        ),
      ).to.equal(0);
      expect(out.join('')).to.include('list-proposal-votes');
    });
  });
});
