import { readFile, stat } from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import type { MediaInput } from "../contract.js";
import { InvalidInputError, KabarError } from "../errors.js";
import { IMAGE_MIME_TYPES, MAX_TEXT_LENGTH, MEDIA_LIMIT_BYTES, recipientSchema } from "../schemas.js";

/** WhatsApp's own limits for images and documents (issue 12): past these it refuses the file. */
export const MEDIA_LIMITS = MEDIA_LIMIT_BYTES;

const IMAGE_TYPES: Record<string, string> = {
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".png": "image/png",
  ".webp": "image/webp",
};
const DOCUMENT_TYPES: Record<string, string> = {
  ".pdf": "application/pdf",
  ".txt": "text/plain",
  ".csv": "text/csv",
  ".doc": "application/msword",
  ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
  ".xls": "application/vnd.ms-excel",
  ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
  ".zip": "application/zip",
};

export const mediaInputSchema = z.object({
  to: recipientSchema,
  file: z.union([z.string().min(1, { error: "file must be a path or bytes" }), z.instanceof(Uint8Array)]),
  fileName: z.string().trim().min(1).max(200).optional(),
  /** Send even to a number on the opt-out list. */
  force: z.boolean({ error: "force must be true or false" }).optional(),
  mimeType: z
    .string()
    .trim()
    .regex(/^[\w.+-]+\/[\w.+-]+$/, { error: "mimeType must look like type/subtype" })
    .optional(),
  caption: z
    .string()
    .max(MAX_TEXT_LENGTH, { error: `caption must be at most ${MAX_TEXT_LENGTH} characters` })
    .optional(),
  idempotencyKey: z.string().min(1).max(200).optional(),
});

export interface ReadMedia {
  data: Uint8Array;
  fileName: string;
  mimeType: string;
}

/** Reads a file path or takes the bytes, enforcing the size limit before reading a large file. */
export async function readMedia(type: "image" | "document", input: MediaInput): Promise<ReadMedia> {
  const limit = MEDIA_LIMITS[type];
  const file = input.file;
  const fromPath = typeof file === "string" ? file : null;
  const size = typeof file === "string" ? await sizeOf(file) : file.byteLength;
  if (size > limit) {
    throw new KabarError(
      "MEDIA_TOO_LARGE",
      `file: the ${type} is ${formatMb(size)}; WhatsApp ${type}s may be at most ${formatMb(limit)}.`,
      "file",
    );
  }
  if (size === 0) throw new InvalidInputError("file", "file: the file is empty (0 bytes).");
  const data = typeof file === "string" ? new Uint8Array(await readFile(file)) : file;
  const fileName = input.fileName ?? (fromPath === null ? defaultName(type, data) : path.basename(fromPath));
  const mimeType = input.mimeType ?? guessMimeType(type, fileName, data);
  if (type === "image") checkImage(fileName, mimeType, data);
  return { data, fileName, mimeType };
}

/** WhatsApp renders only these, and a mislabelled file arrives as a broken photo: refuse both. */
function checkImage(fileName: string, mimeType: string, data: Uint8Array): void {
  if (!(IMAGE_MIME_TYPES as readonly string[]).includes(mimeType)) {
    throw new InvalidInputError(
      "mimeType",
      `mimeType: an image must be image/jpeg, image/png or image/webp; "${fileName}" is ${mimeType}.`,
    );
  }
  const actual = sniff(data);
  if (actual !== mimeType) {
    throw new InvalidInputError(
      "file",
      `file: the bytes of "${fileName}" are ${actual === null ? "not a JPEG, PNG or WebP image" : actual}, not ${mimeType}.`,
    );
  }
}

async function sizeOf(filePath: string): Promise<number> {
  try {
    const info = await stat(filePath);
    if (!info.isFile()) throw new InvalidInputError("file", `"${filePath}" is not a file.`);
    return info.size;
  } catch (error) {
    if (error instanceof InvalidInputError) throw error;
    throw new InvalidInputError(
      "file",
      `Cannot read "${filePath}": ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

/** The type a file name's extension stands for (a .webp named file with no label, say), or null. */
export function mimeTypeFromName(fileName: string): string | null {
  const extension = path.extname(fileName).toLowerCase();
  return IMAGE_TYPES[extension] ?? DOCUMENT_TYPES[extension] ?? null;
}

function guessMimeType(type: "image" | "document", fileName: string, data: Uint8Array): string {
  const extension = path.extname(fileName).toLowerCase();
  const byName = (type === "image" ? IMAGE_TYPES : DOCUMENT_TYPES)[extension];
  return byName ?? sniff(data) ?? "application/octet-stream";
}

/** Magic bytes, for buffers handed over without a name. */
function sniff(data: Uint8Array): string | null {
  const starts = (...bytes: number[]) => bytes.every((byte, index) => data[index] === byte);
  if (starts(0xff, 0xd8, 0xff)) return "image/jpeg";
  if (starts(0x89, 0x50, 0x4e, 0x47)) return "image/png";
  if (starts(0x52, 0x49, 0x46, 0x46) && data[8] === 0x57 && data[9] === 0x45) return "image/webp";
  if (starts(0x25, 0x50, 0x44, 0x46)) return "application/pdf";
  return null;
}

function defaultName(type: "image" | "document", data: Uint8Array): string {
  const mime = sniff(data);
  if (mime === "image/png") return "image.png";
  if (mime === "image/webp") return "image.webp";
  if (mime === "application/pdf") return "document.pdf";
  return type === "image" ? "image.jpg" : "document";
}

function formatMb(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}
