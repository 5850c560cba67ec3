/**
 * Reads a participant list into a broadcast's rows as it streams in: the header first (phone column,
 * template placeholders: refused before anything is stored), then every row validated and written
 * in batches, so memory holds one batch and the set of numbers seen, never the file.
 */
import type { BroadcastPreviewItem, BroadcastRowError } from "../contract.js";
import { InvalidInputError, KabarError } from "../errors.js";
import { normalizePhoneNumber } from "../phone/normalize-phone-number.js";
import type { BroadcastRepository, NewBroadcastRow } from "./broadcast-repository.js";
import { type CsvLimits, type CsvRecord, readCsv } from "./csv-reader.js";
import { compileTemplate, findPhoneColumn, renderTemplate, type Template } from "./template.js";

// 100 rows a statement: larger ones leave more behind in the driver per statement (measured: 500 rows retained
// ~0.4 KB a row after GC, 100 rows ~0.1 KB), for no gain in speed
const BATCH = 100;
const MAX_REPORTED_ERRORS = 1000;
const PREVIEW_SIZE = 5;

export interface CsvHeader {
  columns: string[];
  phoneColumn: number;
  template: Template;
  records: AsyncGenerator<CsvRecord>;
}

/** Reads the header and binds the template to it; throws the list's or the template's 400. */
export async function readHeader(
  csv: AsyncIterable<Uint8Array | string>,
  templateText: string,
  limits?: CsvLimits,
): Promise<CsvHeader> {
  const records = readCsv(csv, limits);
  const first = await records.next();
  if (first.done)
    throw new InvalidInputError(
      "csv",
      "csv: the file is empty; upload a CSV with a header line and one row per participant.",
    );
  // a BOM stays in text chunks handed over as strings (bytes lose it in the decoder)
  const columns = first.value.fields.map((name, index) =>
    (index === 0 ? name.replace(/^\uFEFF/, "") : name).trim(),
  );
  const phoneColumn = findPhoneColumn(columns);
  const template = compileTemplate(templateText, columns);
  return { columns, phoneColumn, template, records };
}

export interface ImportSummary {
  rows: number;
  valid: number;
  invalid: number;
  errors: BroadcastRowError[];
  preview: BroadcastPreviewItem[];
}

export async function importRows(options: {
  repository: BroadcastRepository;
  broadcastId: string;
  header: CsvHeader;
  defaultCountry: string;
  /** Numbers the broadcast already has (a second upload): their rows are reported as duplicates. */
  known?: ReadonlyMap<string, number>;
}): Promise<ImportSummary> {
  const { header, repository, broadcastId } = options;
  const phoneName = header.columns[header.phoneColumn] ?? "phone";
  const firstLineOf = new Map<string, number>(options.known ?? []);
  const summary: ImportSummary = { rows: 0, valid: 0, invalid: 0, errors: [], preview: [] };
  let batch: NewBroadcastRow[] = [];
  for await (const record of header.records) {
    summary.rows += 1;
    const problems: BroadcastRowError[] = [];
    const raw = record.fields[header.phoneColumn] ?? "";
    let phone: string | null = null;
    try {
      phone = normalizePhoneNumber(raw, options.defaultCountry, phoneName);
    } catch (error) {
      if (!(error instanceof KabarError)) throw error;
      const message = raw.trim() === "" ? `${phoneName}: no number` : error.message;
      problems.push({ line: record.line, column: phoneName, problem: "bad_number", message });
    }
    for (const placeholder of header.template.placeholders) {
      if ((record.fields[placeholder.column] ?? "").trim() === "") {
        const column = header.columns[placeholder.column] ?? placeholder.name;
        problems.push({
          line: record.line,
          column,
          problem: "empty_value",
          message: `${column}: empty, but the template uses {${placeholder.name}}`,
        });
      }
    }
    if (phone !== null) {
      const firstLine = firstLineOf.get(phone);
      if (firstLine === undefined) firstLineOf.set(phone, record.line);
      else {
        problems.push({
          line: record.line,
          column: phoneName,
          problem: "duplicate_number",
          message:
            firstLine === 0
              ? `${phoneName}: duplicate number ${phone}, already in this broadcast from an earlier upload`
              : `${phoneName}: duplicate number ${phone}, first on line ${firstLine}`,
        });
      }
    }
    const data = JSON.stringify(
      Object.fromEntries(header.columns.map((name, index) => [name, record.fields[index] ?? ""])),
    );
    if (problems.length > 0) {
      summary.invalid += 1;
      for (const problem of problems)
        if (summary.errors.length < MAX_REPORTED_ERRORS) summary.errors.push(problem);
      batch.push({
        broadcastId,
        line: record.line,
        data,
        phone,
        text: null,
        status: "invalid",
        error: problems.map((problem) => problem.message).join("; "),
      });
    } else if (phone !== null) {
      summary.valid += 1;
      const text = renderTemplate(header.template, record.fields);
      if (summary.preview.length < PREVIEW_SIZE) summary.preview.push({ line: record.line, to: phone, text });
      batch.push({ broadcastId, line: record.line, data, phone, text, status: "pending", error: null });
    }
    if (batch.length >= BATCH) {
      await repository.insertRows(batch);
      batch = [];
    }
  }
  if (batch.length > 0) await repository.insertRows(batch);
  if (summary.rows === 0) {
    throw new InvalidInputError("csv", "csv: the file has a header line but no rows.");
  }
  return summary;
}
