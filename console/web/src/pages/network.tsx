/**
 * The Network page: members with their CA and peers (health, block height), the ordering service
 * with its Raft leader, and the channel's chaincode definitions. Node states arrive as live
 * `network` events; the channel is read again on every ledger event.
 */
import { useEffect, useState } from 'preact/hooks';
import type { ChannelView } from '../../../src/network/definitions';
import type { NetworkSnapshot, NodeStatus } from '../../../src/network/monitor';
import { ErrorBox, Section, useResource } from '../components';
import { subscribe, useLive } from '../live';

interface NetworkAnswer {
  nodes: NetworkSnapshot;
  channel: ChannelView | { error: string };
}

function Health({ node }: { node: NodeStatus }) {
  if (node.healthy === null) return <span class="unknown">unknown</span>;
  return node.healthy ? (
    <span class="up">healthy</span>
  ) : (
    <span class="down" title={node.reason}>
      down
    </span>
  );
}

function NodeRow({ node, role }: { node: NodeStatus; role: string }) {
  const state = node.healthy === null ? 'unknown' : node.healthy ? 'up' : 'down';
  return (
    <tr data-node={node.name} data-health={state}>
      <td>
        <code>{node.name}</code>
      </td>
      <td>{role}</td>
      <td>
        <Health node={node} />
        {node.healthy === false && node.reason !== undefined ? (
          <div class="small">{node.reason}</div>
        ) : null}
      </td>
      <td data-testid="height">{node.height ?? ''}</td>
      <td class="small">
        <code class="wrap">{node.endpoint ?? ''}</code>
      </td>
    </tr>
  );
}

/** The Network page. */
export function NetworkPage() {
  const ledger = useLive('round', 'membership');
  const loaded = useResource<NetworkAnswer>('/api/network', ledger);
  const [nodes, setNodes] = useState<NetworkSnapshot | undefined>(undefined);
  useEffect(
    () =>
      subscribe(['network'], (data) => {
        setNodes(data as NetworkSnapshot);
      }),
    [],
  );
  const snapshot = nodes ?? loaded.data?.nodes;
  const channel = loaded.data?.channel;
  if (snapshot === undefined) {
    return (
      <>
        <ErrorBox error={loaded.error} />
        <p aria-busy="true">Reading the network…</p>
      </>
    );
  }
  const all = [
    ...snapshot.members.flatMap((m) => [m.ca, ...m.peers]),
    ...snapshot.orderers,
    ...(snapshot.orderingCa !== undefined ? [snapshot.orderingCa] : []),
  ];
  const down = all.filter((n) => n.healthy === false).length;
  return (
    <>
      <h2>
        Network <code>{snapshot.networkName}</code>
      </h2>
      <p data-testid="network-summary">
        {all.length} nodes, <span class={down > 0 ? 'down' : 'up'}>{down} down</span>; Raft leader:{' '}
        <strong data-testid="raft-leader">{snapshot.leader ?? 'none'}</strong>; checked{' '}
        {new Date(snapshot.checkedAt).toLocaleTimeString()}
      </p>
      <ErrorBox error={loaded.error} />
      {snapshot.members.map((m) => (
        <Section key={m.mspId} title={`Member ${m.name} (${m.mspId})`}>
          <p class="small">
            id <code>{m.id}</code>
          </p>
          <table>
            <thead>
              <tr>
                <th>node</th>
                <th>role</th>
                <th>health</th>
                <th>block height</th>
                <th>endpoint</th>
              </tr>
            </thead>
            <tbody>
              <NodeRow node={m.ca} role="certificate authority" />
              {m.peers.map((p) => (
                <NodeRow key={p.name} node={p} role="peer" />
              ))}
            </tbody>
          </table>
        </Section>
      ))}
      <Section title="Ordering service">
        <table>
          <thead>
            <tr>
              <th>node</th>
              <th>role</th>
              <th>health</th>
              <th>block height</th>
              <th>endpoint</th>
            </tr>
          </thead>
          <tbody>
            {snapshot.orderers.map((o) => (
              <NodeRow
                key={o.name}
                node={o}
                role={o.leader === true ? 'orderer (Raft leader)' : 'orderer'}
              />
            ))}
            {snapshot.orderingCa !== undefined ? (
              <NodeRow node={snapshot.orderingCa} role="ordering service CA" />
            ) : null}
          </tbody>
        </table>
      </Section>
      <Section title={`Channel ${snapshot.channelName}`}>
        {channel === undefined ? null : 'error' in channel ? (
          <p class="error">{channel.error}</p>
        ) : (
          <>
            <p>
              Block height <strong data-testid="channel-height">{channel.height}</strong>
            </p>
            <table data-testid="chaincodes">
              <thead>
                <tr>
                  <th>chaincode</th>
                  <th>version</th>
                  <th>sequence</th>
                  <th>endorsement policy</th>
                  <th>collections</th>
                </tr>
              </thead>
              <tbody>
                {channel.chaincodes.map((c) => (
                  <tr key={c.name}>
                    <td>
                      <code>{c.name}</code>
                    </td>
                    <td>{c.version}</td>
                    <td>{c.sequence}</td>
                    <td>
                      <code class="wrap">{c.endorsementPolicy}</code>
                    </td>
                    <td>{c.collections.join(', ')}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </>
        )}
      </Section>
    </>
  );
}
