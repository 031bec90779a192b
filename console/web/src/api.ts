/**
 * The page's side of the API: JSON reads, writes with the operator's token (kept in this tab's
 * sessionStorage, sent as a header, never as a cookie), and one shape for every refusal.
 */

/** A refusal from the console or the contract, as the API sends it. */
export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly source: string,
  ) {
    super(message);
  }
}

const TOKEN_KEY = 'console-token';

/** @returns the token this tab holds, or '' */
export function getToken(): string {
  return sessionStorage.getItem(TOKEN_KEY) ?? '';
}

/** @param token - the token to keep for this tab ('' forgets it) */
export function setToken(token: string): void {
  if (token === '') sessionStorage.removeItem(TOKEN_KEY);
  else sessionStorage.setItem(TOKEN_KEY, token);
}

async function parse<T>(res: Response): Promise<T> {
  const body = (await res.json().catch(() => ({}))) as {
    error?: { code?: string; message?: string; source?: string };
  };
  if (!res.ok) {
    throw new ApiFailure(
      res.status,
      body.error?.code ?? `HTTP_${res.status}`,
      body.error?.message ?? res.statusText,
      body.error?.source ?? 'console',
    );
  }
  return body as T;
}

/**
 * @param path - API path
 * @returns the decoded answer
 */
export async function get<T>(path: string): Promise<T> {
  return parse<T>(await fetch(path, { headers: { accept: 'application/json' } }));
}

/**
 * @param path - API path
 * @param body - JSON body
 * @returns the decoded answer
 */
export async function post<T>(path: string, body: unknown): Promise<T> {
  const token = getToken();
  return parse<T>(
    await fetch(path, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json',
        ...(token !== '' ? { authorization: `Bearer ${token}` } : {}),
      },
      body: JSON.stringify(body),
    }),
  );
}
