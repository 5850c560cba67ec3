/**
 * What the server says about a message (a timeline line, its last error) and about the outbox's
 * pause, as a code with parameters beside the English words. The English stays for logs and the
 * API; the panel translates the code (apps/admin/src/i18n) and shows the English only for a code
 * it does not know (older rows have none). One table, so the words and the code never disagree.
 * Browser-safe: the panel imports the codes through `@kabar/core/schemas`.
 */

/** Each code with its parameters. A raw error is WhatsApp's or the library's own words. */
export interface DetailParamsByCode {
  /** 463 for a recipient who never wrote to us; `link` the wa.me link to share, when known. */
  held_first_message: { error: string; link: string | null };
  released_recipient_wrote: Record<string, never>;
  released_privacy_token: Record<string, never>;
  /** `until` an ISO date. */
  daily_cap: { cap: number; until: string };
  not_on_whatsapp: Record<string, never>;
  attempt: { attempt: number };
  retry_backoff: { error: string; attempt: number; maxAttempts: number; seconds: number };
  gave_up: { error: string; attempts: number };
  send_error: { error: string };
  refused: { status: number | null; error: string };
  disconnected_before_ack: Record<string, never>;
  ack_timeout_resend: { ms: number };
  ack_timeout_gave_up: { count: number; ms: number };
  requeued_after_database_error: Record<string, never>;
  requeued_after_restart: Record<string, never>;
  cancelled_by_hand: Record<string, never>;
  resent_by_hand: Record<string, never>;
  broadcast_resumed: Record<string, never>;
  /** A message handed straight to the worker goes back to its place in the queue before its send. */
  handoff_behind_resend: Record<string, never>;
  handoff_paused: Record<string, never>;
  /** Taken out of the queue by its broadcast's pause (it comes back on resume) or cancel. */
  broadcast_paused: Record<string, never>;
  broadcast_cancelled: Record<string, never>;
  delivered_by_read: Record<string, never>;
  /** The outbox's pause: 463s from `recipients` people within `minutes`, until `until` (ISO). */
  paused_restricted: { recipients: number; minutes: number; until: string };
  /** Paused by a person; `reason` their own words, shown as they typed them (null: none given). */
  paused_by_hand: { reason: string | null };
}

export type DetailCode = keyof DetailParamsByCode;

export const DETAIL_CODES = [
  "held_first_message",
  "released_recipient_wrote",
  "released_privacy_token",
  "daily_cap",
  "not_on_whatsapp",
  "attempt",
  "retry_backoff",
  "gave_up",
  "send_error",
  "refused",
  "disconnected_before_ack",
  "ack_timeout_resend",
  "ack_timeout_gave_up",
  "requeued_after_database_error",
  "requeued_after_restart",
  "cancelled_by_hand",
  "resent_by_hand",
  "broadcast_resumed",
  "handoff_behind_resend",
  "handoff_paused",
  "broadcast_paused",
  "broadcast_cancelled",
  "delivered_by_read",
  "paused_restricted",
  "paused_by_hand",
] as const satisfies readonly DetailCode[];

/** Parameters as they travel: JSON values only. */
export type DetailParams = Record<string, string | number | null>;

/** The words, the code and its parameters, as written to a row and sent to the panel. */
export interface Described {
  detail: string;
  code: DetailCode;
  params: DetailParams;
}

export const HOLD_REASON = "the recipient must message you first";
/** What a pause by hand without a reason says (and is stored as, so a restart keeps it). */
export const DEFAULT_PAUSE_REASON = "paused by hand";

const ENGLISH: { [C in DetailCode]: (params: DetailParamsByCode[C]) => string } = {
  held_first_message: ({ error, link }) => `${HOLD_REASON} (${error})${link ? `; share ${link}` : ""}`,
  released_recipient_wrote: () => "the recipient wrote to us; sending the held message",
  released_privacy_token: () => "the recipient shared a privacy token; sending the held message",
  daily_cap: ({ cap, until }) => `daily cap of ${cap} messages reached; waits until ${until}`,
  not_on_whatsapp: () => "not on WhatsApp",
  attempt: ({ attempt }) => `attempt ${attempt}`,
  retry_backoff: ({ error, attempt, maxAttempts, seconds }) =>
    `${error}; attempt ${attempt} of ${maxAttempts}, next in ${seconds} s`,
  gave_up: ({ error, attempts }) => `${error} (gave up after ${attempts} attempts)`,
  send_error: ({ error }) => error,
  refused: ({ status, error }) =>
    `WhatsApp refused the message${status === null ? "" : ` (${status})`}: ${error}`,
  disconnected_before_ack: () =>
    "the session disconnected before the server ack; re-sending with the same id",
  ack_timeout_resend: ({ ms }) => `no server ack within ${ms} ms; re-sending with the same id`,
  ack_timeout_gave_up: ({ count, ms }) => `no server ack after ${count} attempts of ${ms} ms`,
  requeued_after_database_error: () => "re-sent with the same id after a database error",
  requeued_after_restart: () => "re-sent with the same id after a restart",
  cancelled_by_hand: () => "cancelled by hand",
  resent_by_hand: () => "resent by hand with the same WhatsApp id",
  broadcast_resumed: () => "queued again: its broadcast resumed",
  handoff_behind_resend: () => "queued behind a message that goes out again first",
  handoff_paused: () => "the outbox was paused before its send",
  broadcast_paused: () => "taken out of the queue: its broadcast paused",
  broadcast_cancelled: () => "cancelled: its broadcast was cancelled",
  delivered_by_read: () => "delivered: told by its read receipt",
  paused_restricted: ({ recipients, minutes, until }) =>
    `WhatsApp answered 463 for ${recipients} different recipients within ${minutes} min: the account is restricted; outbox paused until ${until}`,
  paused_by_hand: ({ reason }) => reason ?? DEFAULT_PAUSE_REASON,
};

/** The English words for a code, with the code and its parameters beside them. */
export function described<C extends DetailCode>(code: C, params: DetailParamsByCode[C]): Described {
  return { detail: ENGLISH[code](params), code, params: { ...params } };
}

/** A stored code and its JSON parameters back as they travel; null for a code this build does not know. */
export function readDetailCode(
  code: string | null,
  params: string | null,
): { code: DetailCode; params: DetailParams } | null {
  if (code === null || !(DETAIL_CODES as readonly string[]).includes(code)) return null;
  return { code: code as DetailCode, params: parseParams(params) };
}

function parseParams(text: string | null): DetailParams {
  if (text === null) return {};
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value !== "object" || value === null || Array.isArray(value)) return {};
    const params: DetailParams = {};
    for (const [key, entry] of Object.entries(value)) {
      if (typeof entry === "string" || typeof entry === "number" || entry === null) params[key] = entry;
    }
    return params;
  } catch {
    return {};
  }
}
