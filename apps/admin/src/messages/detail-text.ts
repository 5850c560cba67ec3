import type { DetailCode, DetailParams } from "@kabar/core/schemas";
import { format } from "../i18n/i18n";
import type { Messages } from "../i18n/id";

/** What the server says about a message or the outbox: English words and, beside them, a code. */
export interface CodedDetail {
  detail: string | null;
  code: DetailCode | null;
  params: DetailParams | null;
}

/**
 * The line in the panel's language: the code translated, its parameters filled in. The English
 * words only when there is no code (older rows) or the code is newer than this panel.
 */
export function detailText(
  t: Messages,
  formatDateTime: (iso: string) => string,
  line: CodedDetail,
): string | null {
  if (line.code === null) return line.detail;
  // a newer server may send a code this build's dictionary lacks
  const template: string | undefined = (t.detailCodes as Partial<Record<string, string>>)[line.code];
  if (template === undefined) return line.detail;
  const params = line.params ?? {};
  if (line.code === "paused_by_hand" && (params.reason ?? null) === null)
    return t.sessions.pausedByHandNoReason;
  const values: Record<string, string | number> = {};
  for (const [key, value] of Object.entries(params)) {
    if (value !== null)
      values[key] = key === "until" && typeof value === "string" ? formatDateTime(value) : value;
  }
  // a refusal's status reads " (463)", or nothing when WhatsApp gave none
  values.status = typeof params.status === "number" ? ` (${params.status})` : "";
  return format(template, values);
}
