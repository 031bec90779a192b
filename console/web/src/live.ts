/**
 * One EventSource per tab on /api/events; pages ask to be re-rendered when the topics they show
 * change (`network`, `round`, `membership`, `oracle-nodes`) and read the event's data when they need it.
 */
import { useEffect, useState } from 'preact/hooks';

type Listener = (data: unknown) => void;
const listeners = new Map<string, Set<Listener>>();
let source: EventSource | undefined;
let connected = false;
const statusListeners = new Set<(up: boolean) => void>();

function ensureSource(): void {
  if (source !== undefined) return;
  source = new EventSource('/api/events');
  source.addEventListener('open', () => {
    connected = true;
    statusListeners.forEach((l) => {
      l(true);
    });
  });
  source.addEventListener('error', () => {
    connected = false;
    statusListeners.forEach((l) => {
      l(false);
    });
  });
  for (const topic of ['network', 'round', 'membership', 'oracle-nodes', 'hello', 'stream-error']) {
    source.addEventListener(topic, (e) => {
      const data: unknown = JSON.parse((e as MessageEvent<string>).data);
      listeners.get(topic)?.forEach((l) => {
        l(data);
      });
    });
  }
}

/**
 * Subscribes to topics.
 *
 * @param topics - event types
 * @param listener - receives each event's data
 * @returns an unsubscribe function
 */
export function subscribe(topics: readonly string[], listener: Listener): () => void {
  ensureSource();
  for (const t of topics) {
    let set = listeners.get(t);
    if (set === undefined) listeners.set(t, (set = new Set()));
    set.add(listener);
  }
  return () => {
    topics.forEach((t) => listeners.get(t)?.delete(listener));
  };
}

/**
 * A counter that grows with every event of the topics: put it in an effect's dependencies to
 * re-read after each change.
 *
 * @param topics - event types
 * @returns the counter
 */
export function useLive(...topics: string[]): number {
  const [n, setN] = useState(0);
  useEffect(
    () =>
      subscribe(topics, () => {
        setN((x) => x + 1);
      }),
    [topics.join(',')],
  );
  return n;
}

/** @returns whether the event stream is connected */
export function useLiveStatus(): boolean {
  const [up, setUp] = useState(connected);
  useEffect(() => {
    ensureSource();
    statusListeners.add(setUp);
    return () => statusListeners.delete(setUp);
  }, []);
  return up;
}
