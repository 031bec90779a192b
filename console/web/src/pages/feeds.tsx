/**
 * The Feeds page: every feed with its latest answer in its decimals and its age, whether the
 * console's member subscribes to its premium values; one feed's chart of its round history, its
 * oracle set, which oracles signed each round, and its subscriptions. Re-read on round events.
 */
import { useEffect, useMemo, useState } from 'preact/hooks';
import type { Feed, Round, RoundData, Subscription } from '@oracle-consortium/gateway';
import { fixedToNumber, formatAge, formatFixed } from '../../../src/lib/format';
import { RoundChart } from '../chart';
import { ErrorBox, Section, useResource } from '../components';
import { useLive } from '../live';

interface FeedRow {
  feed: Feed;
  latest: RoundData | null;
  subscribed: boolean;
}

function useNow(): number {
  const [now, setNow] = useState(Date.now() / 1000);
  useEffect(() => {
    const t = setInterval(() => {
      setNow(Date.now() / 1000);
    }, 1000);
    return () => {
      clearInterval(t);
    };
  }, []);
  return now;
}

function FeedView({ id, version }: { id: string; version: number }) {
  const now = useNow();
  const loaded = useResource<{
    feed: Feed;
    latest: RoundData | null;
    rounds: Round[];
    subscriptions: Subscription[];
    subscribed: boolean;
    member: string;
  }>(`/api/feeds/${encodeURIComponent(id)}`, version);
  const data = loaded.data;
  const points = useMemo(
    () =>
      (data?.rounds ?? []).map((r) => ({
        roundId: r.roundId,
        // Observation time: rounds committed in the same second still plot apart.
        time: r.startedAt,
        value: fixedToNumber(r.answer, data?.feed.decimals ?? 0),
      })),
    [data],
  );
  if (data === undefined) return <ErrorBox error={loaded.error} />;
  const { feed, latest } = data;
  return (
    <article data-testid="feed" data-feed={feed.feedId}>
      <header>
        <strong>{feed.description}</strong> <code>{feed.feedId}</code>
        {feed.paused ? <mark> paused</mark> : null}
        <div class="small">
          owner {feed.owner}; {feed.decimals} decimals; f = {feed.f}, {feed.minSignatures}{' '}
          signatures and {feed.minObservations} observations per report; config v
          {feed.configVersion}
        </div>
      </header>
      <p>
        Latest answer:{' '}
        {latest !== null ? (
          <>
            <strong data-testid="latest-answer">{formatFixed(latest.answer, feed.decimals)}</strong>{' '}
            (round {latest.roundId}, {formatAge(now - latest.updatedAt)} ago)
          </>
        ) : (
          'no rounds yet'
        )}
      </p>
      <RoundChart points={points} label={feed.description} />
      <Section title="Oracles">
        <table data-testid="oracles">
          <thead>
            <tr>
              <th>index</th>
              <th>oracle</th>
              <th>key</th>
            </tr>
          </thead>
          <tbody>
            {feed.oracles.map((o, i) => (
              <tr key={o.id}>
                <td>{i}</td>
                <td>{o.id}</td>
                <td>{o.keyType}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </Section>
      <Section title="Rounds">
        <table data-testid="rounds">
          <thead>
            <tr>
              <th>round</th>
              <th>answer</th>
              <th>observed</th>
              <th>signed by</th>
            </tr>
          </thead>
          <tbody>
            {[...data.rounds].reverse().map((r) => (
              <tr key={r.roundId} data-round={r.roundId}>
                <td>{r.roundId}</td>
                <td>{formatFixed(r.answer, feed.decimals)}</td>
                <td>{new Date(r.startedAt * 1000).toLocaleString()}</td>
                <td data-testid="signers">
                  {r.signers
                    .map((s) =>
                      // Indices refer to the oracle set the report was signed under.
                      r.configDigest === feed.configDigest
                        ? (feed.oracles[s]?.id ?? `#${s}`)
                        : `#${s}`,
                    )
                    .join(', ')}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </Section>
      <Section title="Premium subscriptions">
        <p>
          {data.member} {data.subscribed ? 'subscribes' : 'does not subscribe'} to this feed's
          premium values.
        </p>
        {data.subscriptions.length > 0 ? (
          <ul>
            {data.subscriptions.map((s) => (
              <li key={s.mspId}>
                {s.mspId} since {new Date(s.grantedAt * 1000).toLocaleString()}
              </li>
            ))}
          </ul>
        ) : null}
      </Section>
    </article>
  );
}

/** The Feeds page; `id` selects one feed. */
export function FeedsPage({ id }: { id?: string | undefined }) {
  const version = useLive('round');
  const now = useNow();
  const list = useResource<{ feeds: FeedRow[]; member: string }>('/api/feeds', version);
  const rows = list.data?.feeds ?? [];
  return (
    <>
      <h2>Feeds</h2>
      <ErrorBox error={list.error} />
      {id !== undefined ? <FeedView id={id} version={version} /> : null}
      <table data-testid="feed-list">
        <thead>
          <tr>
            <th>feed</th>
            <th>latest answer</th>
            <th>age</th>
            <th>oracles</th>
            <th>premium ({list.data?.member ?? ''})</th>
          </tr>
        </thead>
        <tbody>
          {rows.map(({ feed, latest, subscribed }) => (
            <tr key={feed.feedId} data-feed={feed.feedId}>
              <td>
                <a href={`#/feeds/${encodeURIComponent(feed.feedId)}`}>{feed.description}</a>{' '}
                <code class="small">{feed.feedId}</code>
              </td>
              <td>{latest !== null ? formatFixed(latest.answer, feed.decimals) : '—'}</td>
              <td>{latest !== null ? formatAge(now - latest.updatedAt) : ''}</td>
              <td>{feed.oracles.length}</td>
              <td>{subscribed ? 'subscribed' : ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {list.data !== undefined && rows.length === 0 ? <p>No feeds yet.</p> : null}
    </>
  );
}
