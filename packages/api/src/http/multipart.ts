/**
 * A small streaming multipart/form-data reader (RFC 7578) for uploads that must not be buffered: each
 * part's body is an async iterable of chunks read straight off the request, holding at most one
 * chunk plus a boundary's length. Parts come in order; a part's body must be read (or skipped by
 * asking for the next part) before the next one starts.
 */
import type { IncomingMessage } from "node:http";
import { HttpError } from "./json.js";

export interface MultipartPart {
  name: string;
  fileName: string | null;
  contentType: string | null;
  body: AsyncIterable<Buffer>;
}

const MAX_HEADER_BYTES = 8 * 1024;
/** Past this much, a refused upload is no longer read to its end: the connection is reset instead. */
const DRAIN_CAP_BYTES = 64 * 1024 * 1024;

function bad(message: string): HttpError {
  return new HttpError(400, { code: "BAD_REQUEST", message: `multipart: ${message}` });
}

export function multipartBoundary(req: IncomingMessage): string {
  const header = req.headers["content-type"] ?? "";
  const match = /;\s*boundary=(?:"([^"]{1,70})"|([^\s;]{1,70}))/i.exec(header);
  const boundary = match?.[1] ?? match?.[2];
  if (!header.toLowerCase().startsWith("multipart/form-data") || !boundary) {
    throw bad("send the form as multipart/form-data with a boundary.");
  }
  return boundary;
}

export async function* readMultipart(req: IncomingMessage): AsyncGenerator<MultipartPart> {
  const reader = new ChunkReader(req[Symbol.asyncIterator]());
  const boundary = multipartBoundary(req);
  const delimiter = Buffer.from(`\r\n--${boundary}`);
  // the first boundary has no CRLF before it: read it as if the body started with one
  reader.unshift(Buffer.from("\r\n"));
  await skip(reader.until(delimiter)); // the preamble
  for (;;) {
    const after = await reader.take(2);
    if (after.toString() === "--") return;
    if (after.toString() !== "\r\n") throw bad("a boundary is not followed by a line break.");
    const head = await reader.headers(MAX_HEADER_BYTES);
    const disposition = /^content-disposition:\s*form-data(.*)$/im.exec(head)?.[1] ?? null;
    if (disposition === null) throw bad("a part has no Content-Disposition: form-data header.");
    const name = /;\s*name="([^"]*)"/i.exec(disposition)?.[1];
    if (name === undefined) throw bad("a part has no name.");
    const fileName = /;\s*filename="([^"]*)"/i.exec(disposition)?.[1] ?? null;
    const contentType = /^content-type:\s*(.+)$/im.exec(head)?.[1]?.trim() ?? null;
    const body = reader.until(delimiter);
    yield { name, fileName, contentType, body };
    // the caller moved on without reading the body: skip it (a body read to its end yields nothing more)
    await skip(body);
  }
}

async function skip(chunks: AsyncIterable<Buffer>): Promise<void> {
  const iterator = chunks[Symbol.asyncIterator]();
  while (!(await iterator.next()).done) {
    // discarded
  }
}

/** Reads a text part whole, refusing more than maxBytes. */
export async function readTextPart(part: MultipartPart, maxBytes: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of part.body) {
    size += chunk.length;
    if (size > maxBytes) throw bad(`the field "${part.name}" is longer than ${maxBytes} bytes.`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/**
 * Reads and throws away what is left of a refused upload, so the client sees the answer rather than
 * a reset; past DRAIN_CAP_BYTES the connection is closed instead.
 */
export async function drainRequest(req: IncomingMessage): Promise<void> {
  if (req.readableEnded) return;
  let size = 0;
  try {
    for await (const chunk of req) {
      size += Buffer.isBuffer(chunk) ? chunk.length : String(chunk).length;
      if (size > DRAIN_CAP_BYTES) {
        req.destroy();
        return;
      }
    }
  } catch {
    // a client that gave up is fine: there is nothing left to drain
  }
}

class ChunkReader {
  private buffer: Buffer = Buffer.alloc(0);
  private isEnded = false;

  constructor(private readonly source: AsyncIterator<unknown>) {}

  unshift(bytes: Buffer): void {
    this.buffer = Buffer.concat([bytes, this.buffer]);
  }

  private async fill(): Promise<boolean> {
    if (this.isEnded) return false;
    const next = await this.source.next();
    if (next.done) {
      this.isEnded = true;
      return false;
    }
    const chunk = Buffer.isBuffer(next.value) ? next.value : Buffer.from(String(next.value));
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    return true;
  }

  async take(count: number): Promise<Buffer> {
    while (this.buffer.length < count) {
      if (!(await this.fill())) throw bad("the body ended in the middle of the form.");
    }
    const taken = this.buffer.subarray(0, count);
    this.buffer = this.buffer.subarray(count);
    return taken;
  }

  async headers(maxBytes: number): Promise<string> {
    for (;;) {
      const end = this.buffer.indexOf("\r\n\r\n");
      if (end !== -1) {
        const head = this.buffer.subarray(0, end).toString("utf8");
        this.buffer = this.buffer.subarray(end + 4);
        return head;
      }
      if (this.buffer.length > maxBytes) throw bad(`a part's headers are longer than ${maxBytes} bytes.`);
      if (!(await this.fill())) throw bad("the body ended in the middle of a part's headers.");
    }
  }

  /** Yields the bytes up to the delimiter and consumes the delimiter; throws when the body ends first. */
  async *until(delimiter: Buffer): AsyncGenerator<Buffer> {
    for (;;) {
      const at = this.buffer.indexOf(delimiter);
      if (at !== -1) {
        const before = this.buffer.subarray(0, at);
        this.buffer = this.buffer.subarray(at + delimiter.length);
        if (before.length > 0) yield before;
        return;
      }
      // keep what could be the start of the delimiter; hand out the rest
      const safe = this.buffer.length - (delimiter.length - 1);
      if (safe > 0) {
        const out = this.buffer.subarray(0, safe);
        this.buffer = this.buffer.subarray(safe);
        yield out;
      }
      if (!(await this.fill())) throw bad("the body ended before the closing boundary.");
    }
  }
}
