import { expect } from 'chai';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ConfigError,
  ContractError,
  InputError,
  TransactionError,
  clients,
  type Connection,
  type Proposal,
  type SubmitResult,
  type TransactionRequest,
} from '../../../gateway/src';
import { canonicalFor, definitionFor, hashFor, mspVectors } from '../../support/msp-vectors';

/** A connection that records requests and answers from a script; the network edge is all it fakes. */
function fakeConnection(answer: (r: TransactionRequest) => unknown): {
  connection: Connection;
  requests: TransactionRequest[];
} {
  const requests: TransactionRequest[] = [];
  const reply = (r: TransactionRequest) => {
    requests.push(r);
    const out = answer(r);
    if (out instanceof Error) throw out;
    return Buffer.from(JSON.stringify(out));
  };
  const connection = {
    channelName: 'consortium',
    mspId: 'Org1MSP',
    evaluate: (r: TransactionRequest) => Promise.resolve().then(() => reply(r)),
    submit: (r: TransactionRequest) =>
      Promise.resolve().then((): SubmitResult => ({
        result: reply(r),
        transactionId: 'a'.repeat(64),
        blockNumber: 7n,
        submitAttempts: 1,
      })),
  } as unknown as Connection;
  return { connection, requests };
}

/** What the reads before a vote answer in the fakes: no votes, an open proposal. */
function readBeforeVote(r: TransactionRequest): unknown {
  return r.transaction === 'listProposalVotes' ? [] : { proposalId: 'p-1', status: 'IN_PROGRESS' };
}

/** A submit the channel invalidated with this validation code, as the library reports it. */
function commitFailed(validationCode: string): TransactionError {
  return new TransactionError({
    code: 'COMMIT_FAILED',
    message: `failed validation with ${validationCode}`,
    validationCode,
  });
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  return expect.fail('expected a rejection');
}

const REPORT = {
  feedId: 'eth-usd',
  configDigest: 'f'.repeat(64),
  roundId: '3',
  observationsTimestamp: 1767225600,
  observations: [{ oracle: 0, value: '5' }],
  signatures: [{ oracle: 0, signature: 'AA==' }],
};

