/**
 * Zod schemas shared by core, the API and the admin panel. Browser-safe: only zod here,
 * so the panel can show the same field-level messages the server enforces.
 */
import { z } from "zod";
import { isKnownTimeZone } from "./settings/time-zone.js";

export const SESSION_ID_PATTERN = /^[a-z0-9_]{3,64}$/;

export const sessionIdSchema = z.string({ error: "sessionId is required" }).regex(SESSION_ID_PATTERN, {
  error: "sessionId must be 3–64 characters: lowercase letters, digits or underscore",
});

/**
 * The characters people type in phone numbers. Only the shape lives here (browser-safe); core's
 * normalizePhoneNumber is the rule that reads the number, and it checks this pattern first.
 */
export const PHONE_CHARACTERS = /^\+?[0-9\s\-().]+$/;

/**
 * The session's own number as a person types it (+62 851-1713-2297, 0851…, 62851…): core
 * normalises it with the same rule as recipients and stores international digits, e.g. 6285117132297.
 */
export const sessionPhoneNumberSchema = z
  .string()
  .trim()
  .max(32, { error: "phoneNumber must be at most 32 characters" })
  .regex(PHONE_CHARACTERS, {
    error: "phoneNumber must be a phone number, e.g. +62 851-1713-2297 or 6285117132297",
  });

const optionalText = (field: string, max: number) =>
  z
    .string()
    .max(max, { error: `${field} must be at most ${max} characters` })
    .nullish()
    .transform((value) =>
      value === undefined || value === null || value.trim() === "" ? null : value.trim(),
    );

export const sessionNameSchema = z
  .string({ error: "name is required" })
  .trim()
  .min(1, { error: "name is required" })
  .max(100, { error: "name must be at most 100 characters" });

/** The seed's body for POST /api/admin/whatsapp-sessions. isActive/isDefault are accepted but the one session is always both. */
export const createSessionInput = z.object({
  name: sessionNameSchema,
  sessionId: sessionIdSchema,
  phoneNumber: sessionPhoneNumberSchema.nullish().transform((value) => value ?? null),
  description: optionalText("description", 500),
  isActive: z.boolean().optional(),
  isDefault: z.boolean().optional(),
});
export type CreateSessionInput = z.input<typeof createSessionInput>;

export const updateSessionInput = z.object({
  id: z.string({ error: "id is required" }).min(1, { error: "id is required" }),
  name: sessionNameSchema.optional(),
  sessionId: sessionIdSchema.optional(),
  phoneNumber: sessionPhoneNumberSchema.nullish(),
  description: optionalText("description", 500).optional(),
  isActive: z.boolean().optional(),
  isDefault: z.boolean().optional(),
});
export type UpdateSessionInput = z.input<typeof updateSessionInput>;

export const connectSessionInput = z.object({
  /** When given, link by pairing code for this number instead of a QR. Any accepted phone format. */
  phoneNumber: z.string().trim().min(1).max(32).optional(),
});
export type ConnectSessionInput = z.input<typeof connectSessionInput>;

/**
 * Why the session's state last changed, as a code the panel translates (SessionStatus.reasonCode);
 * `reason` beside it is the same in English for logs and scripts. A new code here fails the panel's
 * typecheck until both languages say it.
 */
export const SESSION_REASON_CODES = [
  "restoring",
  "connecting",
  "requesting_pairing_code",
  "new_qr_requested",
  "restarting_after_link",
  "reconnect_scheduled",
  "reconnecting",
  "scan_qr",
  "enter_pairing_code",
  "connected",
  "qr_expired",
  "pairing_code_expired",
  "closed_before_link",
  "logged_out_on_phone",
  "logged_out_by_admin",
  "replaced",
  "taking_over",
  "banned",
  "client_too_old_retrying",
  "client_too_old_waiting",
  "client_too_old_connect_again",
  "retrying_fresh_version",
  "retrying_after_too_old",
  "disconnected_by_admin",
  "server_stopped",
] as const;
export type SessionReasonCode = (typeof SESSION_REASON_CODES)[number];

export const MAX_TEXT_LENGTH = 4096;

/** Characters as WhatsApp counts them (code points), without building an array of a huge string. */
export function countCodePoints(text: string): number {
  let count = 0;
  for (const _ of text) count += 1;
  return count;
}

