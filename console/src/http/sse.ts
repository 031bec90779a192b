/**
 * Server-sent events to the open pages: one hub, every page subscribed to every event type
 * (`network`, `round`, `membership`), a comment line every 15 s so proxies and the browser keep the
 * stream open. A page that falls behind is dropped rather than buffered without end.
 */
import type { ServerResponse } from 'node:http';

/** Fans events out to the connected pages. */
export interface EventHub {
  /**
   * Adopts a response as an event stream: writes the headers and keeps it until it closes.
   *
   * @param res - the raw response of a hijacked request
   * @param hello - a first event for this page alone, when given
   */
  attach(res: ServerResponse, hello?: { event: string; data: unknown }): void;
  /**
   * Sends one event to every page.
   *
   * @param event - the event type
   * @param data - JSON-serialisable payload
   */
  publish(event: string, data: unknown): void;
  /** How many pages are connected. */
  readonly size: number;
  /** Ends every stream. */
  close(): void;
}

function frame(event: string, data: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

// A page whose socket holds more than this unsent is not reading: drop it, it reconnects.
const MAX_BUFFERED = 1024 * 1024;

class EventHubImpl implements EventHub {
  readonly #clients = new Set<ServerResponse>();
  readonly #heartbeat: NodeJS.Timeout;

  constructor(heartbeatMs: number) {
    this.#heartbeat = setInterval(() => {
      this.#write(': keep-alive\n\n');
    }, heartbeatMs);
    this.#heartbeat.unref();
  }

  get size(): number {
    return this.#clients.size;
  }

  attach(res: ServerResponse, hello?: { event: string; data: unknown }): void {
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      connection: 'keep-alive',
    });
    // Tell the browser how long to wait before reconnecting after the server goes away.
    res.write('retry: 2000\n\n');
    if (hello !== undefined) res.write(frame(hello.event, hello.data));
    this.#clients.add(res);
    res.on('close', () => this.#clients.delete(res));
  }

  publish(event: string, data: unknown): void {
    this.#write(frame(event, data));
  }

  #write(chunk: string): void {
    for (const res of this.#clients) {
      if (res.writableLength > MAX_BUFFERED) {
        res.destroy();
        this.#clients.delete(res);
        continue;
      }
      res.write(chunk);
    }
  }

  close(): void {
    clearInterval(this.#heartbeat);
    for (const res of this.#clients) res.end();
    this.#clients.clear();
  }
}

/**
 * A new event hub.
 *
 * @param heartbeatMs - time between keep-alive comments; 15 s when absent
 * @returns the hub
 */
export function newEventHub(heartbeatMs = 15000): EventHub {
  return new EventHubImpl(heartbeatMs);
}
