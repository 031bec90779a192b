/**
 * The MSP definition `network.sh member definition` prints (test-network/lib/member-steps.sh),
 * without starting a network: the shell functions are sourced against a scratch NETWORK_HOME whose
 * member MSP folder holds fresh self-signed CA certificates. The shell writes the protocol's
 * canonical form and hash by itself (no build of the protocol package needed), so both are checked
 * against the protocol's own functions here: an invitation is bound to exactly these bytes.
 */
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  canonicalJson,
  canonicalMspDefinition,
  mspDefinitionHash,
} from '@oracle-consortium/protocol';
import { selfSigned } from '../../../scripts/lib/openssl-ca';

const LIB = path.resolve(__dirname, '..', '..', '..', 'test-network', 'lib');

function bash(home: string, script: string): string {
  return execFileSync(
    'bash',
    ['-c', `set -euo pipefail; source "$LIB/common.sh"; source "$LIB/member-steps.sh"; ${script}`],
    {
      env: { ...process.env, LIB, PORT_BASE: '22000', NETWORK_HOME: home },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
}

describe('member definition (network.sh)', () => {
  let home: string;
  let root: string;
  let tlsRoot: string;

  before(() => {
    home = path.join(mkdtempSync(path.join(os.tmpdir(), 'member-definition-unit-')), 'net');
    const msp = path.join(home, 'crypto', 'org3', 'msp');
    mkdirSync(path.join(msp, 'cacerts'), { recursive: true });
    mkdirSync(path.join(msp, 'tlscacerts'), { recursive: true });
    root = selfSigned('ca.org3').certPem;
    tlsRoot = selfSigned('tlsca.org3').certPem;
    writeFileSync(path.join(msp, 'cacerts', 'ca.pem'), root);
    writeFileSync(path.join(msp, 'tlscacerts', 'ca.pem'), tlsRoot);
  });

  after(() => {
    rmSync(path.dirname(home), { recursive: true, force: true });
  });

  it('prints the protocol canonical form of the member CA certificates', () => {
    const printed = bash(home, 'definition_json Org3').trim();
    const expected = canonicalJson(
      canonicalMspDefinition({
        mspId: 'Org3MSP',
        rootCerts: [root],
        tlsRootCerts: [tlsRoot],
        nodeOUs: true,
      }),
    );
    expect(printed).to.equal(expected);
  });

  it('hashes it as mspDefinitionHash does', () => {
    const hash = bash(home, 'definition_hash Org3').trim();
    expect(hash).to.equal(
      mspDefinitionHash({
        mspId: 'Org3MSP',
        rootCerts: [root],
        tlsRootCerts: [tlsRoot],
        nodeOUs: true,
      }),
    );
  });

  it('refuses a member without an MSP folder, naming the folder', () => {
    expect(() => bash(home, 'definition_json Org9')).to.throw(
      /Org9 has no MSP folder \(.*org9\/msp\)/,
    );
  });
});
