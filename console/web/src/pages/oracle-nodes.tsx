/**
 * The Oracle nodes page: for each node the console was configured with, its health and checks,
 * its lease state ("n/a" for a node without a lease), its jobs with their round, leader and
 * recent runs, its bridges and its recent errors. The console's server reads the nodes; changes
 * arrive as live `oracle-nodes` events, so the page never polls.
 */
import { useEffect, useState } from 'preact/hooks';
import type {
  OracleError,
  OracleJob,
  OracleLease,
  OracleNodeStatus,
  OracleNodesSnapshot,
} from '../../../src/oracle/nodes';
import { ErrorBox, Section, useResource } from '../components';
import { subscribe } from '../live';

function time(ms: number | undefined): string {
  return ms === undefined ? '' : new Date(ms).toLocaleTimeString();
}

function Lease({ node }: { node: OracleNodeStatus }) {
  if (node.leaseError !== undefined) {
    return (
      <span class="down" data-testid="lease" data-lease="error">
        unreadable: {node.leaseError}
      </span>
    );
  }
  if (node.lease === undefined) {
    return (
      <span class="unknown" data-testid="lease" data-lease="unknown">
        unknown (node down)
      </span>
    );
  }
  if (node.lease === null) {
    return (
      <span class="unknown" data-testid="lease" data-lease="n/a">
        n/a
      </span>
    );
  }
  const l: OracleLease = node.lease;
  return (
    <span data-testid="lease" data-lease={l.role}>
      <strong>{l.role}</strong> ({l.store}); holder <code>{l.holder ?? 'none'}</code>
      {l.epoch !== null ? `, epoch ${String(l.epoch)}` : ''}
      {l.expiresAt !== null ? `, expires ${new Date(l.expiresAt).toLocaleTimeString()}` : ''}
    </span>
  );
}

function Jobs({ jobs }: { jobs: readonly OracleJob[] }) {
  if (jobs.length === 0) return <p>No jobs.</p>;
  return (
    <>
      <table data-testid="jobs">
        <thead>
          <tr>
            <th>job</th>
            <th>type</th>
            <th>feed</th>
            <th>round</th>
            <th>attempt</th>
            <th>leader</th>
            <th>latest on chain</th>
          </tr>
        </thead>
        <tbody>
          {jobs.map((j) => (
            <tr key={j.name} data-job={j.name} data-feed={j.feedId}>
              <td>
                <code>{j.name}</code>
              </td>
              <td>{j.type}</td>
              <td>
                <a href={`#/feeds/${encodeURIComponent(j.feedId)}`}>{j.feedId}</a>
              </td>
              <td>{j.roundId}</td>
              <td>{j.attempt}</td>
              <td>
                <code>{j.leader}</code>
              </td>
              <td>
                {j.latestRoundId ?? ''}
                {j.chainError !== undefined ? <div class="down small">{j.chainError}</div> : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {jobs.map((j) => (
        <details key={j.name} open>
          <summary>
            Recent runs of <code>{j.name}</code>
          </summary>
          {j.runs.length === 0 ? (
            <p>None yet.</p>
          ) : (
            <table data-testid="runs" data-job={j.name}>
              <thead>
                <tr>
                  <th>started</th>
                  <th>trigger</th>
                  <th>status</th>
                  <th>result</th>
                  <th>error</th>
                </tr>
              </thead>
              <tbody>
                {j.runs.map((r) => (
                  <tr key={r.id} data-run={r.id} data-status={r.status}>
                    <td>{time(r.startedAt)}</td>
                    <td>{r.trigger}</td>
                    <td>{r.status}</td>
                    <td>{r.result ?? ''}</td>
                    <td class="small">{r.error ?? ''}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </details>
      ))}
    </>
  );
}

function Errors({ errors }: { errors: readonly OracleError[] }) {
  if (errors.length === 0) return <p>None recorded.</p>;
  return (
    <table data-testid="errors">
      <thead>
        <tr>
          <th>at</th>
          <th>component</th>
          <th>job / source</th>
          <th>code</th>
          <th>message</th>
        </tr>
      </thead>
      <tbody>
        {errors.map((e, i) => (
          <tr key={i} data-code={e.code}>
            <td>{time(e.at)}</td>
            <td>{e.component}</td>
            <td>{[e.job, e.source].filter((x) => x !== undefined).join(' / ')}</td>
            <td>
              <code>{e.code}</code>
            </td>
            <td class="small">{e.message}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function NodeSection({ node }: { node: OracleNodeStatus }) {
  const state = node.healthy ? 'up' : 'down';
  return (
    <article data-oracle-node={node.name} data-health={state}>
      <header>
        <strong>{node.name}</strong>{' '}
        <span class={state} data-testid="oracle-health">
          {node.healthy ? 'healthy' : 'down'}
        </span>
        {node.ready === false ? <span class="unknown"> (not ready)</span> : null}{' '}
        <code class="small">{node.url}</code>
        {node.reason !== undefined ? <div class="small down">{node.reason}</div> : null}
      </header>
      <p>
        Lease: <Lease node={node} />
      </p>
      {Object.keys(node.checks).length > 0 ? (
        <p class="small" data-testid="checks">
          {Object.entries(node.checks).map(([name, c]) => (
            <span key={name} class={c.status === 'passing' ? 'up' : 'down'} title={c.output}>
              {name} {c.status === 'passing' ? '✓' : '✗'}{' '}
            </span>
          ))}
        </p>
      ) : null}
      <Section title="Jobs">
        <Jobs jobs={node.jobs} />
      </Section>
      <Section title="Bridges">
        {node.bridges.length === 0 ? (
          <p>None.</p>
        ) : (
          <ul data-testid="bridges">
            {node.bridges.map((b) => (
              <li key={b.name} data-bridge={b.name}>
                <code>{b.name}</code> <span class="small">{b.url}</span>
              </li>
            ))}
          </ul>
        )}
      </Section>
      <Section title="Recent errors">
        <Errors errors={node.errors} />
      </Section>
    </article>
  );
}

/** The Oracle nodes page. */
export function OracleNodesPage() {
  const loaded = useResource<OracleNodesSnapshot>('/api/oracle-nodes');
  const [live, setLive] = useState<OracleNodesSnapshot | undefined>(undefined);
  useEffect(
    () =>
      subscribe(['oracle-nodes'], (data) => {
        setLive(data as OracleNodesSnapshot);
      }),
    [],
  );
  const snapshot = live ?? loaded.data;
  if (snapshot === undefined) {
    return (
      <>
        <h2>Oracle nodes</h2>
        <ErrorBox error={loaded.error} />
        {loaded.error === undefined ? <p aria-busy="true">Reading the oracle nodes…</p> : null}
      </>
    );
  }
  const down = snapshot.nodes.filter((n) => !n.healthy).length;
  return (
    <>
      <h2>Oracle nodes</h2>
      <p data-testid="oracle-summary">
        {snapshot.nodes.length} nodes, <span class={down > 0 ? 'down' : 'up'}>{down} down</span>;
        checked {new Date(snapshot.checkedAt).toLocaleTimeString()}
      </p>
      {snapshot.nodes.map((n) => (
        <NodeSection key={n.name} node={n} />
      ))}
    </>
  );
}
