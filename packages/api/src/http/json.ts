import type { IncomingMessage, ServerResponse } from "node:http";
import type { ErrorBody } from "../errors.js";

/** An error the REST layer answers itself (before any procedure runs): body too large, bad JSON. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: ErrorBody,
    readonly headers: Record<string, string> = {},
  ) {
    super(body.message);
  }
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
) {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(text),
    "cache-control": "no-store",
    ...headers,
  });
  res.end(text);
}

/**
 * Past this much, a refused body is no longer read to its end: the connection is reset instead,
 * so a client cannot keep the server busy with an endless upload.
 */
const DRAIN_CAP_BYTES = 32 * 1024 * 1024;

export function bodyTooLarge(maxBytes: number): HttpError {
  return new HttpError(413, {
    code: "PAYLOAD_TOO_LARGE",
    message: `The request body is larger than ${maxBytes} bytes.`,
  });
}

/** Reads a JSON body of at most maxBytes; undefined when there is none. */
export async function readJsonBody(req: IncomingMessage, maxBytes: number): Promise<unknown> {
  return (await readSizedJsonBody(req, maxBytes, bodyTooLarge(maxBytes))).value;
}

/** The same, with the body's size in bytes, refused with `tooLarge` past maxBytes. */
export async function readSizedJsonBody(
  req: IncomingMessage,
  maxBytes: number,
  tooLarge: HttpError,
): Promise<{ value: unknown; size: number }> {
  // A client still uploading when we answer sees a reset instead of the 413, so a refused body
  // is read to its end (and thrown away) before the answer goes out.
  const { chunks, size, isTooLarge } = await readChunks(req, maxBytes);
  if (isTooLarge) throw tooLarge;
  const text = Buffer.concat(chunks).toString("utf8").trim();
  if (text === "") return { value: undefined, size };
  try {
    return { value: JSON.parse(text), size };
  } catch (error) {
    const reason = error instanceof Error ? error.message : "unparseable";
    throw new HttpError(400, {
      code: "INVALID_JSON",
      message: `The request body is not valid JSON (${reason}).`,
    });
  }
}

/**
 * The body's chunks, none kept once it passes maxBytes; past DRAIN_CAP_BYTES the request is destroyed.
 * Listeners rather than `for await`: the stream's async iterator costs several promises per request on
 * the send path (BENCHMARKS.md, figure 8).
 */
function readChunks(
  req: IncomingMessage,
  maxBytes: number,
): Promise<{ chunks: Buffer[]; size: number; isTooLarge: boolean }> {
  return new Promise((resolve, reject) => {
    let isTooLarge = Number(req.headers["content-length"] ?? 0) > maxBytes;
    const chunks: Buffer[] = [];
    let size = 0;
    const done = (error?: Error) => {
      req.off("data", onData).off("end", onEnd).off("error", onError).off("close", onClose);
      if (error) reject(error);
      else resolve({ chunks, size, isTooLarge });
    };
    const onData = (chunk: Buffer | string) => {
      const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk);
      size += buffer.length;
      if (size > DRAIN_CAP_BYTES) {
        isTooLarge = true;
        chunks.length = 0;
        done();
        req.destroy();
        return;
      }
      if (size > maxBytes) {
        isTooLarge = true;
        chunks.length = 0;
      }
      if (!isTooLarge) chunks.push(buffer);
    };
    const onEnd = () => done();
    const onError = (error: Error) => done(error);
    // the client went away before the body ended
    const onClose = () => done(new Error("the request was aborted before its body ended"));
    if (req.readableEnded) return done();
    // Usually the whole body came with the headers and is buffered already: take it at once.
    if (req.complete) {
      const buffered = req.read() as Buffer | string | null;
      if (buffered !== null) onData(buffered);
      if (req.readableLength === 0) return done();
    }
    if (req.destroyed) return done(new Error("the request was aborted before its body ended"));
    req.on("data", onData).on("end", onEnd).on("error", onError).on("close", onClose);
  });
}
