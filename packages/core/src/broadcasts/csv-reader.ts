/**
 * A streaming CSV reader for participant lists as Indonesian spreadsheet apps write them: UTF-8 with
 * or without a BOM, `,` or `;` between fields (read from the header line), quoted fields with `""`
 * escapes and line breaks inside quotes. It never holds more than one record, so a 50,000-row upload
 * costs what one row costs, and it stops at the first sign the upload is not a CSV.
 */
import { TextDecoder } from "node:util";
import { InvalidInputError, UploadTooLargeError } from "../errors.js";

export interface CsvRecord {
  /** The file line the record starts on (1 = the header), as a text editor shows it. */
  line: number;
  fields: string[];
}

export interface CsvLimits {
  /** The whole upload; more is a 413. */
  maxBytes: number;
  /** One record (a line, or several inside quotes); more is a 400, read no further. */
  maxRecordChars: number;
}

export const DEFAULT_CSV_LIMITS: CsvLimits = { maxBytes: 20 * 1024 * 1024, maxRecordChars: 64 * 1024 };

const FIELD = "csv";

/** Yields the header record first, then every non-blank record. */
export async function* readCsv(
  source: AsyncIterable<Uint8Array | string>,
  limits: CsvLimits = DEFAULT_CSV_LIMITS,
): AsyncGenerator<CsvRecord> {
  // fatal: bytes that are not UTF-8 are a binary file, not text with replacement characters
  const decoder = new TextDecoder("utf-8", { fatal: true });
  const parser = new CsvParser(limits.maxRecordChars);
  let bytes = 0;
  let pending = "";
  for await (const chunk of source) {
    bytes += typeof chunk === "string" ? Buffer.byteLength(chunk) : chunk.byteLength;
    if (bytes > limits.maxBytes) throw new UploadTooLargeError(FIELD, limits.maxBytes);
    const text = refuseNul(typeof chunk === "string" ? chunk : decode(decoder, chunk, true));
    if (parser.delimiter === null) {
      // the delimiter is the header's: hold text until the header line is complete
      pending += text;
      const end = headerEnd(pending);
      if (end === -1) {
        if (pending.length > limits.maxRecordChars) throw recordTooLong(1, limits.maxRecordChars);
        continue;
      }
      parser.delimiter = detectDelimiter(pending.slice(0, end));
      yield* parser.push(pending);
      pending = "";
      continue;
    }
    yield* parser.push(text);
  }
  const rest = decode(decoder, new Uint8Array(0), false);
  if (parser.delimiter === null) {
    pending += rest;
    parser.delimiter = detectDelimiter(pending);
    yield* parser.push(pending);
  } else {
    yield* parser.push(rest);
  }
  yield* parser.end();
}

function decode(decoder: TextDecoder, chunk: Uint8Array, stream: boolean): string {
  let text: string;
  try {
    text = decoder.decode(chunk, { stream });
  } catch {
    throw new InvalidInputError(
      FIELD,
      "csv: the file is not UTF-8 text (a binary file?); save it as CSV UTF-8.",
    );
  }
  return refuseNul(text);
}

function refuseNul(text: string): string {
  if (text.includes("\u0000")) {
    throw new InvalidInputError(
      FIELD,
      "csv: the file contains NUL bytes (a binary file?); save it as CSV UTF-8.",
    );
  }
  return text;
}

function recordTooLong(line: number, max: number): InvalidInputError {
  return new InvalidInputError(FIELD, `csv: line ${line} is longer than ${max} characters; is this a CSV?`);
}

/** Where the header line ends (a line break outside quotes), or -1 while it has not ended yet. */
function headerEnd(text: string): number {
  let quoted = false;
  for (let index = 0; index < text.length; index += 1) {
    const char = text[index];
    if (char === '"') quoted = !quoted;
    else if (char === "\n" && !quoted) return index;
  }
  return -1;
}

/** `;` when the header has more semicolons than commas outside quotes (Excel in Indonesian locale). */
export function detectDelimiter(header: string): "," | ";" {
  let quoted = false;
  let commas = 0;
  let semicolons = 0;
  for (const char of header) {
    if (char === '"') quoted = !quoted;
    else if (!quoted && char === ",") commas += 1;
    else if (!quoted && char === ";") semicolons += 1;
  }
  return semicolons > commas ? ";" : ",";
}

class CsvParser {
  delimiter: "," | ";" | null = null;
  private fields: string[] = [];
  private field = "";
  private recordChars = 0;
  private isQuoted = false;
  /** A quote inside a quoted field: either the closing quote or the first half of `""`. */
  private quoteSeen = false;
  private wasFieldQuoted = false;
  private line = 1;
  private recordLine = 1;

  constructor(private readonly maxRecordChars: number) {}

  *push(text: string): Generator<CsvRecord> {
    for (const char of text) {
      this.recordChars += 1;
      if (this.recordChars > this.maxRecordChars) throw recordTooLong(this.recordLine, this.maxRecordChars);
      if (this.isQuoted) {
        if (this.quoteSeen) {
          this.quoteSeen = false;
          if (char === '"') {
            this.field += '"';
            continue;
          }
          this.isQuoted = false;
          // falls through: the character after the closing quote is read as unquoted
        } else if (char === '"') {
          this.quoteSeen = true;
          continue;
        } else {
          if (char === "\n") this.line += 1;
          this.field += char;
          continue;
        }
      }
      if (char === '"' && this.field.trim() === "" && !this.wasFieldQuoted) {
        this.isQuoted = true;
        this.wasFieldQuoted = true;
        this.field = "";
      } else if (char === this.delimiter) {
        this.endField();
      } else if (char === "\n") {
        const record = this.endRecord();
        this.line += 1;
        this.recordLine = this.line;
        if (record) yield record;
      } else if (char !== "\r") {
        this.field += char;
      }
    }
  }

  *end(): Generator<CsvRecord> {
    if (this.isQuoted && !this.quoteSeen) {
      throw new InvalidInputError(FIELD, `csv: the quote opened on line ${this.recordLine} is never closed.`);
    }
    const record = this.endRecord();
    if (record) yield record;
  }

  private endField(): void {
    this.fields.push(this.wasFieldQuoted ? this.field : this.field.trim());
    this.field = "";
    this.wasFieldQuoted = false;
    this.isQuoted = false;
    this.quoteSeen = false;
  }

  /** The finished record, or null for a blank line (spreadsheets leave them at the end). */
  private endRecord(): CsvRecord | null {
    this.endField();
    const fields = this.fields;
    this.fields = [];
    this.recordChars = 0;
    const isBlank = fields.every((field) => field === "");
    return isBlank ? null : { line: this.recordLine, fields };
  }
}