/** A recipient as a person types it: +62 812-3456-7890, 0812…, 62812…; core normalises it with libphonenumber-js. */
export const recipientSchema = z
  .string({ error: "to is required" })
  .trim()
  .min(1, { error: "to is required" })
  .max(32, { error: "to must be at most 32 characters" });

const idempotencyKeySchema = z
  .string()
  .min(1, { error: "idempotencyKey must not be empty" })
  .max(200, { error: "idempotencyKey must be at most 200 characters" })
  .optional();
const forceSchema = z.boolean({ error: "force must be true or false" }).optional();

export const sendMessageInput = z.object({
  to: recipientSchema,
  message: z
    .string({ error: "message is required" })
    .min(1, { error: "message must not be empty" })
    .refine((text) => text.trim() !== "", { error: "message must not be only whitespace" })
    // WhatsApp counts characters as code points: an emoji is one, not the two UTF-16 units of .length.
    .refine((text) => countCodePoints(text) <= MAX_TEXT_LENGTH, {
      error: `message must be at most ${MAX_TEXT_LENGTH} characters`,
    }),
  sessionName: z.string().max(100).optional(),
  idempotencyKey: idempotencyKeySchema,
  /** Send even to a number on the opt-out list (an admin overriding the contact's "stop"). */
  force: forceSchema,
});
export type SendMessageInput = z.input<typeof sendMessageInput>;

/** The image types WhatsApp shows as photos; any other type is sent as a document. */
export const IMAGE_MIME_TYPES = ["image/jpeg", "image/png", "image/webp"] as const;
export const MEDIA_LIMIT_BYTES = { image: 16 * 1024 * 1024, document: 100 * 1024 * 1024 } as const;

/** image/* goes as a photo (and must then be JPEG, PNG or WebP); everything else as a document. */
export function mediaKindOf(mimeType: string): "image" | "document" {
  return mimeType.toLowerCase().startsWith("image/") ? "image" : "document";
}

// One character class, no groups: a group repeated over a 22 MB string overflows the regex stack.
const BASE64_CHARACTERS = /^[A-Za-z0-9+/]*={0,2}$/;
const isBase64 = (text: string) => text.length % 4 === 0 && BASE64_CHARACTERS.test(text);

/**
 * An image or document in JSON (REST `POST /api/messages`, tRPC `messages.sendMedia`): the bytes as
 * base64. Sizes are checked on the decoded bytes (413 naming the limit); large documents go as
 * multipart to `POST /api/messages/media`.
 */
export const sendMediaInput = z.object({
  to: recipientSchema,
  media: z.object(
    {
      data: z
        .string({ error: "media.data must be the file as base64" })
        .min(1, { error: "media.data: the file is empty" })
        .refine(isBase64, {
          error: "media.data is not valid base64 (A–Z, a–z, 0–9, + and /, padded with = to a multiple of 4)",
        }),
      mimeType: z
        .string({ error: "media.mimeType is required, e.g. image/jpeg or application/pdf" })
        .trim()
        .toLowerCase()
        .regex(/^[\w.+-]+\/[\w.+-]+$/, { error: "media.mimeType must look like type/subtype" }),
      fileName: z
        .string()
        .trim()
        .min(1, { error: "media.fileName must not be empty" })
        .max(200, { error: "media.fileName must be at most 200 characters" })
        .optional(),
    },
    { error: "media must be an object {data, mimeType, fileName?}" },
  ),
  caption: z
    .string()
    .max(MAX_TEXT_LENGTH, { error: `caption must be at most ${MAX_TEXT_LENGTH} characters` })
    .optional(),
  idempotencyKey: idempotencyKeySchema,
  /** Send even to a number on the opt-out list (an admin overriding the contact's "stop"). */
  force: forceSchema,
});
export type SendMediaInput = z.input<typeof sendMediaInput>;

export const MESSAGE_STATUSES = [
  "queued",
  "sending",
  /** WhatsApp answered 463: the recipient must write to us first; goes out by itself once they do. */
  "held",
  "sent",
  "delivered",
  "read",
  "failed",
  "cancelled",
] as const;
export const messageStatusSchema = z.enum(MESSAGE_STATUSES);
export type MessageStatus = z.infer<typeof messageStatusSchema>;

