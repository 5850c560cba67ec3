/**
 * A broadcast's report as CSV: a header, then one line per uploaded row (valid or not) in upload
 * order, read from the database a page at a time so a 50,000-row report never sits in memory.
 */
import type { BroadcastRepository, ReportLine } from "./broadcast-repository.js";

const PAGE = 1000;
export const REPORT_HEADER = "row,number,status,queued_at,sent_at,delivered_at,read_at,failed_at,error";

export async function* broadcastReport(repository: BroadcastRepository, id: string): AsyncGenerator<string> {
  yield `${REPORT_HEADER}\r\n`;
  let after = 0;
  for (;;) {
    const page = await repository.reportPage(id, after, PAGE);
    if (page.length === 0) return;
    yield page.map((line) => `${reportLine(line)}\r\n`).join("");
    after = page[page.length - 1]?.rowId ?? after;
    if (page.length < PAGE) return;
  }
}

function reportLine(line: ReportLine): string {
  return [
    String(line.line),
    line.phone ?? "",
    line.status,
    line.queuedAt ?? "",
    line.sentAt ?? "",
    line.deliveredAt ?? "",
    line.readAt ?? "",
    line.failedAt ?? "",
    line.error ?? "",
  ]
    .map(csvField)
    .join(",");
}

/** Quotes what a spreadsheet would misread; a leading = + - @ is prefixed so no cell runs as a formula. */
function csvField(value: string): string {
  const safe = /^[=+\-@]/.test(value) ? `'${value}` : value;
  return /[",\r\n;]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}
