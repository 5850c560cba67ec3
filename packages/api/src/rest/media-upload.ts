/**
 * Reads a multipart/form-data upload (fields + one `file`) without holding the file in memory: the
 * file streams to a temp file in `<data>/uploads/`, on the same disk as `<data>/media/`, and the
 * caller deletes it once core has taken the bytes. No part of the request names the temp path.
 */
import { randomBytes } from "node:crypto";
import { createWriteStream, type WriteStream } from "node:fs";
import { once } from "node:events";
import { mkdir, rm } from "node:fs/promises";
import type { IncomingMessage } from "node:http";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import busboy from "busboy";
import { HttpError } from "../http/json.js";

export interface UploadedFile {
  /** The temp file holding the bytes; the caller removes it (removeUpload). */
  path: string;
  /** As the client named it; only ever sent to WhatsApp as the document's name. */
  fileName: string;
  mimeType: string;
}

export interface Upload {
  fields: Map<string, string>;
  file: UploadedFile | null;
}

export interface UploadLimits {
  maxFileBytes: number;
  /** Said in the 413 when the file is larger than maxFileBytes. */
  tooLargeMessage: string;
}

const MAX_FIELD_BYTES = 64 * 1024;
const MAX_FIELDS = 20;

function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function badUpload(message: string, field?: string): HttpError {
  return new HttpError(400, { code: "INVALID_INPUT", message, ...(field ? { field } : {}) });
}

export async function receiveUpload(
  req: IncomingMessage,
  uploadsDir: string,
  limits: UploadLimits,
): Promise<Upload> {
  const contentType = req.headers["content-type"] ?? "";
  if (!contentType.toLowerCase().startsWith("multipart/form-data")) {
    throw new HttpError(415, {
      code: "UNSUPPORTED_MEDIA_TYPE",
      message: "Content-Type must be multipart/form-data with the fields to, caption and file.",
    });
  }
  let parser: busboy.Busboy;
  try {
    parser = busboy({
      headers: req.headers,
      limits: { fileSize: limits.maxFileBytes, files: 1, fields: MAX_FIELDS, fieldSize: MAX_FIELD_BYTES },
    });
  } catch (error) {
    throw badUpload(`The body is not valid multipart/form-data (${reasonOf(error)}).`);
  }
  // Made before parsing: a file part must be piped the moment it appears, or its first bytes are lost.
  await mkdir(uploadsDir, { recursive: true, mode: 0o700 });
  const fields = new Map<string, string>();
  let file: UploadedFile | null = null;
  let problem: HttpError | null = null;
  const writes: Promise<void>[] = [];
  const outputs: WriteStream[] = [];
  // Past the file limit the parser only discards; an endless body must still end somewhere.
  let received = 0;
  const bodyCap = limits.maxFileBytes + MAX_FIELDS * MAX_FIELD_BYTES + 1024 * 1024;
  req.on("data", (chunk: Buffer) => {
    received += chunk.length;
    if (received <= bodyCap) return;
    problem ??= new HttpError(413, {
      code: "PAYLOAD_TOO_LARGE",
      message: limits.tooLargeMessage,
      field: "file",
    });
    req.destroy();
  });

  parser.on("field", (name, value, info) => {
    if (info.valueTruncated) problem ??= badUpload(`${name} is longer than ${MAX_FIELD_BYTES} bytes.`, name);
    fields.set(name, value);
  });
  parser.on("file", (name, stream, info) => {
    if (name !== "file" || file !== null) {
      problem ??= badUpload(`Only one file, in the field "file", is taken (got "${name}").`, name);
      stream.resume();
      return;
    }
    const target = path.join(uploadsDir, `upload-${randomBytes(12).toString("hex")}`);
    file = { path: target, fileName: info.filename ?? "", mimeType: info.mimeType };
    stream.on("limit", () => {
      problem ??= new HttpError(413, {
        code: "PAYLOAD_TOO_LARGE",
        message: limits.tooLargeMessage,
        field: "file",
      });
    });
    const output = createWriteStream(target, { flags: "wx", mode: 0o600 });
    outputs.push(output);
    writes.push(pipeline(stream, output));
  });
  const parsed = new Promise<void>((resolve, reject) => {
    parser.on("close", resolve);
    parser.on("error", reject);
    parser.on("filesLimit", () => {
      problem ??= badUpload('Only one file, in the field "file", is taken.', "file");
    });
  });
  try {
    await pipeline(req, parser);
    await parsed;
    await Promise.all(writes);
  } catch (error) {
    // Whichever failed first, the others settle too before the temp file goes (none left unhandled).
    await Promise.allSettled([parsed, ...writes]);
    await removeAfterClosed(file, outputs);
    if (problem !== null) throw problem;
    throw badUpload(`The body is not valid multipart/form-data (${reasonOf(error)}).`);
  }
  if (problem !== null) {
    await removeAfterClosed(file, outputs);
    throw problem;
  }
  return { fields, file };
}

/**
 * A write stream torn down by a failed pipeline may still be opening its file in the thread pool, and
 * creates it after a removal that did not wait: the refused upload would leave its temp file behind.
 */
async function removeAfterClosed(file: UploadedFile | null, outputs: readonly WriteStream[]): Promise<void> {
  await Promise.all(
    outputs.map((output) => (output.closed ? undefined : once(output, "close").catch(() => {}))),
  );
  await removeUpload(file);
}

export async function removeUpload(file: UploadedFile | null): Promise<void> {
  if (file) await rm(file.path, { force: true });
}
