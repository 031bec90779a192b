/**
 * The relay from the library's event streams and the node monitor to the pages: each contract
 * event and each changed snapshot becomes one server-sent event; a stream that fails for good is
 * reported, not thrown.
 */
import { expect } from 'chai';
import type { ContractEvent, EventCheckpointer, EventStream } from '@oracle-consortium/gateway';
import type { ConsoleBackend } from '../../../console/src/backend';
import type { EventHub } from '../../../console/src/http/sse';
import { startRelay } from '../../../console/src/live/relay';
import type { NetworkSnapshot } from '../../../console/src/network/monitor';

function stream<T>(
  events: ContractEvent<T>[],
  failure?: Error,
): EventStream<T> & { closed: boolean } {
  const s = {
    closed: false,
    checkpointer: Promise.resolve({} as EventCheckpointer),
    close() {
      s.closed = true;
    },
    async *[Symbol.asyncIterator]() {
      for (const e of events) {
        await Promise.resolve();
        yield e;
      }
      if (failure !== undefined) throw failure;
    },
  };
  return s;
}

function recordingHub(): EventHub & { sent: [string, unknown][] } {
  const sent: [string, unknown][] = [];
  return {
    sent,
    size: 0,
    attach: () => undefined,
    publish: (e, d) => sent.push([e, d]),
    close: () => undefined,
  };
}

describe('console: live relay', () => {
  it('publishes each round and membership event with its transaction and block, and each snapshot', async () => {
    let listener: ((s: NetworkSnapshot) => void) | undefined;
    let started = false;
    const rounds = stream([
      {
        eventName: 'RoundReported',
        payload: { feedId: 'eur-usd', roundId: '4' },
        transactionId: 'tx-r',
        blockNumber: 12n,
      },
    ]);
    const membership = stream(
      [
        {
          eventName: 'MembershipEvent',
          payload: { types: ['VoteCast'], proposalId: 'p1' },
          transactionId: 'tx-m',
          blockNumber: 13n,
        },
      ],
      new Error('access denied'),
    );
    const backend = {
      monitor: {
        onChange: (l: (s: NetworkSnapshot) => void) => {
          listener = l;
          return () => {
            listener = undefined;
          };
        },
        start: () => {
          started = true;
        },
      },
      openStreams: () => Promise.resolve({ rounds, membership }),
    } as unknown as ConsoleBackend;
    const hub = recordingHub();
    const logged: string[] = [];
    const relay = await startRelay(backend, hub, (m) => logged.push(m));
    const snapshot = { networkId: 'n-1' } as NetworkSnapshot;
    listener?.(snapshot);
    await relay.done;
    relay.close();

    expect(started).to.equal(true);
    expect(hub.sent).to.deep.include.members([
      ['network', snapshot],
      [
        'round',
        { payload: { feedId: 'eur-usd', roundId: '4' }, transactionId: 'tx-r', blockNumber: '12' },
      ],
      [
        'membership',
        {
          payload: { types: ['VoteCast'], proposalId: 'p1' },
          transactionId: 'tx-m',
          blockNumber: '13',
        },
      ],
      ['stream-error', { stream: 'membership', message: 'access denied' }],
    ]);
    expect(logged).to.deep.equal(['the membership event stream stopped: access denied']);
    expect(rounds.closed && membership.closed).to.equal(true);
    expect(listener, 'the monitor listener is removed').to.equal(undefined);
  });
});
