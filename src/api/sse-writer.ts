/**
 * Server-Sent Events on a Fastify reply: the frames (`id:`, `event:`, `data:` lines, comment
 * lines for heartbeats) and a stream that owns the raw response once the headers are out. Small
 * enough to write rather than take a plugin: it needs no replay store or generator plumbing, and
 * the headers the API's hooks set (security headers, CORS) are carried over as they are.
 */
import type { FastifyReply, FastifyRequest } from "fastify";

/** One event: its id (the resume cursor), its type and its data (one line of JSON). */
export interface SseEvent {
  readonly id?: string;
  readonly event?: string;
  readonly data: string;
}

/** Bytes a client may leave unread before it is dropped: a stalled reader must not grow the heap. */
export const MAX_UNREAD_BYTES = 1 << 20;

const NO_BREAKS = /[\r\n\0]/;

/** The text of one event; `data` may hold line breaks (each line becomes a `data:` line). */
export function sseFrame(e: SseEvent): string {
  let out = "";
  if (e.id !== undefined) {
    if (NO_BREAKS.test(e.id)) throw new Error("an SSE id cannot hold a line break or NUL");
    out += `id: ${e.id}\n`;
  }
  if (e.event !== undefined) {
    if (NO_BREAKS.test(e.event)) throw new Error("an SSE event type cannot hold a line break");
    out += `event: ${e.event}\n`;
  }
  for (const line of e.data.split(/\r\n|\r|\n/)) out += `data: ${line}\n`;
  return `${out}\n`;
}

/** A comment line (clients ignore it; it keeps the connection and proxies awake). */
export function sseComment(text = ""): string {
  return `:${text.replace(/[\r\n]/g, " ")}\n\n`;
}

/** An open event stream on a reply: write frames until closed by either side. */
export class SseStream {
  private open = true;
  private readonly closers: (() => void)[] = [];

  private constructor(private readonly reply: FastifyReply) {
    reply.raw.on("close", () => this.ended());
    reply.raw.on("error", () => this.ended());
  }

  /** Sends the headers (with those the API's hooks set) and takes over the response. */
  static start(req: FastifyRequest, reply: FastifyReply, retryMs: number): SseStream {
    const headers: Record<string, string | string[]> = {};
    for (const [name, value] of Object.entries(reply.getHeaders()))
      if (value !== undefined) headers[name] = typeof value === "number" ? String(value) : value;
    Object.assign(headers, {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache, no-transform",
      connection: "keep-alive",
      // Proxies that buffer answers (nginx) would hold every event back.
      "x-accel-buffering": "no",
    });
    reply.hijack();
    reply.raw.writeHead(200, headers);
    // The server's idle timeout is for requests; heartbeats and writes keep this one honest.
    req.raw.socket.setTimeout(0);
    const stream = new SseStream(reply);
    stream.write(`retry: ${retryMs}\n\n`);
    return stream;
  }

  get closed(): boolean {
    return !this.open;
  }

  /** Runs `fn` once when the stream ends, whoever ends it. */
  onClose(fn: () => void): void {
    if (this.open) this.closers.push(fn);
    else fn();
  }

  send(e: SseEvent): void {
    this.write(sseFrame(e));
  }

  comment(text?: string): void {
    this.write(sseComment(text));
  }

  close(): void {
    if (!this.open) return;
    this.reply.raw.end();
    this.ended();
  }

  private write(text: string): void {
    if (!this.open) return;
    if (this.reply.raw.writableLength > MAX_UNREAD_BYTES) {
      // The client reads slower than alerts come: drop it; it resumes with its cursor.
      this.reply.raw.destroy();
      this.ended();
      return;
    }
    this.reply.raw.write(text);
  }

  private ended(): void {
    if (!this.open) return;
    this.open = false;
    for (const fn of this.closers.splice(0)) fn();
  }
}
