/**
 * Who may write, and from where. Reads stay open on loopback; every request that writes
 * (any method but GET and HEAD) needs the console's token as `Authorization: Bearer <token>`.
 *
 * CSRF: the token travels in a header the page sets itself, never in a cookie, so a page of
 * another site cannot make the browser attach it; on top of that a write must come from the
 * console's own origin (`Origin`, and `Sec-Fetch-Site` when the browser sends it) and carry
 * `application/json`, which a cross-site form cannot send without a CORS preflight the server
 * never grants. Every request must name the console's own host, so a DNS-rebinding page cannot
 * read it either.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { ApiError } from './errors';

/**
 * A fresh token: 24 random bytes, base64url.
 *
 * @returns the token
 */
export function generateToken(): string {
  return randomBytes(24).toString('base64url');
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/**
 * Compares a presented token with the console's in constant time.
 *
 * @param presented - the token the request carries
 * @param expected - the console's token
 * @returns whether they are equal
 */
export function tokenMatches(presented: string, expected: string): boolean {
  return timingSafeEqual(digest(presented), digest(expected));
}

/** What {@link checkRequest} needs to know about the server. */
export interface AccessPolicy {
  /** The write token. */
  readonly token: string;
  /** Host header values the server answers to (`127.0.0.1:8080`, `localhost:8080`). */
  readonly allowedHosts: ReadonlySet<string>;
}

/** What {@link checkRequest} reads of a request. */
export interface RequestFacts {
  /** The HTTP method. */
  readonly method: string;
  /** The request headers. */
  readonly headers: IncomingHttpHeaders;
}

const READ_METHODS = new Set(['GET', 'HEAD']);

/**
 * Checks a request against the access rules; returns normally when it may proceed.
 *
 * @param request - method and headers
 * @param policy - the token and the allowed hosts
 * @throws ApiError 421 `HOST_NOT_ALLOWED` for a Host the console does not serve as
 * @throws ApiError 403 `CROSS_ORIGIN` for a write from another origin
 * @throws ApiError 415 `JSON_REQUIRED` for a write whose body is not `application/json`
 * @throws ApiError 403 `TOKEN_REQUIRED` / `TOKEN_INVALID` for a write without the right token
 */
export function checkRequest(
  request: Readonly<RequestFacts>,
  policy: Readonly<AccessPolicy>,
): void {
  const host = request.headers.host ?? '';
  if (!policy.allowedHosts.has(host.toLowerCase())) {
    throw new ApiError(421, 'HOST_NOT_ALLOWED', `this console does not answer as host '${host}'`);
  }
  if (READ_METHODS.has(request.method)) return;
  const site = request.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin' && site !== 'none') {
    throw new ApiError(
      403,
      'CROSS_ORIGIN',
      `writes must come from the console's own pages (Sec-Fetch-Site: ${site})`,
    );
  }
  const origin = request.headers.origin;
  if (origin !== undefined && origin !== `http://${host}`) {
    throw new ApiError(
      403,
      'CROSS_ORIGIN',
      `writes must come from the console's own pages, not ${origin}`,
    );
  }
  const type = request.headers['content-type'] ?? '';
  if (!/^application\/json\b/i.test(type)) {
    throw new ApiError(415, 'JSON_REQUIRED', 'a write must send its body as application/json');
  }
  const auth = request.headers.authorization;
  if (auth === undefined || auth === '') {
    throw new ApiError(
      403,
      'TOKEN_REQUIRED',
      'writing needs the console token: send Authorization: Bearer <token>',
    );
  }
  const m = /^Bearer (\S+)$/.exec(auth);
  if (m === null || !tokenMatches(m[1] ?? '', policy.token)) {
    throw new ApiError(
      403,
      'TOKEN_INVALID',
      "the console token presented is not this console's token",
    );
  }
}
