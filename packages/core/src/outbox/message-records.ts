import { type Prisma, type PrismaClient, sqlDialect } from "@kabar/db";
import type { MessageEventRecord, MessageRecord } from "../contract.js";
import { MessageNotFoundError } from "../errors.js";
import { DEFAULT_COUNTRY, phoneSearchDigits } from "../phone/normalize-phone-number.js";
import {
  type ListMessagesInput,
  listMessagesInput,
  MESSAGE_STATUSES,
  type MessageStatus,
} from "../schemas.js";
import { z } from "zod";
import { toStatus } from "./apply-acks.js";
import { parseInput } from "../session/parse-input.js";
import { readDetailCode } from "./detail-codes.js";

const recordSelect = {
  seq: true,
  id: true,
  to: true,
  type: true,
  text: true,
  caption: true,
  fileName: true,
  status: true,
  idempotencyKey: true,
  waMessageId: true,
  attempts: true,
  lastError: true,
  lastErrorCode: true,
  lastErrorParams: true,
  holdLink: true,
  createdAt: true,
  updatedAt: true,
  sentAt: true,
  deliveredAt: true,
  readAt: true,
  failedAt: true,
  events: {
    select: { status: true, detail: true, code: true, params: true, at: true },
    orderBy: { id: "asc" },
  },
} satisfies Prisma.OutboxMessageSelect;

type RecordRow = Prisma.OutboxMessageGetPayload<{ select: typeof recordSelect }>;
const eventStatusSchema = z.enum([...MESSAGE_STATUSES, "retry", "paused"]);

/** Read side of the outbox: what the API and the panel show. Never returns a raw row. */
export function createMessageRecords(db: PrismaClient, defaultCountry: () => string = () => DEFAULT_COUNTRY) {
  return {
    async get(id: string): Promise<MessageRecord | null> {
      const row = await db.outboxMessage.findUnique({ where: { id }, select: recordSelect });
      return row ? toRecord(row) : null;
    },

    async require(id: string): Promise<MessageRecord> {
      const record = await this.get(id);
      if (!record) throw new MessageNotFoundError(id);
      return record;
    },

    async list(input: ListMessagesInput): Promise<{ items: MessageRecord[]; nextCursor: string | null }> {
      const ignoringCase = sqlDialect(db).containsIgnoringCase;
      const { status, to, search, cursor, limit } = parseInput(listMessagesInput, input);
      const cursorRow = cursor
        ? await db.outboxMessage.findUnique({ where: { id: cursor }, select: { seq: true } })
        : null;
      if (cursor && !cursorRow) throw new MessageNotFoundError(cursor);
      const rows = await db.outboxMessage.findMany({
        where: {
          ...(status ? { status } : {}),
          // Stored numbers are international digits; people search as they type them (0812…, +62 …).
          ...(to ? { to: { contains: phoneSearchDigits(to, defaultCountry()) } } : {}),
          // Case ignored on both engines (PostgreSQL's LIKE would match case; see sqlDialect).
          ...(search ? { OR: [{ text: ignoringCase(search) }, { caption: ignoringCase(search) }] } : {}),
          ...(cursorRow ? { seq: { lt: cursorRow.seq } } : {}),
        },
        orderBy: { seq: "desc" },
        take: limit + 1,
        select: recordSelect,
      });
      const items = rows.slice(0, limit).map(toRecord);
      return { items, nextCursor: rows.length > limit ? (items.at(-1)?.id ?? null) : null };
    },

    async countByStatus(): Promise<Record<MessageStatus, number>> {
      const groups = await db.outboxMessage.groupBy({ by: ["status"], _count: { _all: true } });
      const counts: Record<MessageStatus, number> = {
        queued: 0,
        sending: 0,
        held: 0,
        sent: 0,
        delivered: 0,
        read: 0,
        failed: 0,
        cancelled: 0,
      };
      for (const group of groups) counts[toStatus(group.status)] += group._count._all;
      return counts;
    },
  };
}

function toRecord(row: RecordRow): MessageRecord {
  const iso = (date: Date | null) => (date ? date.toISOString() : null);
  return {
    id: row.id,
    to: row.to,
    type: row.type === "image" || row.type === "document" ? row.type : "text",
    text: row.text ?? row.caption,
    fileName: row.fileName,
    status: toStatus(row.status),
    idempotencyKey: row.idempotencyKey,
    waMessageId: row.waMessageId,
    attempts: row.attempts,
    lastError: row.lastError,
    ...lastErrorCodeOf(row),
    // Only while held: after the contact wrote, the link has done its job.
    holdLink: toStatus(row.status) === "held" ? row.holdLink : null,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    sentAt: iso(row.sentAt),
    deliveredAt: iso(row.deliveredAt),
    readAt: iso(row.readAt),
    failedAt: iso(row.failedAt),
    events: row.events.map(
      (event): MessageEventRecord => ({
        status: eventStatusSchema.catch("retry").parse(event.status),
        detail: event.detail,
        ...codeOf(event.code, event.params),
        at: event.at.toISOString(),
      }),
    ),
  };
}

/** A stored code back as it travels; a code this build does not know reads as none (the English shows). */
function codeOf(code: string | null, params: string | null) {
  const known = readDetailCode(code, params);
  return { code: known?.code ?? null, params: known?.params ?? null };
}

function lastErrorCodeOf(row: Pick<RecordRow, "lastErrorCode" | "lastErrorParams">) {
  const { code, params } = codeOf(row.lastErrorCode, row.lastErrorParams);
  return { lastErrorCode: code, lastErrorParams: params };
}
