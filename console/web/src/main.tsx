/**
 * The console's pages: a header with the member, the live-update state and the write token box,
 * and one page per area chosen by the URL's hash (`#/network`, `#/proposals/<id>`, `#/feeds/<id>`).
 *
 * Pages are listed in PAGES; the Oracle nodes page is listed only when the server says it was
 * configured with oracle nodes.
 */
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { getToken, post, setToken } from './api';
import { ErrorBox, useResource } from './components';
import { subscribe, useLiveStatus } from './live';
import { FeedsPage } from './pages/feeds';
import { InvitationsPage, MembersPage } from './pages/membership';
import { NetworkPage } from './pages/network';
import { OracleNodesPage } from './pages/oracle-nodes';
import { ProposalsPage } from './pages/proposals';

interface Page {
  readonly path: string;
  readonly title: string;
  readonly render: (id: string | undefined) => preact.JSX.Element;
  /** Shown only when the console has oracle nodes configured. */
  readonly oracle?: true;
}

const PAGES: readonly Page[] = [
  { path: 'network', title: 'Network', render: () => <NetworkPage /> },
  { path: 'proposals', title: 'Proposals', render: (id) => <ProposalsPage id={id} /> },
  { path: 'invitations', title: 'Invitations', render: () => <InvitationsPage /> },
  { path: 'members', title: 'Members', render: () => <MembersPage /> },
  { path: 'feeds', title: 'Feeds', render: (id) => <FeedsPage id={id} /> },
  { path: 'oracle-nodes', title: 'Oracle nodes', render: () => <OracleNodesPage />, oracle: true },
];

function route(): { page: string; id: string | undefined } {
  const [, page = 'network', id] = location.hash.split('/');
  return { page, id: id !== undefined && id !== '' ? decodeURIComponent(id) : undefined };
}

function TokenBox() {
  const [token, setLocal] = useState(getToken());
  const [state, setState] = useState<'none' | 'ok' | 'checking'>(token === '' ? 'none' : 'ok');
  const [error, setError] = useState<Error | undefined>(undefined);
  const save = async (e: Event): Promise<void> => {
    e.preventDefault();
    const value = new FormData(e.target as HTMLFormElement).get('token');
    setToken(typeof value === 'string' ? value.trim() : '');
    setState('checking');
    setError(undefined);
    try {
      await post('/api/session/check', {});
      setLocal(getToken());
      setState('ok');
    } catch (err) {
      setToken('');
      setLocal('');
      setState('none');
      setError(err as Error);
    }
  };
  if (state === 'ok') {
    return (
      <p data-testid="token-state">
        Writes enabled for this tab.{' '}
        <a
          href="#"
          onClick={(e) => {
            e.preventDefault();
            setToken('');
            setLocal('');
            setState('none');
          }}
        >
          forget token
        </a>
      </p>
    );
  }
  return (
    <form data-testid="token-form" onSubmit={(e) => void save(e)} role="search">
      <input
        name="token"
        type="password"
        placeholder="console token (printed when the console started)"
        aria-label="console token"
        autocomplete="off"
      />
      <button type="submit" aria-busy={state === 'checking'}>
        Enable writes
      </button>
      <ErrorBox error={error} />
    </form>
  );
}

function App() {
  const [where, setWhere] = useState(route());
  useEffect(() => {
    const onHash = (): void => {
      setWhere(route());
    };
    addEventListener('hashchange', onHash);
    return () => {
      removeEventListener('hashchange', onHash);
    };
  }, []);
  const session = useResource<{
    member: { name: string; mspId: string };
    channelName: string;
    oracleNodes: number;
  }>('/api/session');
  const live = useLiveStatus();
  // A ledger event stream the server gave up on (access refused, say): pages stop updating live.
  const [streamError, setStreamError] = useState<string | undefined>(undefined);
  useEffect(
    () =>
      subscribe(['stream-error'], (data) => {
        const e = data as { stream: string; message: string };
        setStreamError(`the ${e.stream} event stream stopped: ${e.message}`);
      }),
    [],
  );
  const pages = PAGES.filter((p) => p.oracle !== true || (session.data?.oracleNodes ?? 0) > 0);
  // A link straight to #/oracle-nodes renders before the session is read; the page itself says so
  // when the console has no nodes.
  const page =
    (session.data === undefined ? PAGES : pages).find((p) => p.path === where.page) ?? pages[0];
  return (
    <>
      <header>
        <nav>
          <ul>
            <li>
              <strong>Consortium console</strong>{' '}
              <span data-testid="member">{session.data?.member.mspId ?? ''}</span>{' '}
              <span class={live ? 'up' : 'down'} data-testid="live" data-live={String(live)}>
                {live ? '● live' : '● offline'}
              </span>
            </li>
          </ul>
          <ul>
            {pages.map((p) => (
              <li key={p.path}>
                <a
                  href={`#/${p.path}`}
                  aria-current={p === page ? 'page' : undefined}
                  data-testid={`nav-${p.path}`}
                >
                  {p.title}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <TokenBox />
        {streamError !== undefined ? (
          <p class="error" role="alert" data-testid="stream-error">
            Live updates stopped: {streamError}. Reload the page after fixing the server.
          </p>
        ) : null}
      </header>
      <main>{page?.render(where.id)}</main>
    </>
  );
}

// Straight into <body>, so Pico's classless layout of body > header and body > main applies.
render(<App />, document.body);
