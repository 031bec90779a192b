/**
 * The `amb` CLI on the real local network, run as operators run it (`node gateway/dist/cli/main.js`,
 * a separate process per command): a proposal created by Org1, voted YES by both founders through
 * `vote-on-proposal`, then read back with `get-proposal`, `list-proposal-votes`,
 * `list-invitations` and `list-members` in the managed service's field names; an unknown proposal
 * fails with the contract's code and exit status 1. Needs `npm run build` (with-network.sh does).
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { clients, connection, signers } from '@oracle-consortium/gateway';
import { selfSigned } from '../../scripts/lib/openssl-ca';
import { REPO_DIR, describedMembers, sharedDescriptionFile } from '../support/network';

const run = promisify(execFile);
const DESCRIPTION = sharedDescriptionFile();
const AMB = path.join(REPO_DIR, 'gateway', 'dist', 'cli', 'main.js');

interface Ran {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs one `amb` command against the shared network's description. */
async function amb(...args: string[]): Promise<Ran> {
  try {
    const { stdout, stderr } = await run('node', [AMB, ...args], {
      env: { ...process.env, NETWORK_DESCRIPTION: DESCRIPTION },
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

async function ambJson<T>(...args: string[]): Promise<T> {
  const ran = await amb(...args);
  expect(ran.code, ran.stderr).to.equal(0);
  return JSON.parse(ran.stdout) as T;
}

(DESCRIPTION === undefined ? describe.skip : describe)('amb CLI (live network)', function () {
  this.timeout(300000);
  const invitee = `Cli${randomBytes(3).toString('hex')}MSP`;
  let members: ReturnType<typeof describedMembers>;
  let ids: Record<string, string>;
  let proposalId: string;

  before(async () => {
    members = describedMembers(DESCRIPTION!);
    const doc = JSON.parse(readFileSync(DESCRIPTION!, 'utf8')) as {
      Members: { Id: string; MspId: string }[];
    };
    ids = Object.fromEntries(doc.Members.map((m) => [m.MspId, m.Id]));
    // The membership contract may not be initialised yet on this network: every founder confirms
    // through the contract's own client (the CLI has no initialise: the managed service has none).
    for (const m of members) {
      const network = await connection.loadNetworkDescription({
        path: DESCRIPTION!,
        member: m.name,
      });
      const files = network.identities.admin!;
      const signer = await signers.newFileSigner({ path: files.privateKeyPath });
      const conn = connection.connect({
        network,
        identity: { certificate: readFileSync(files.certificatePath, 'utf8') },
        signer,
      });
      try {
        await clients.newMembershipClient({ connection: conn }).initialize(
          {
            ProposalDurationInHours: 24,
            ThresholdComparator: 'GREATER_THAN',
            ThresholdPercentage: 50,
          },
          members.map((x) => x.mspId),
        );
      } catch (err) {
        if ((err as { chaincodeCode?: string }).chaincodeCode !== 'ALREADY_INITIALIZED') throw err;
      } finally {
        conn.close();
        await signer.close();
      }
    }
  });

  it('creates a proposal with create-proposal and prints its ProposalId', async () => {
    const actions = {
      Invitations: [
        {
          Principal: invitee,
          MspDefinition: {
            mspId: invitee,
            rootCerts: [selfSigned(`ca.${invitee}.example.com`).certPem],
            tlsRootCerts: [selfSigned(`tlsca.${invitee}.example.com`).certPem],
            nodeOUs: true,
          },
        },
      ],
    };
    const out = await ambJson<{ ProposalId: string }>(
      'create-proposal',
      '--member-id',
      ids.Org1MSP!,
      '--actions',
      JSON.stringify(actions),
      '--description',
      `invite ${invitee} from the CLI`,
    );
    expect(out.ProposalId).to.match(/^p-[0-9a-f]{16}$/);
    proposalId = out.ProposalId;
  });

  it('votes YES for each founder with vote-on-proposal, printing {}', async () => {
    for (const m of members) {
      const out = await ambJson<Record<string, unknown>>(
        'vote-on-proposal',
        '--proposal-id',
        proposalId,
        '--voter-member-id',
        ids[m.mspId]!,
        '--vote',
        'YES',
      );
      expect(out).to.deep.equal({});
    }
  });

  it('reads the approved proposal with get-proposal in the managed service shape', async () => {
    const { Proposal } = await ambJson<{ Proposal: Record<string, unknown> }>(
      'get-proposal',
      '--proposal-id',
      proposalId,
    );
    expect(Proposal).to.include({
      ProposalId: proposalId,
      Status: 'APPROVED',
      ProposedByMemberId: ids.Org1MSP,
      ProposedByMemberName: 'Org1',
      YesVoteCount: members.length,
      NoVoteCount: 0,
      OutstandingVoteCount: 0,
      Description: `invite ${invitee} from the CLI`,
    });
  });

  it('lists the votes with list-proposal-votes', async () => {
    const { ProposalVotes } = await ambJson<{ ProposalVotes: Record<string, unknown>[] }>(
      'list-proposal-votes',
      '--proposal-id',
      proposalId,
    );
    expect(ProposalVotes).to.deep.equal(
      members.map((m) => ({ Vote: 'YES', MemberName: m.name, MemberId: ids[m.mspId] })),
    );
  });

  it('shows the invitation the approval issued with list-invitations --output table', async () => {
    const ran = await amb('list-invitations', '--principal', invitee, '--output', 'table');
    expect(ran.code, ran.stderr).to.equal(0);
    const [header, , row] = ran.stdout.split('\n');
    expect(header).to.match(/^InvitationId\s+CreationDate\s+ExpirationDate\s+Status\s+Principal/);
    expect(row).to.include('PENDING').and.to.include(invitee);
  });

  it('lists the members with list-members, the acting one owned', async () => {
    const { Members } = await ambJson<{ Members: Record<string, unknown>[] }>(
      'list-members',
      '--member',
      'Org2',
    );
    expect(Members.map((m) => [m.Id, m.IsOwned])).to.deep.include.members([
      [ids.Org1MSP, false],
      [ids.Org2MSP, true],
    ]);
  });

  it('fails get-proposal of an unknown proposal with PROPOSAL_NOT_FOUND and exit status 1', async () => {
    const ran = await amb('get-proposal', '--proposal-id', 'p-0000000000000000');
    expect(ran.code).to.equal(1);
    expect(ran.stderr).to.include('(PROPOSAL_NOT_FOUND)');
    expect(ran.stdout).to.equal('');
  });
});
