/**
 * @module dashboard/event-stream
 * Server-sent events to the browsers: a bounded set of open streams, one broadcast per agent
 * refresh, a comment heartbeat so proxies keep the connection, and a close of every stream on shutdown.
 */
import type { ServerResponse } from 'node:http';

/** Options of {@link EventStreamHub}. */
export interface EventStreamHubOptions {
  /** Most streams open at once. */
  maxClients: number;
  /** Heartbeat period (ms); 0 disables it. */
  heartbeatMs: number;
}

/** Formats one server-sent event (`event:` and one `data:` line per line of the JSON). */
export function formatEvent(event: string, data: unknown): string {
  const json = JSON.stringify(data);
  return `event: ${event}\n${json
    .split('\n')
    .map((l) => `data: ${l}`)
    .join('\n')}\n\n`;
}

/** The open streams. */
export class EventStreamHub {
  private readonly clients = new Set<ServerResponse>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly opts: EventStreamHubOptions) {}

  /** Number of open streams. */
  get size(): number {
    return this.clients.size;
  }

  /** True when another stream may be opened. */
  hasRoom(): boolean {
    return this.clients.size < this.opts.maxClients;
  }

  /** Takes over `res` as an event stream; sends `initial` events first. */
  add(res: ServerResponse, initial: { event: string; data: unknown }[] = []): void {
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-content-type-options': 'nosniff',
    });
    res.write('retry: 3000\n\n');
    for (const e of initial) res.write(formatEvent(e.event, e.data));
    this.clients.add(res);
    res.on('close', () => this.clients.delete(res));
    if (!this.timer && this.opts.heartbeatMs > 0) {
      this.timer = setInterval(() => this.writeAll(': keep-alive\n\n'), this.opts.heartbeatMs);
      this.timer.unref();
    }
  }

  /** Sends one event to every open stream. */
  broadcast(event: string, data: unknown): void {
    if (this.clients.size > 0) this.writeAll(formatEvent(event, data));
  }

  private writeAll(chunk: string): void {
    for (const res of this.clients) {
      if (res.writableEnded || res.destroyed) this.clients.delete(res);
      else res.write(chunk);
    }
  }

  /** Ends every stream and stops the heartbeat. */
  closeAll(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    for (const res of this.clients) res.end();
    this.clients.clear();
  }
}
