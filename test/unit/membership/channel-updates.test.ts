/**
 * The channel update use cases through the membership contract on the in-memory ledger: posting
 * the ConfigUpdate of an approved change, admins' signatures, READY, APPLIED and the chain's view
 * of the channel. Updates are real protobuf bytes; signers hold certificates issued by openssl
 * test CAs with Fabric's node OUs, and sign with their node:crypto keys.
 */
import { expect } from 'chai';
import { createHash } from 'node:crypto';
import type {
  ChannelChangeRecord,
  ChannelConfigState,
  ChannelUpdatePage,
  ChannelUpdateRecord,
} from '../../../chaincode/src/membership';
import { issuedLeaf, selfSigned, type TestCert } from '../../../scripts/lib/openssl-ca';
import type { TxOptions } from '../../support/fake-ledger';
import { compositeKey } from '../../support/fake-ledger';
import {
  buildUpdate,
  signConfig,
  signatureHeader,
  type UpdateSpec,
} from '../../support/config-updates';
import { canonicalFor, definitionFor, impostorFor, inviting } from '../../support/msp-vectors';
import {
  HOUR,
  T0,
  admin,
  client,
  expectRejected,
  initialised,
  lastEvent,
  propose,
  vote,
  type World,
} from './helpers';

const AT = T0 + 2 * HOUR;

interface Org {
  readonly mspId: string;
  readonly admin: TestCert;
  readonly client: TestCert;
}

function makeOrg(mspId: string): Org {
  const ca = selfSigned(`ca.${mspId.toLowerCase()}.test`);
  return {
    mspId,
    admin: issuedLeaf(`admin-${mspId}`, 'admin', ca),
    client: issuedLeaf(`user1-${mspId}`, 'client', ca),
  };
}

/** Options of a transaction by an organisation's admin (with its real certificate). */
function asAdmin(org: Org, at = AT): TxOptions {
  return { ...admin(org.mspId, at), certPem: org.admin.certPem };
}

/** Options of a transaction by an organisation's client (OU client). */
function asClient(org: Org, at = AT): TxOptions {
  return { ...client(org.mspId, at), certPem: org.client.certPem };
}

async function approve(w: World, actions: unknown, voters: readonly string[]): Promise<string> {
  const p = await propose(w, admin(voters[0]!), actions);
  for (const v of voters) await vote(w, admin(v, T0 + HOUR), p.proposalId, 'YES');
  return p.proposalId;
}

function call<T>(w: World, opts: TxOptions, fn: string, args: string[], submit = true) {
  return async (): Promise<T> =>
    JSON.parse((await w.ledger.invoke(w.contract, opts, fn, args, submit)) as string) as T;
}

function postUpdate(w: World, opts: TxOptions, proposalId: string, bytes: Buffer, base = '5') {
  return call<ChannelUpdateRecord>(w, opts, 'proposeChannelUpdate', [
    proposalId,
    'Org3MSP',
    bytes.toString('base64'),
    base,
  ]);
}

function signUpdate(w: World, org: Org, update: ChannelUpdateRecord, opts = asAdmin(org)) {
  const header = signatureHeader(org.mspId, opts.certPem!);
  const sig = signConfig(
    opts.certPem === org.admin.certPem ? org.admin.keyPem : org.client.keyPem,
    header,
    Buffer.from(update.configUpdate, 'base64'),
  );
  return call<ChannelUpdateRecord>(w, opts, 'signChannelUpdate', [
    update.updateId,
    header.toString('base64'),
    sig.toString('base64'),
  ]);
}

function state(w: World): Promise<ChannelConfigState> {
  return call<ChannelConfigState>(w, client('Org1MSP'), 'getChannelConfigState', [], false)();
}

async function changes(w: World): Promise<ChannelChangeRecord[]> {
  return call<ChannelChangeRecord[]>(w, client('Org1MSP'), 'listChannelChanges', [], false)();
}