describe('gateway typed clients (fake connection)', () => {
  it('sends feeds calls to chaincode consortium, contract feeds, with JSON arguments', async () => {
    const { connection, requests } = fakeConnection(() => ({ feedId: 'eth-usd' }));
    const feeds = clients.newFeedsClient({ connection });
    const out = await feeds.setThresholds('eth-usd', { f: 1 });
    expect(out).to.deep.equal({
      value: { feedId: 'eth-usd' },
      transactionId: 'a'.repeat(64),
      blockNumber: 7n,
      submitAttempts: 1,
    });
    await feeds.getRoundHistory('eth-usd');
    expect(
      requests.map((r) => [r.chaincode, r.contract, r.transaction, r.arguments]),
    ).to.deep.equal([
      ['consortium', 'feeds', 'setThresholds', ['eth-usd', '{"f":1}']],
      ['consortium', 'feeds', 'getRoundHistory', ['eth-usd', '100', '']],
    ]);
  });

  it('reports a committed write whose answer is not JSON as RESULT_UNREADABLE with its id, not as a failed call', async () => {
    // A chaincode name that points at another chaincode with a function of the same name.
    const text = Buffer.from('put ok');
    const connection = {
      channelName: 'consortium',
      mspId: 'Org1MSP',
      evaluate: () => Promise.resolve(text),
      submit: () =>
        Promise.resolve({
          result: text,
          transactionId: 'b'.repeat(64),
          blockNumber: 9n,
          submitAttempts: 1,
        }),
    } as unknown as Connection;
    const feeds = clients.newFeedsClient({ connection, chaincodeName: 'kv' });
    const err = await rejection(feeds.setThresholds('eth-usd', { f: 1 }));
    if (!(err instanceof TransactionError)) return expect.fail(String(err));
    expect(err.code).to.equal('RESULT_UNREADABLE');
    expect(err.transactionId).to.equal('b'.repeat(64));
    expect(err.message).to.contain('committed').and.contain('block 9').and.contain('put ok');
    const read = await rejection(feeds.decimals('eth-usd'));
    expect(read).to.have.property('code', 'EVALUATE_FAILED');
  });

  it('honours a configured chaincode name', async () => {
    const { connection, requests } = fakeConnection(() => 8);
    const feeds = clients.newFeedsClient({ connection, chaincodeName: 'oracles' });
    expect(await feeds.decimals('eth-usd')).to.equal(8);
    expect(requests[0]!.chaincode).to.equal('oracles');
  });

  it('sends a premium value as transient data endorsed by the owner and subscribers', async () => {
    const { connection, requests } = fakeConnection((r) => {
      if (r.transaction === 'getFeed') return { owner: 'Org1MSP' };
      if (r.transaction === 'listSubscriptions')
        return [{ mspId: 'Org2MSP' }, { mspId: 'Org3MSP' }];
      return { roundId: '3' };
    });
    const feeds = clients.newFeedsClient({ connection });
    const salt = '0'.repeat(64);
    const out = await feeds.submitReport(REPORT, { value: { bid: '1' }, salt });
    const submit = requests.find((r) => r.transaction === 'submitReport')!;
    expect(submit.endorsingOrganizations).to.deep.equal(['Org1MSP', 'Org2MSP', 'Org3MSP']);
    expect(submit.transientData).to.deep.equal({ premium: '{"bid":"1"}', salt });
    expect(JSON.parse(submit.arguments![0] as string)).to.deep.equal(REPORT);
    expect(out.premium).to.deep.equal({
      salt,
      premiumHash: clients.premiumHash(salt, { bid: '1' }),
    });
  });

  it('refuses a malformed premium salt before sending anything', async () => {
    const { connection, requests } = fakeConnection(() => ({}));
    const err = await rejection(
      clients.newFeedsClient({ connection }).submitReport(REPORT, { value: 1, salt: 'XYZ' }),
    );
    if (!(err instanceof InputError)) return expect.fail(String(err));
    expect(err.code).to.equal('INVALID_INPUT');
    expect(requests).to.have.length(0);
  });

  it('sends membership calls to chaincode membership, contract membership', async () => {
    const { connection, requests } = fakeConnection(() => ({ initialised: false }));
    const membership = clients.newMembershipClient({ connection });
    const policy = {
      ThresholdPercentage: 50,
      ThresholdComparator: 'GREATER_THAN',
      ProposalDurationInHours: 24,
    } as const;
    await membership.initialize(policy, ['Org1MSP', 'Org2MSP']);
    expect(
      requests.map((r) => [r.chaincode, r.contract, r.transaction, r.arguments]),
    ).to.deep.equal([
      ['membership', 'membership', 'initialize', [JSON.stringify(policy), '["Org1MSP","Org2MSP"]']],
    ]);
  });

  it('sends channel update bytes and signatures as base64 and sequences as decimal text', async () => {
    const { connection, requests } = fakeConnection(() => ({ updateId: 'u' }));
    const membership = clients.newMembershipClient({ connection });
    await membership.proposeChannelUpdate('p-1', 'Org3MSP', Buffer.from([1, 2, 3]), 2n ** 60n);
    await membership.signChannelUpdate('u', Buffer.from('header'), Buffer.from([0x30, 0x06]));
    await membership.recordChannelUpdateApplied('u', 7);
    await membership.listChannelUpdates({ pageSize: 5 });
    await membership.getChannelUpdate('u');
    await membership.getChannelConfigState();
    expect(requests.map((r) => [r.transaction, r.arguments])).to.deep.equal([
      ['proposeChannelUpdate', ['p-1', 'Org3MSP', 'AQID', '1152921504606846976']],
      ['signChannelUpdate', ['u', 'aGVhZGVy', 'MAY=']],
      ['recordChannelUpdateApplied', ['u', '7']],
      ['listChannelUpdates', ['5', '']],
      ['getChannelUpdate', ['u']],
      ['getChannelConfigState', []],
    ]);
  });

  it('names the votes it read as votersCast transient data when it votes', async () => {
    const seen = [
      { proposalId: 'p-1', memberId: 'Org2MSP', vote: 'YES', date: '2026-01-01T00:00:00.000Z' },
      { proposalId: 'p-1', memberId: 'Org3MSP', vote: 'NO', date: '2026-01-01T00:00:00.000Z' },
    ];
    const { connection, requests } = fakeConnection((r) =>
      r.transaction === 'listProposalVotes' ? seen : { proposalId: 'p-1', status: 'IN_PROGRESS' },
    );
    await clients.newMembershipClient({ connection }).voteOnProposal('p-1', 'YES');
    expect(requests.map((r) => [r.transaction, r.arguments])).to.deep.equal([
      ['listProposalVotes', ['p-1']],
      ['getProposal', ['p-1']],
      ['voteOnProposal', ['p-1', 'YES']],
      // The vote left it open: read again, to see whether votes it did not count decided it.
      ['getProposal', ['p-1']],
    ]);
    expect(requests[2]!.transientData).to.deep.equal({
      votersCast: JSON.stringify(['Org2MSP', 'Org3MSP']),
      voteResult: 'tally',
    });
  });

  it('asks the vote for the tally and returns the proposal read before it with the tally applied', async () => {
    const before: Proposal = {
      proposalId: 'p-1',
      proposedBy: 'Org2MSP',
      description: 'invite Org3',
      actions: {
        Invitations: [
          { Principal: 'Org3MSP', MspDefinition: definitionFor('Org3MSP'), MspDefinitionHash: 'h' },
        ],
      },
      clientRequestToken: 't',
      status: 'IN_PROGRESS',
      creationDate: '2026-01-01T00:00:00.000Z',
      expirationDate: '2026-01-02T00:00:00.000Z',
      eligibleVoters: ['Org1MSP', 'Org2MSP', 'Org3MSP'],
      requiredYesVotes: 2,
      yesVoteCount: 1,
      noVoteCount: 0,
      outstandingVoteCount: 2,
      detailsHash: null,
      invitationIds: [],
    };
    const tally = {
      proposalId: 'p-1',
      status: 'APPROVED',
      statusChangedDate: '2026-01-01T01:00:00.000Z',
      requiredYesVotes: 2,
      yesVoteCount: 2,
      noVoteCount: 0,
      outstandingVoteCount: 1,
      invitationIds: ['i-0123456789abcdef'],
    };
    const { connection } = fakeConnection((r) =>
      r.transaction === 'listProposalVotes' ? [] : r.transaction === 'getProposal' ? before : tally,
    );
    const out = await clients.newMembershipClient({ connection }).voteOnProposal('p-1', 'YES');
    expect(out.value).to.deep.equal({ ...before, ...tally });
    expect(out.transactionId).to.equal('a'.repeat(64));
    // A contract that does not know voteResult answers with the whole record; that is taken as is.
    const whole = { ...before, ...tally, description: 'as the contract has it' };
    const old = fakeConnection((r) =>
      r.transaction === 'listProposalVotes' ? [] : r.transaction === 'getProposal' ? before : whole,
    );
    const fromOld = await clients
      .newMembershipClient({ connection: old.connection })
      .voteOnProposal('p-1', 'YES');
    expect(fromOld.value).to.deep.equal(whole);
  });

  it('drops a decision date the proposal read before the vote had when the tally has none', async () => {
    const before = {
      proposalId: 'p-1',
      status: 'IN_PROGRESS',
      statusChangedDate: 'stale',
      actionFailureReason: 'stale',
    };
    const tally = { proposalId: 'p-1', status: 'IN_PROGRESS', yesVoteCount: 1 };
    let reads = 0;
    const { connection } = fakeConnection((r) => {
      if (r.transaction === 'listProposalVotes') return [];
      if (r.transaction !== 'getProposal') return tally;
      // The read after the vote fails: the vote's own answer is what the call returns.
      return ++reads === 1
        ? before
        : new TransactionError({ code: 'EVALUATE_FAILED', message: 'peer unreachable' });
    });
    const out = await clients.newMembershipClient({ connection }).voteOnProposal('p-1', 'YES');
    expect(out.value).to.deep.equal(tally);
  });

  describe('a vote that leaves the proposal open', () => {
    const open = {
      proposalId: 'p-1',
      status: 'IN_PROGRESS',
      requiredYesVotes: 2,
      yesVoteCount: 0,
      noVoteCount: 0,
      outstandingVoteCount: 2,
    };
    // The vote counted only its own YES: Org2's YES, committed on Org2's peer, was not yet on this
    // client's peer when it read the votes.
    const ownTally = { ...open, yesVoteCount: 1, outstandingVoteCount: 1 };
    const bothCounted = { ...open, yesVoteCount: 2, outstandingVoteCount: 0 };
    const approved = {
      ...bothCounted,
      status: 'APPROVED',
      statusChangedDate: '2026-01-01T01:00:00.000Z',
      invitationIds: ['i-0123456789abcdef'],
    };

    /** A fake whose getProposal answers `reads` in turn and whose closeProposal answers `close`. */
    function afterVote(reads: unknown[], close: unknown) {
      let n = 0;
      return fakeConnection((r) => {
        if (r.transaction === 'listProposalVotes') return [];
        if (r.transaction === 'getProposal') return reads[Math.min(n++, reads.length - 1)];
        if (r.transaction === 'voteOnProposal') return ownTally;
        return close;
      });
    }

    it('records the decision when the votes counted afresh reach it', async () => {
      const { connection, requests } = afterVote([open, bothCounted], approved);
      const out = await clients.newMembershipClient({ connection }).voteOnProposal('p-1', 'YES');
      expect(out.value).to.deep.equal(approved);
      expect(out.transactionId).to.equal('a'.repeat(64));
      expect(requests.map((r) => r.transaction)).to.deep.equal([
        'listProposalVotes',
        'getProposal',
        'voteOnProposal',
        'getProposal',
        'closeProposal',
      ]);
    });

    it('records a rejection the votes counted afresh reach', async () => {
      const rejected = { ...open, noVoteCount: 2, outstandingVoteCount: 0 };
      const closed = { ...rejected, status: 'REJECTED' };
      const { connection, requests } = afterVote([open, rejected], closed);
      const out = await clients.newMembershipClient({ connection }).voteOnProposal('p-1', 'NO');
      expect(out.value).to.deep.equal(closed);
      expect(requests.at(-1)!.transaction).to.equal('closeProposal');
    });

    it('leaves it open when the votes counted afresh do not decide it', async () => {
      const { connection, requests } = afterVote([open, ownTally], approved);
      const out = await clients.newMembershipClient({ connection }).voteOnProposal('p-1', 'YES');
      expect(out.value).to.deep.equal(ownTally);
      expect(requests.map((r) => r.transaction)).to.not.include('closeProposal');
    });

    it("reads the decision another member's client recorded first", async () => {
      const closedElsewhere = new ContractError({
        message: '[PROPOSAL_CLOSED] p-1 is already APPROVED',
        chaincodeCode: 'PROPOSAL_CLOSED',
        chaincodeMessage: 'p-1 is already APPROVED',
      });
      const { connection, requests } = afterVote([open, bothCounted, approved], closedElsewhere);
      const out = await clients.newMembershipClient({ connection }).voteOnProposal('p-1', 'YES');
      expect(out.value).to.deep.equal(approved);
      expect(requests.map((r) => r.transaction).slice(3)).to.deep.equal([
        'getProposal',
        'closeProposal',
        'getProposal',
      ]);
      // A record invalidated by the other client's (MVCC) reads the same way.
      const lostRace = commitFailed('MVCC_READ_CONFLICT');
      const raced = afterVote([open, bothCounted, approved], lostRace);
      const again = await clients
        .newMembershipClient({ connection: raced.connection })
        .voteOnProposal('p-1', 'YES');
      expect(again.value).to.deep.equal(approved);
    });

    it('returns the proposal as read when recording fails for another reason', async () => {
      const refused = new ContractError({
        message: '[NOT_A_MEMBER] Org1MSP is not a member of the network',
        chaincodeCode: 'NOT_A_MEMBER',
        chaincodeMessage: 'Org1MSP is not a member of the network',
      });
      const { connection } = afterVote([open, bothCounted], refused);
      const out = await clients.newMembershipClient({ connection }).voteOnProposal('p-1', 'YES');
      expect(out.value).to.deep.equal(bothCounted);
      // A close the channel refused (not a lost race) recorded nothing: no second read claims it.
      const unendorsed = commitFailed('ENDORSEMENT_POLICY_FAILURE');
      const policy = afterVote([open, bothCounted, approved], unendorsed);
      const kept = await clients
        .newMembershipClient({ connection: policy.connection })
        .voteOnProposal('p-1', 'YES');
      expect(kept.value).to.deep.equal(bothCounted);
      expect(policy.requests.map((r) => r.transaction).slice(3)).to.deep.equal([
        'getProposal',
        'closeProposal',
      ]);
    });
  });

  it('votes again, with the votes read afresh, when a deciding vote invalidated the first attempt', async () => {
    let calls = 0;
    const { connection, requests } = fakeConnection((r) => {
      if (r.transaction === 'listProposalVotes') return [];
      if (r.transaction === 'getProposal') return { proposalId: 'p-1', status: 'IN_PROGRESS' };
      calls++;
      return calls === 1
        ? commitFailed('MVCC_READ_CONFLICT')
        : { proposalId: 'p-1', status: 'APPROVED' };
    });
    const out = await clients.newMembershipClient({ connection }).voteOnProposal('p-1', 'YES');
    expect(out.value).to.deep.equal({ proposalId: 'p-1', status: 'APPROVED' });
    expect(requests.map((r) => r.transaction)).to.deep.equal([
      'listProposalVotes',
      'getProposal',
      'voteOnProposal',
      'listProposalVotes',
      'getProposal',
      'voteOnProposal',
    ]);
  });

  it('votes again when the first attempt failed validation with PHANTOM_READ_CONFLICT', async () => {
    let calls = 0;
    const { connection, requests } = fakeConnection((r) => {
      if (r.transaction === 'listProposalVotes') return [];
      if (r.transaction === 'getProposal') return { proposalId: 'p-1', status: 'IN_PROGRESS' };
      calls++;
      return calls === 1
        ? commitFailed('PHANTOM_READ_CONFLICT')
        : { proposalId: 'p-1', status: 'IN_PROGRESS' };
    });
    const out = await clients.newMembershipClient({ connection }).voteOnProposal('p-1', 'NO');
    expect(out.value).to.deep.equal({ proposalId: 'p-1', status: 'IN_PROGRESS' });
    expect(requests.filter((r) => r.transaction === 'voteOnProposal')).to.have.length(2);
  });

  it('gives up after three conflicting attempts and does not retry other failures', async () => {
    const conflict = (r: TransactionRequest) =>
      r.transaction !== 'voteOnProposal' ? readBeforeVote(r) : commitFailed('MVCC_READ_CONFLICT');
    const busy = fakeConnection(conflict);
    const err = await rejection(
      clients.newMembershipClient({ connection: busy.connection }).voteOnProposal('p-1', 'NO'),
    );
    expect(err).to.be.instanceOf(TransactionError);
    expect(busy.requests.filter((r) => r.transaction === 'voteOnProposal')).to.have.length(3);
    const other = fakeConnection((r) =>
      r.transaction !== 'voteOnProposal'
        ? readBeforeVote(r)
        : commitFailed('ENDORSEMENT_POLICY_FAILURE'),
    );
    await rejection(
      clients.newMembershipClient({ connection: other.connection }).voteOnProposal('p-1', 'NO'),
    );
    expect(other.requests.filter((r) => r.transaction === 'voteOnProposal')).to.have.length(1);
  });

  it('sends proposal details as transient data with a generated salt and token', async () => {
    const { connection, requests } = fakeConnection(() => ({ proposalId: 'p-1' }));
    const membership = clients.newMembershipClient({ connection });
    const out = await membership.createProposal({
      actions: { Invitations: [{ Principal: 'Org3MSP', MspDefinition: definitionFor('Org3MSP') }] },
      description: 'invite',
      rationale: 'why',
    });
    const r = requests[0]!;
    expect([r.contract, r.transaction]).to.deep.equal(['membership', 'createProposal']);
    expect(JSON.parse(String(r.arguments![0]))).to.deep.equal({
      Invitations: [{ Principal: 'Org3MSP', MspDefinition: definitionFor('Org3MSP') }],
    });
    expect(r.arguments![2]).to.match(/^[0-9a-f-]{36}$/);
    expect(r.transientData).to.deep.equal({ rationale: 'why', salt: out.salt });
    expect(out.salt).to.match(/^[0-9a-f]{64}$/);
  });

  it('narrows contract errors by contract code set', () => {
    const err = new ContractError({
      message: '[FEED_NOT_FOUND] feed x does not exist',
      chaincodeCode: 'FEED_NOT_FOUND',
      chaincodeMessage: 'feed x does not exist',
    });
    expect(clients.isFeedsError(err)).to.be.true;
    expect(clients.isMembershipError(err)).to.be.false;
    expect(clients.isFeedsError(new Error('x'))).to.be.false;
  });

  // The codes issue 14 added to the contracts must narrow like the others.
  for (const [code, feeds, membership] of [
    ['DUPLICATE_ORACLE_KEY', true, false],
    ['INPUT_TOO_LARGE', true, true],
  ] as const) {
    it(`narrows ${code} to the contracts that raise it`, () => {
      const err = new ContractError({
        message: `[${code}] x`,
        chaincodeCode: code,
        chaincodeMessage: 'x',
      });
      expect(clients.isFeedsError(err)).to.equal(feeds);
      expect(clients.isMembershipError(err)).to.equal(membership);
    });
  }
});

