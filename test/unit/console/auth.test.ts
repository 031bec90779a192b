/**
 * The console's access rules: open reads from its own host, writes only with the token, from its
 * own origin and as JSON.
 */
import { expect } from 'chai';
import { checkRequest, generateToken, tokenMatches } from '../../../console/src/http/auth';
import { ApiError } from '../../../console/src/http/errors';

const policy = { token: 'the-console-token-0123', allowedHosts: new Set(['127.0.0.1:8800']) };
const write = {
  host: '127.0.0.1:8800',
  origin: 'http://127.0.0.1:8800',
  'content-type': 'application/json',
  authorization: 'Bearer the-console-token-0123',
};

function refusal(headers: Record<string, string>, method = 'POST'): ApiError {
  try {
    checkRequest({ method, headers }, policy);
  } catch (err) {
    expect(err).to.be.instanceOf(ApiError);
    return err as ApiError;
  }
  throw new Error('the request was let through');
}

describe('console: access rules', () => {
  it('lets a read from its own host through without a token', () => {
    expect(() => {
      checkRequest({ method: 'GET', headers: { host: '127.0.0.1:8800' } }, policy);
    }).not.to.throw();
  });

  it('lets a same-origin JSON write with the token through', () => {
    expect(() => {
      checkRequest(
        { method: 'POST', headers: { ...write, 'sec-fetch-site': 'same-origin' } },
        policy,
      );
    }).not.to.throw();
  });

  it('refuses any request naming another host (DNS rebinding)', () => {
    const err = refusal({ host: 'evil.example:8800' }, 'GET');
    expect(err).to.include({ status: 421, code: 'HOST_NOT_ALLOWED' });
  });

  it('refuses a write without the token with 403 TOKEN_REQUIRED', () => {
    const rest: Record<string, string> = { ...write };
    delete rest.authorization;
    const err = refusal(rest);
    expect(err).to.include({ status: 403, code: 'TOKEN_REQUIRED' });
    expect(err.message).to.include('Authorization: Bearer');
  });

  it('refuses a write with another token with 403 TOKEN_INVALID', () => {
    const err = refusal({ ...write, authorization: 'Bearer not-the-token' });
    expect(err).to.include({ status: 403, code: 'TOKEN_INVALID' });
  });

  it('refuses a write from another origin even with the token', () => {
    const err = refusal({ ...write, origin: 'http://evil.example' });
    expect(err).to.include({ status: 403, code: 'CROSS_ORIGIN' });
  });

  it('refuses a write the browser marks cross-site even with the token', () => {
    const err = refusal({ ...write, 'sec-fetch-site': 'cross-site' });
    expect(err).to.include({ status: 403, code: 'CROSS_ORIGIN' });
  });

  it('refuses a form-encoded write with 415 JSON_REQUIRED', () => {
    const err = refusal({ ...write, 'content-type': 'application/x-www-form-urlencoded' });
    expect(err).to.include({ status: 415, code: 'JSON_REQUIRED' });
  });

  it('generates distinct tokens of 32 base64url characters', () => {
    const a = generateToken();
    expect(a).to.match(/^[A-Za-z0-9_-]{32}$/);
    expect(generateToken()).to.not.equal(a);
    expect(tokenMatches(a, a)).to.equal(true);
    expect(tokenMatches(`${a}x`, a)).to.equal(false);
  });
});
