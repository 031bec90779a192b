/**
 * Size limits on what a membership transaction carries. Calls go through `FakeLedger.invoke`,
 * which runs `beforeTransaction` as fabric-contract-api does.
 */
import { expect } from 'chai';
import { MAX_ARGUMENTS_BYTES, MAX_TRANSIENT_BYTES } from '../../../chaincode/src/lib/limits';
import { admin, expectRejected, initialised } from './helpers';
import { inviting, storedInviting } from '../../support/msp-vectors';

const MB = 1024 * 1024;
const INVITE = JSON.stringify(inviting('Org4MSP'));

describe('membership: input size limits', () => {
  it('refuses proposal actions padded with 5 MB of whitespace with INPUT_TOO_LARGE', async () => {
    const w = await initialised();
    const padded = INVITE + ' '.repeat(5 * MB);
    const err = await expectRejected(
      w.ledger,
      () => w.ledger.invoke(w.contract, admin('Org1MSP'), 'createProposal', [padded, 'd', 't1']),
      'INPUT_TOO_LARGE',
    );
    expect(err.message).to.match(
      new RegExp(
        `^\\[INPUT_TOO_LARGE\\] the arguments of membership:createProposal are \\d+ bytes; at most ${MAX_ARGUMENTS_BYTES} are accepted$`,
      ),
    );
  });

  it('refuses transient details over MAX_TRANSIENT_BYTES with INPUT_TOO_LARGE', async () => {
    const w = await initialised();
    const opts = admin('Org1MSP', undefined, { junk: 'x'.repeat(5 * MB) });
    const err = await expectRejected(
      w.ledger,
      () => w.ledger.invoke(w.contract, opts, 'createProposal', [INVITE, 'd', 't2']),
      'INPUT_TOO_LARGE',
    );
    expect(err.message).to.include(`at most ${MAX_TRANSIENT_BYTES} are accepted`);
  });

  it('accepts 45 invitations with their definitions within the argument limit', async () => {
    const w = await initialised();
    // Each invitation carries its MSP definition (two certificates here, base64 DER), so the
    // 64 KiB argument limit, not MAX_ACTIONS (50), bounds an invitation proposal: about 45 such.
    const actions = JSON.stringify(
      storedInviting(...Array.from({ length: 45 }, (_, i) => `Org${100 + i}MSP`)),
    );
    expect(actions.length).to.be.at.most(MAX_ARGUMENTS_BYTES);
    const out = await w.ledger.invoke(w.contract, admin('Org1MSP'), 'createProposal', [
      actions,
      'invite forty-five',
      't3',
    ]);
    expect(JSON.parse(out as string)).to.include({ status: 'IN_PROGRESS' });
  });
});