describe('gateway file checkpointer', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gw-ckpt-'));

  it('persists the last handled event and reloads it', async () => {
    const path = join(dir, 'a', 'ckpt.json');
    const first = await clients.newFileCheckpointer(path);
    expect(first.getBlockNumber()).to.equal(undefined);
    await first.checkpointTransaction(12n, 'tx-1');
    const again = await clients.newFileCheckpointer(path);
    expect([again.getBlockNumber(), again.getTransactionId()]).to.deep.equal([12n, 'tx-1']);
    await again.checkpointBlock(12n);
    expect(JSON.parse(readFileSync(path, 'utf8'))).to.deep.equal({ blockNumber: '13' });
  });

  it('refuses a file that is not a checkpoint with INVALID_CONFIG naming it', async () => {
    const path = join(dir, 'bad.json');
    writeFileSync(path, '{"blockNumber":"x"}');
    const err = await rejection(clients.newFileCheckpointer(path));
    if (!(err instanceof ConfigError)) return expect.fail(String(err));
    expect(err.code).to.equal('INVALID_CONFIG');
    expect(err.message).to.contain(path);
  });
});

describe('gateway MSP definitions', () => {
  const { orgRoot, orgTlsRoot, otherRoot, leaf } = mspVectors.certificates;

  function mspFolder(nodeOUs: boolean | undefined): string {
    const dir = mkdtempSync(join(tmpdir(), 'msp-'));
    for (const sub of ['cacerts', 'tlscacerts']) {
      mkdirSync(join(dir, sub));
    }
    writeFileSync(join(dir, 'cacerts', 'ca-cert.pem'), orgRoot);
    writeFileSync(join(dir, 'tlscacerts', 'tlsca-cert.pem'), orgTlsRoot);
    if (nodeOUs !== undefined) {
      writeFileSync(
        join(dir, 'config.yaml'),
        `NodeOUs:\n  Enable: ${String(nodeOUs)}\n  ClientOUIdentifier:\n    Certificate: cacerts/ca-cert.pem\n    OrganizationalUnitIdentifier: client\n`,
      );
    }
    return dir;
  }

  it('builds from an MSP folder the definition the contract stores, node OUs from config.yaml', async () => {
    const def = await clients.mspDefinitions.fromMspFolder(mspFolder(true), 'Org4MSP');
    expect(def).to.deep.equal(canonicalFor('Org4MSP'));
    expect(clients.mspDefinitions.mspDefinitionHash(def)).to.equal(hashFor('Org4MSP'));
  });

  it('reads node OUs as disabled from an MSP folder without config.yaml', async () => {
    const def = await clients.mspDefinitions.fromMspFolder(mspFolder(undefined), 'Org4MSP');
    expect(def.nodeOUs).to.equal(false);
  });

  it('builds from PEM files holding several certificates the vectors definition and hash', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pem-'));
    writeFileSync(join(dir, 'roots.pem'), `${otherRoot}\n${orgRoot}`);
    writeFileSync(join(dir, 'tls.pem'), orgTlsRoot);
    const def = await clients.mspDefinitions.fromPemFiles({
      mspId: 'Org3MSP',
      rootCertFiles: [join(dir, 'roots.pem')],
      tlsRootCertFiles: [join(dir, 'tls.pem')],
    });
    expect(def).to.deep.equal(mspVectors.equivalent.expectedCanonical);
    expect(clients.mspDefinitions.mspDefinitionHash(def)).to.equal(
      mspVectors.equivalent.expectedHash,
    );
  });

  it('refuses a PEM file without a certificate with InputError INVALID_INPUT', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pem-'));
    writeFileSync(join(dir, 'empty.pem'), 'no certificate here\n');
    const err = await clients.mspDefinitions
      .fromPemFiles({
        mspId: 'Org3MSP',
        rootCertFiles: [join(dir, 'empty.pem')],
        tlsRootCertFiles: [join(dir, 'empty.pem')],
      })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(err).to.be.instanceOf(InputError);
    expect((err as InputError).code).to.equal('INVALID_INPUT');
    expect((err as InputError).message).to.contain('empty.pem holds no PEM CERTIFICATE block');
  });

  it('refuses a leaf certificate as a root with MspDefinitionError NOT_A_CA_CERTIFICATE', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pem-'));
    writeFileSync(join(dir, 'leaf.pem'), leaf);
    const err = await clients.mspDefinitions
      .fromPemFiles({
        mspId: 'Org3MSP',
        rootCertFiles: [join(dir, 'leaf.pem')],
        tlsRootCertFiles: [join(dir, 'leaf.pem')],
      })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(err).to.be.instanceOf(clients.mspDefinitions.MspDefinitionError);
    expect((err as { code: string }).code).to.equal('NOT_A_CA_CERTIFICATE');
  });

  it('sends the definition as the second argument of acceptInvitation', async () => {
    const { connection, requests } = fakeConnection(() => ({ status: 'ACCEPTED' }));
    const membership = clients.newMembershipClient({ connection });
    await membership.acceptInvitation('i-0123456789abcdef', definitionFor('Org3MSP'));
    const r = requests[0]!;
    expect(r.transaction).to.equal('acceptInvitation');
    expect(r.arguments![0]).to.equal('i-0123456789abcdef');
    expect(JSON.parse(String(r.arguments![1]))).to.deep.equal(definitionFor('Org3MSP'));
  });
});
