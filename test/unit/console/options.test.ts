/**
 * The console's command line: flags over environment over defaults, and bad values named before
 * anything starts.
 */
import { resolve } from 'node:path';
import { expect } from 'chai';
import { parseSettings } from '../../../console/src/options';

describe('console: command line', () => {
  it('listens on 127.0.0.1:8800 as Org1 with a generated token unless told otherwise', () => {
    const s = parseSettings([], {});
    expect(s).to.deep.include({
      host: '127.0.0.1',
      port: 8800,
      member: 'Org1',
      identity: 'admin',
      descriptionPath: resolve('.network/local/network.json'),
      probeIntervalMs: 2000,
    });
    expect(s).to.not.have.property('token');
  });

  it('takes flags over the environment', () => {
    const s = parseSettings(['--member', 'Org2', '--port=0'], {
      CONSOLE_MEMBER: 'Org1',
      CONSOLE_PORT: '9000',
      CONSOLE_TOKEN: 'from-the-environment-0123',
    });
    expect(s).to.deep.include({ member: 'Org2', port: 0, token: 'from-the-environment-0123' });
  });

  it('refuses an unknown flag, naming it', () => {
    expect(() => parseSettings(['--prot', '1'], {})).to.throw(Error, "unknown option '--prot'");
  });

  it('refuses a port that is not a port', () => {
    expect(() => parseSettings(['--port', '70000'], {})).to.throw(
      Error,
      "--port must be an integer from 0 to 65535, not '70000'",
    );
  });

  it('refuses a token shorter than 16 characters', () => {
    expect(() => parseSettings(['--token', 'short'], {})).to.throw(
      Error,
      'the console token must be at least 16 characters',
    );
  });

  it('refuses a certificate without its key', () => {
    expect(() => parseSettings(['--cert', 'c.pem'], {})).to.throw(
      Error,
      '--cert and --key go together',
    );
  });

  it('takes the identity from an identity store, by flag or CONSOLE_IDENTITY_STORE', () => {
    expect(
      parseSettings(['--identity-store', 'ids', '--identity', 'kms-admin'], {}),
    ).to.deep.include({
      identityStore: resolve('ids'),
      identity: 'kms-admin',
    });
    expect(parseSettings([], { CONSOLE_IDENTITY_STORE: '/srv/ids' })).to.deep.include({
      identityStore: '/srv/ids',
      identity: 'admin',
    });
  });

  it('refuses an identity store together with a certificate and key', () => {
    expect(() =>
      parseSettings(['--identity-store', 'ids', '--cert', 'c.pem', '--key', 'k.pem'], {}),
    ).to.throw(Error, '--identity-store and --cert/--key each name the identity');
  });
});