export const listMessagesInput = z.object({
  status: messageStatusSchema.optional(),
  to: z.string().trim().max(32).optional(),
  search: z.string().trim().max(200).optional(),
  cursor: z.string().max(100).optional(),
  limit: z.number().int().min(1).max(100).default(25),
});
export type ListMessagesInput = z.input<typeof listMessagesInput>;

export const listInboundInput = z.object({
  /** The sender's number, as stored digits; "+62 812-…" is accepted and reduced to digits. */
  from: z.string().trim().max(32).optional(),
  /** The last id of the previous page. */
  cursor: z.string().max(100).optional(),
  limit: z.number().int().min(1).max(100).default(25),
});
export type ListInboundInput = z.input<typeof listInboundInput>;

export const messageIdInput = z.object({ id: z.string().min(1, { error: "id is required" }).max(100) });

function keywordList(field: string) {
  return z
    .array(
      z
        .string()
        .trim()
        .min(1, { error: `${field} must not contain an empty word` })
        .max(50, { error: `${field}: each word must be at most 50 characters` }),
      { error: `${field} must be a list of words` },
    )
    .min(1, { error: `${field} must name at least one word` })
    .max(20, { error: `${field} must name at most 20 words` });
}

function replyText(field: string) {
  return z
    .string({ error: `${field} must be text` })
    .trim()
    .min(1, { error: `${field} must not be empty` })
    .max(MAX_TEXT_LENGTH, { error: `${field} must be at most ${MAX_TEXT_LENGTH} characters` });
}
export const pauseOutboxInput = z
  .object({
    reason: z
      .string({ error: "reason must be a string" })
      .trim()
      .min(1, { error: "reason must not be empty" })
      .max(200, { error: "reason must be at most 200 characters" })
      .optional(),
  })
  .strict();
export type PauseOutboxInput = z.input<typeof pauseOutboxInput>;

/** A number whose on-WhatsApp answer is cleared: digits as stored, or as a person types it. */
export const onWhatsAppNumberInput = z.object({
  number: z
    .string({ error: "number is required" })
    .trim()
    .min(1, { error: "number is required" })
    .max(32, { error: "number must be at most 32 characters" }),
});
export type OnWhatsAppNumberInput = z.input<typeof onWhatsAppNumberInput>;

export const settingsInput = z.object({
  minGapMs: z.number().int().min(0).max(600_000).optional(),
  maxGapMs: z.number().int().min(0).max(600_000).optional(),
  perRecipientGapMs: z.number().int().min(0).max(86_400_000).optional(),
  dailyCap: z.number().int().min(0).max(1_000_000).optional(),
  defaultCountry: z
    .string()
    .regex(/^[A-Z]{2}$/, { error: "defaultCountry must be a two-letter country code, e.g. ID" })
    .optional(),
  checkOnWhatsApp: z.boolean().optional(),
  /** Whole messages (any case) that put the sender on the opt-out list. */
  optOutKeywords: keywordList("optOutKeywords").optional(),
  /** Whole messages (any case) that take the sender off it again. */
  optInKeywords: keywordList("optInKeywords").optional(),
  /** Sent once to a contact who opted out. */
  optOutReply: replyText("optOutReply").optional(),
  /** Sent to a contact who opted back in. */
  optInReply: replyText("optInReply").optional(),
  /** The language of alert e-mails. */
  alertLanguage: z.enum(["id", "en"], { error: "alertLanguage must be id or en" }).optional(),
  /** A session disconnected longer than this raises an alert. */
  alertDisconnectedMs: z
    .number()
    .int()
    .min(10_000, { error: "alertDisconnectedMs must be at least 10000 (10 s)" })
    .max(86_400_000, { error: "alertDisconnectedMs must be at most 86400000 (a day)" })
    .optional(),
  maxAttempts: z.number().int().min(1).max(100).optional(),
  holdsBeforePause: z.number().int().min(1).max(1000).optional(),
  holdsWindowMs: z.number().int().min(1000).max(86_400_000).optional(),
  linkPreviews: z.boolean().optional(),
  /** The organisation's IANA time zone: the daily cap's day, schedules and the dashboard's days. */
  timeZone: z
    .string()
    .trim()
    .refine(isKnownTimeZone, { error: "timeZone must be an IANA time zone name, e.g. Asia/Jakarta" })
    .optional(),
});
export type SettingsInput = z.input<typeof settingsInput>;