describe('channel updates', () => {
  let org1: Org;
  let org2: Org;
  let org3: Org;
  before(() => {
    org1 = makeOrg('Org1MSP');
    org2 = makeOrg('Org2MSP');
    org3 = makeOrg('Org3MSP');
  });

  const ADD: UpdateSpec = {
    action: 'ADD_ORG',
    mspId: 'Org3MSP',
    organizations: ['Org1MSP', 'Org2MSP'],
    definition: definitionFor('Org3MSP'),
  };

  let w: World;
  let proposalId: string;
  beforeEach(async () => {
    w = await initialised(['Org1MSP', 'Org2MSP']);
    proposalId = await approve(w, inviting('Org3MSP'), ['Org1MSP', 'Org2MSP']);
  });

  describe('the chain view of the channel', () => {
    it('starts with the founders at sequence 0', async () => {
      expect(await state(w)).to.deep.equal({
        sequence: '0',
        organizations: ['Org1MSP', 'Org2MSP'],
      });
    });

    it('falls back to members plus pending removals on a ledger initialised without it', async () => {
      const three = await initialised(['Org1MSP', 'Org2MSP', 'Org3MSP']);
      three.ledger.state.delete(compositeKey('membership.channelState', []));
      await approve(three, { Removals: [{ MemberId: 'Org3MSP' }] }, ['Org1MSP', 'Org2MSP']);
      // The registry dropped Org3 at approval; the channel still has it until the update applies.
      expect(await state(three)).to.deep.equal({
        sequence: '0',
        organizations: ['Org1MSP', 'Org2MSP', 'Org3MSP'],
      });
    });
  });

  describe('proposeChannelUpdate', () => {
    it('records the update of an approved ADD_ORG, needing both founders', async () => {
      const bytes = buildUpdate(ADD);
      const record = await postUpdate(w, asClient(org1), proposalId, bytes)();
      expect(record).to.deep.equal({
        updateId: createHash('sha256').update(bytes).digest('hex'),
        proposalId,
        mspId: 'Org3MSP',
        action: 'ADD_ORG',
        baseSequence: '5',
        configUpdate: bytes.toString('base64'),
        proposedBy: 'Org1MSP',
        proposedDate: new Date(AT).toISOString(),
        signatures: [],
        required: 2,
        status: 'COLLECTING_SIGNATURES',
      });
      const [change] = await changes(w);
      expect(change!.status).to.equal('UPDATE_PROPOSED');
      expect(change!.updateId).to.equal(record.updateId);
      const event = lastEvent(w.ledger);
      expect(event.types).to.deep.equal(['ChannelUpdateProposed']);
      expect(event.updateId).to.equal(record.updateId);
    });

    it('returns the existing record for the same bytes and writes nothing', async () => {
      const bytes = buildUpdate(ADD);
      const first = await postUpdate(w, asClient(org1), proposalId, bytes)();
      const before = w.ledger.snapshot();
      const again = await postUpdate(w, asClient(org2, AT + 1000), proposalId, bytes)();
      expect(again).to.deep.equal(first);
      expect(w.ledger.lastTxWrites).to.equal(0);
      expect(w.ledger.snapshot()).to.equal(before);
    });

    it('supersedes the current update with one built on a later sequence', async () => {
      const old = await postUpdate(w, asClient(org1), proposalId, buildUpdate(ADD), '5')();
      const newer = await postUpdate(
        w,
        asClient(org1),
        proposalId,
        buildUpdate({ ...ADD, appVersion: 2 }),
        '6',
      )();
      const reread = await call<ChannelUpdateRecord>(
        w,
        client('Org2MSP'),
        'getChannelUpdate',
        [old.updateId],
        false,
      )();
      expect(reread.status).to.equal('SUPERSEDED');
      expect((await changes(w))[0]!.updateId).to.equal(newer.updateId);
      expect(lastEvent(w.ledger).supersededUpdateId).to.equal(old.updateId);
    });

    it('refuses other bytes on the same sequence with UPDATE_ALREADY_PROPOSED', async () => {
      await postUpdate(w, asClient(org1), proposalId, buildUpdate(ADD), '5')();
      await expectRejected(
        w.ledger,
        postUpdate(w, asClient(org2), proposalId, buildUpdate({ ...ADD, appVersion: 2 }), '5'),
        'UPDATE_ALREADY_PROPOSED',
      );
    });

    it('refuses an update on a sequence older than the current one with STALE_CONFIG_SEQUENCE', async () => {
      await postUpdate(w, asClient(org1), proposalId, buildUpdate(ADD), '5')();
      await expectRejected(
        w.ledger,
        postUpdate(w, asClient(org2), proposalId, buildUpdate({ ...ADD, appVersion: 2 }), '4'),
        'STALE_CONFIG_SEQUENCE',
      );
    });

    it('refuses an unknown change with CHANNEL_CHANGE_NOT_FOUND', async () => {
      await expectRejected(
        w.ledger,
        postUpdate(w, asClient(org1), 'p-0000000000000000', buildUpdate(ADD)),
        'CHANNEL_CHANGE_NOT_FOUND',
      );
    });

    it('refuses a caller outside the channel with NOT_A_MEMBER', async () => {
      await expectRejected(
        w.ledger,
        postUpdate(w, asAdmin(org3), proposalId, buildUpdate(ADD)),
        'NOT_A_MEMBER',
      );
    });

    it('refuses bytes that are not a ConfigUpdate with INVALID_CONFIG_UPDATE', async () => {
      await expectRejected(
        w.ledger,
        postUpdate(w, asClient(org1), proposalId, Buffer.from('not a config update')),
        'INVALID_CONFIG_UPDATE',
      );
    });

    it('refuses base64 with whitespace with MALFORMED_INPUT', async () => {
      const text = buildUpdate(ADD).toString('base64');
      await expectRejected(
        w.ledger,
        call(w, asClient(org1), 'proposeChannelUpdate', [proposalId, 'Org3MSP', ` ${text}`, '5']),
        'MALFORMED_INPUT',
      );
    });

    it('refuses a sequence with a leading zero with MALFORMED_INPUT', async () => {
      await expectRejected(
        w.ledger,
        postUpdate(w, asClient(org1), proposalId, buildUpdate(ADD), '05'),
        'MALFORMED_INPUT',
      );
    });

    it('refuses an update for another channel with WRONG_CHANNEL', async () => {
      await expectRejected(
        w.ledger,
        postUpdate(w, asClient(org1), proposalId, buildUpdate({ ...ADD, channelId: 'other' })),
        'WRONG_CHANNEL',
      );
    });

    it('refuses an update adding another organisation than voted with CONFIG_UPDATE_MISMATCH', async () => {
      await expectRejected(
        w.ledger,
        postUpdate(
          w,
          asClient(org1),
          proposalId,
          buildUpdate({ ...ADD, definition: impostorFor('Org3MSP') }),
        ),
        'CONFIG_UPDATE_MISMATCH',
      );
    });
  });

  describe('signChannelUpdate', () => {
    let update: ChannelUpdateRecord;
    beforeEach(async () => {
      update = await postUpdate(w, asClient(org1), proposalId, buildUpdate(ADD))();
    });

    it('adds an admin signature and stays COLLECTING_SIGNATURES below the majority', async () => {
      const signed = await signUpdate(w, org1, update)();
      expect(signed.status).to.equal('COLLECTING_SIGNATURES');
      expect(signed.signatures.map((s) => s.mspId)).to.deep.equal(['Org1MSP']);
      expect(signed.signatures[0]!.signedDate).to.equal(new Date(AT).toISOString());
      const event = lastEvent(w.ledger);
      expect(event.types).to.deep.equal(['ChannelUpdateSigned']);
      expect(event.signer).to.equal('Org1MSP');
    });

    it('becomes READY with signatures of a majority of the channel', async () => {
      await signUpdate(w, org2, update)();
      const ready = await signUpdate(w, org1, update)();
      expect(ready.status).to.equal('READY');
      expect(ready.signatures.map((s) => s.mspId)).to.deep.equal(['Org1MSP', 'Org2MSP']);
      expect(lastEvent(w.ledger).types).to.deep.equal([
        'ChannelUpdateSigned',
        'ChannelUpdateReady',
      ]);
    });

    it("refuses a client's signature with NOT_AN_ADMIN", async () => {
      await expectRejected(w.ledger, signUpdate(w, org1, update, asClient(org1)), 'NOT_AN_ADMIN');
    });

    it('refuses a signature whose header names another identity with SIGNER_NOT_CALLER', async () => {
      const header = signatureHeader('Org1MSP', org1.admin.certPem);
      const sig = signConfig(org1.admin.keyPem, header, Buffer.from(update.configUpdate, 'base64'));
      await expectRejected(
        w.ledger,
        call(w, asAdmin(org2), 'signChannelUpdate', [
          update.updateId,
          header.toString('base64'),
          sig.toString('base64'),
        ]),
        'SIGNER_NOT_CALLER',
      );
    });

    it('refuses a signature over different bytes with INVALID_CONFIG_SIGNATURE', async () => {
      const header = signatureHeader('Org1MSP', org1.admin.certPem);
      const other = buildUpdate({ ...ADD, appVersion: 7 });
      const sig = signConfig(org1.admin.keyPem, header, other);
      await expectRejected(
        w.ledger,
        call(w, asAdmin(org1), 'signChannelUpdate', [
          update.updateId,
          header.toString('base64'),
          sig.toString('base64'),
        ]),
        'INVALID_CONFIG_SIGNATURE',
      );
    });

    it('refuses a second signature of one organisation with ALREADY_SIGNED', async () => {
      await signUpdate(w, org1, update)();
      await expectRejected(w.ledger, signUpdate(w, org1, update), 'ALREADY_SIGNED');
    });

    it('refuses the signature of an organisation outside the channel with NOT_A_MEMBER', async () => {
      await expectRejected(w.ledger, signUpdate(w, org3, update), 'NOT_A_MEMBER');
    });

    it('refuses a signature on a superseded update with STALE_CONFIG_SEQUENCE', async () => {
      await postUpdate(
        w,
        asClient(org1),
        proposalId,
        buildUpdate({ ...ADD, appVersion: 2 }),
        '6',
      )();
      await expectRejected(w.ledger, signUpdate(w, org1, update), 'STALE_CONFIG_SEQUENCE');
    });

    it('refuses an unknown update with CHANNEL_UPDATE_NOT_FOUND', async () => {
      await expectRejected(
        w.ledger,
        signUpdate(w, org1, { ...update, updateId: '0'.repeat(64) }),
        'CHANNEL_UPDATE_NOT_FOUND',
      );
    });
  });

  describe('recordChannelUpdateApplied', () => {
    let update: ChannelUpdateRecord;
    beforeEach(async () => {
      update = await postUpdate(w, asClient(org1), proposalId, buildUpdate(ADD), '5')();
    });

    function record(opts: TxOptions, sequence: string, id = update.updateId) {
      return call<ChannelUpdateRecord>(w, opts, 'recordChannelUpdateApplied', [id, sequence]);
    }

    it('refuses an update without its signatures with UPDATE_NOT_READY', async () => {
      await signUpdate(w, org1, update)();
      await expectRejected(w.ledger, record(asClient(org2), '6'), 'UPDATE_NOT_READY');
    });

    describe('once READY', () => {
      beforeEach(async () => {
        await signUpdate(w, org1, update)();
        await signUpdate(w, org2, update)();
      });

      it('refuses a sequence other than base + 1 with MALFORMED_INPUT', async () => {
        await expectRejected(w.ledger, record(asClient(org2), '7'), 'MALFORMED_INPUT');
      });

      it('applies the update, the change and the chain view of the channel', async () => {
        const applied = await record(asClient(org2), '6')();
        expect(applied.status).to.equal('APPLIED');
        expect(applied.appliedSequence).to.equal('6');
        const [change] = await changes(w);
        expect(change).to.include({
          status: 'APPLIED',
          updateId: update.updateId,
          appliedSequence: '6',
        });
        expect(await state(w)).to.deep.equal({
          sequence: '6',
          organizations: ['Org1MSP', 'Org2MSP', 'Org3MSP'],
        });
        const event = lastEvent(w.ledger);
        expect(event.types).to.deep.equal(['ChannelChangeApplied']);
        expect(event.appliedSequence).to.equal('6');
      });

      it('returns the record again for the same sequence and writes nothing', async () => {
        const applied = await record(asClient(org2), '6')();
        const before = w.ledger.snapshot();
        expect(await record(asClient(org1), '6')()).to.deep.equal(applied);
        expect(w.ledger.snapshot()).to.equal(before);
      });

      it('refuses a new update of an applied change with CHANGE_ALREADY_APPLIED', async () => {
        await record(asClient(org2), '6')();
        await expectRejected(
          w.ledger,
          postUpdate(w, asClient(org1), proposalId, buildUpdate({ ...ADD, appVersion: 2 }), '6'),
          'CHANGE_ALREADY_APPLIED',
        );
      });

      it('makes updates built on the old sequence stale', async () => {
        // A removal approved meanwhile, its update built on sequence 5 like the addition's.
        const removal = await approve(w, { Removals: [{ MemberId: 'Org2MSP' }] }, [
          'Org1MSP',
          'Org2MSP',
        ]);
        const bytes = buildUpdate({
          action: 'REMOVE_ORG',
          mspId: 'Org2MSP',
          organizations: ['Org1MSP', 'Org2MSP'],
        });
        const removeUpdate = await call<ChannelUpdateRecord>(
          w,
          asClient(org1),
          'proposeChannelUpdate',
          [removal, 'Org2MSP', bytes.toString('base64'), '5'],
        )();
        await record(asClient(org2), '6')();
        await expectRejected(w.ledger, signUpdate(w, org1, removeUpdate), 'STALE_CONFIG_SEQUENCE');
      });
    });
  });

  describe('listChannelUpdates', () => {
    it('pages the updates in id order', async () => {
      const a = await postUpdate(w, asClient(org1), proposalId, buildUpdate(ADD), '5')();
      const b = await postUpdate(
        w,
        asClient(org1),
        proposalId,
        buildUpdate({ ...ADD, appVersion: 2 }),
        '6',
      )();
      const ids = [a.updateId, b.updateId].sort();
      const first = await call<ChannelUpdatePage>(
        w,
        client('Org1MSP'),
        'listChannelUpdates',
        ['1', ''],
        false,
      )();
      expect(first.updates.map((u) => u.updateId)).to.deep.equal([ids[0]]);
      const second = await call<ChannelUpdatePage>(
        w,
        client('Org1MSP'),
        'listChannelUpdates',
        ['1', first.bookmark],
        false,
      )();
      expect(second.updates.map((u) => u.updateId)).to.deep.equal([ids[1]]);
      expect(second.bookmark).to.equal('');
    });
  });

  it('keeps the voted definition in the change the update is checked against', async () => {
    expect((await changes(w))[0]!.mspDefinition).to.deep.equal(canonicalFor('Org3MSP'));
  });
});
