/**
 * `network.sh member create`'s check of the invitation it is given (check_invitation in
 * test-network/lib/member-steps.sh), run in bash on invitation records as the membership contract
 * returns them: it goes on only for a PENDING, unexpired invitation for the member's MSP id and
 * the definition it prepared, and otherwise exits non-zero naming what is wrong. The network
 * tests show the same refusals for the cases a live channel can produce in a test's time (an
 * unknown, used or foreign invitation); an expired one needs the clock, so it is shown here.
 */
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

const STEPS = path.resolve(__dirname, '..', '..', '..', 'test-network', 'lib', 'member-steps.sh');
const HASH = 'a'.repeat(64);

/** Runs check_invitation on the record for Org3 (MSP Org3MSP, definition hash HASH). */
function check(record: Record<string, unknown>): { code: number | null; stderr: string } {
  const script = [
    'set -euo pipefail',
    `source '${STEPS}'`,
    // The network's helpers the step uses, as common.sh and member-steps.sh define them.
    'msp_id() { printf "%sMSP" "$1"; }',
    `definition_hash() { printf "${HASH}"; }`,
    'check_invitation "$1" Org3 inv-1',
  ].join('\n');
  const out = spawnSync('bash', ['-c', script, 'check', JSON.stringify(record)], {
    encoding: 'utf8',
  });
  return { code: out.status, stderr: out.stderr };
}

const inAnHour = () => new Date(Date.now() + 3600000).toISOString();
const valid = () => ({
  invitationId: 'inv-1',
  principal: 'Org3MSP',
  status: 'PENDING',
  expirationDate: inAnHour(),
  mspDefinitionHash: HASH,
});

describe('network.sh member create: the invitation check', () => {
  it('accepts a pending, unexpired invitation for the MSP id and definition prepared', () => {
    expect(check(valid())).to.deep.equal({ code: 0, stderr: '' });
  });

  it('refuses an invitation past its expiration that still reads PENDING, naming when it expired', () => {
    const expirationDate = new Date(Date.now() - 1000).toISOString();
    const out = check({ ...valid(), expirationDate });
    expect(out.code).to.equal(1);
    expect(out.stderr.trim()).to.equal(`error: invitation inv-1 expired at ${expirationDate}`);
  });

  it('refuses an invitation recorded EXPIRED', () => {
    const out = check({ ...valid(), status: 'EXPIRED' });
    expect(out.code).to.equal(1);
    expect(out.stderr.trim()).to.equal('error: invitation inv-1 is EXPIRED, not PENDING');
  });

  it('refuses an invitation already accepted, saying it was used', () => {
    const out = check({ ...valid(), status: 'ACCEPTED' });
    expect(out.code).to.equal(1);
    expect(out.stderr.trim()).to.equal(
      'error: invitation inv-1 is ACCEPTED, not PENDING (already used)',
    );
  });

  it('refuses an invitation for another MSP id', () => {
    const out = check({ ...valid(), principal: 'Org4MSP' });
    expect(out.code).to.equal(1);
    expect(out.stderr.trim()).to.equal('error: invitation inv-1 is for Org4MSP, not Org3MSP');
  });

  it('refuses an invitation voted for another definition, naming both hashes', () => {
    const out = check({ ...valid(), mspDefinitionHash: 'b'.repeat(64) });
    expect(out.code).to.equal(1);
    expect(out.stderr).to.contain(`with hash ${'b'.repeat(64)}, but this Org3MSP has ${HASH}`);
  });
});