/** A contact's number in the inbox and on the opt-out list; "+62 812-…" is reduced to digits. */
export const contactInput = z.object({
  phone: z
    .string({ error: "phone is required" })
    .trim()
    .min(1, { error: "phone is required" })
    .max(32, { error: "phone must be at most 32 characters" }),
});
export type ContactInput = z.input<typeof contactInput>;

export const inboxThreadInput = contactInput.extend({
  limit: z.number().int().min(1).max(500).default(200),
});
export type InboxThreadInput = z.input<typeof inboxThreadInput>;

export const autoReplyInput = z.object({
  keyword: z
    .string({ error: "keyword is required" })
    .trim()
    .min(1, { error: "keyword must not be empty" })
    .max(50, { error: "keyword must be at most 50 characters" }),
  reply: z
    .string({ error: "reply is required" })
    .trim()
    .min(1, { error: "reply must not be empty" })
    .max(MAX_TEXT_LENGTH, { error: `reply must be at most ${MAX_TEXT_LENGTH} characters` }),
});
export type AutoReplyInput = z.input<typeof autoReplyInput>;

export const autoReplyKeywordInput = autoReplyInput.pick({ keyword: true });
export type AutoReplyKeywordInput = z.input<typeof autoReplyKeywordInput>;

/** A broadcast's own statuses (its rows have theirs: BROADCAST_ROW_STATUSES). */
export const BROADCAST_STATUSES = [
  "draft",
  "scheduled",
  "running",
  "paused",
  "completed",
  "cancelled",
] as const;
export type BroadcastStatus = (typeof BROADCAST_STATUSES)[number];

/** What a row of a broadcast can be, as counted in its progress and written in its report. */
export const BROADCAST_ROW_STATUSES = [
  /** a bad row (see its error): never sent */
  "invalid",
  /** valid, not yet handed to the outbox */
  "pending",
  "queued",
  "held",
  "sent",
  "delivered",
  "read",
  "failed",
  "opted_out",
  "cancelled",
] as const;
export type BroadcastRowStatus = (typeof BROADCAST_ROW_STATUSES)[number];

export const broadcastIdInput = z.object({
  id: z.string({ error: "id is required" }).min(1, { error: "id is required" }).max(100),
});
export type BroadcastIdInput = z.infer<typeof broadcastIdInput>;

export const broadcastTemplateSchema = z
  .string({ error: "template is required" })
  .min(1, { error: "template must not be empty" })
  .refine((text) => text.trim() !== "", { error: "template must not be only whitespace" })
  .refine((text) => countCodePoints(text) <= MAX_TEXT_LENGTH, {
    error: `template must be at most ${MAX_TEXT_LENGTH} characters`,
  });

/** An instant: ISO 8601 with Z or an offset (the panel converts the organisation's local time). */
const scheduledAtSchema = z.iso.datetime({
  offset: true,
  error: "scheduledAt must be an ISO 8601 time with Z or an offset, e.g. 2026-12-24T05:30:00+07:00",
});

/** Everything of a new broadcast except its CSV, which arrives as a stream beside it. */
export const createBroadcastInput = z.object({
  name: z
    .string({ error: "name is required" })
    .trim()
    .min(1, { error: "name is required" })
    .max(200, { error: "name must be at most 200 characters" }),
  template: broadcastTemplateSchema,
  /** An instant (ISO 8601 with Z or an offset); the panel converts the organisation's local time. */
  scheduledAt: scheduledAtSchema.optional(),
  /** Start sending as soon as the list is accepted (ignored when scheduledAt is given). */
  start: z.boolean({ error: "start must be true or false" }).optional(),
});
export type CreateBroadcastInput = z.input<typeof createBroadcastInput>;

export const previewBroadcastInput = broadcastIdInput.extend({
  /** Another template to try on the uploaded rows; default the broadcast's own. */
  template: broadcastTemplateSchema.optional(),
});
export type PreviewBroadcastInput = z.infer<typeof previewBroadcastInput>;

export const scheduleBroadcastInput = broadcastIdInput.extend({
  scheduledAt: scheduledAtSchema,
});
export type ScheduleBroadcastInput = z.infer<typeof scheduleBroadcastInput>;
export { DETAIL_CODES, type DetailCode, type DetailParams } from "./outbox/detail-codes.js";
