/**
 * A small Server-Sent Events client for tests and the bench: Node's fetch reads the stream and
 * eventsource-parser frames it. Unlike EventSource it never reconnects by itself, so a test says
 * when a client goes away and with which Last-Event-ID it comes back.
 */
import { createParser, type EventSourceMessage } from "eventsource-parser";

export interface ReceivedEvent extends EventSourceMessage {
  /** performance.timeOrigin + performance.now() when the event was parsed. */
  readonly receivedAt: number;
}

export interface SseClient {
  readonly status: number;
  readonly headers: Headers;
  /** Events received so far, in order. */
  readonly events: ReceivedEvent[];
  /** Comment lines (heartbeats) received so far. */
  readonly comments: string[];
  /** The body of a refusal (status not 200). */
  readonly refusal: Record<string, unknown> | undefined;
  /** Resolves once `n` events have come (rejects after `timeoutMs`). */
  waitForEvents(n: number, timeoutMs?: number): Promise<ReceivedEvent[]>;
  close(): void;
}

/** Opens `url` as an event stream; `lastEventId` is sent as the Last-Event-ID header. */
export async function openSse(
  url: string | URL,
  opts: {
    lastEventId?: string;
    headers?: Record<string, string>;
    onEvent?: (e: ReceivedEvent) => void;
  } = {},
): Promise<SseClient> {
  const abort = new AbortController();
  const res = await fetch(url, {
    signal: abort.signal,
    headers: {
      accept: "text/event-stream",
      ...(opts.lastEventId === undefined ? {} : { "last-event-id": opts.lastEventId }),
      ...opts.headers,
    },
  });
  const events: ReceivedEvent[] = [];
  const comments: string[] = [];
  const waiters = new Set<() => void>();
  const parser = createParser({
    onEvent: (e) => {
      const got = { ...e, receivedAt: performance.timeOrigin + performance.now() };
      events.push(got);
      opts.onEvent?.(got);
      for (const w of waiters) w();
    },
    onComment: (c) => comments.push(c),
  });
  let refusal: Record<string, unknown> | undefined;
  if (res.status === 200 && res.body !== null) {
    const body = res.body.pipeThrough(new TextDecoderStream());
    void (async () => {
      try {
        for await (const chunk of body) parser.feed(chunk);
      } catch {
        // closed by the test or the server
      }
    })();
  } else {
    refusal = (await res.json()) as Record<string, unknown>;
  }
  return {
    status: res.status,
    headers: res.headers,
    events,
    comments,
    refusal,
    waitForEvents(n, timeoutMs = 30_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (events.length < n) return;
          waiters.delete(check);
          clearTimeout(timer);
          resolve(events.slice(0, n));
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`${events.length} of ${n} SSE events within ${timeoutMs} ms`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    close: () => abort.abort(),
  };
}
