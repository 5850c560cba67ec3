/**
 * Every database access of the outbox. Writes that change a message's status are conditional on
 * the status it is expected to have, so a late ack and the worker can never move a message back.
 */
import type { Prisma, PrismaClient } from "@kabar/db";
import type { MessageEventRecord } from "../contract.js";
import type { MessageStatus } from "../schemas.js";

export const outboxRowSelect = {
  seq: true,
  id: true,
  sessionId: true,
  to: true,
  type: true,
  text: true,
  caption: true,
  fileName: true,
  mimeType: true,
  status: true,
  waMessageId: true,
  attempts: true,
  nextAttemptAt: true,
  createdAt: true,
  sentAt: true,
  deliveredAt: true,
} satisfies Prisma.OutboxMessageSelect;

export type OutboxRow = Prisma.OutboxMessageGetPayload<{ select: typeof outboxRowSelect }>;

export interface NewOutboxMessage {
  id: string;
  /** From the outbox's clock, which pacing and the daily cap compare against. */
  acceptedAt: Date;
  waMessageId: string;
  idempotencyKey: string | null;
  sessionId: string;
  to: string;
  type: "text" | "image" | "document";
  text: string | null;
  caption: string | null;
  fileName: string | null;
  mimeType: string | null;
  media: Uint8Array | null;
}

export type EventStatus = MessageEventRecord["status"];

export interface Transition {
  /** The statuses the message must be in for the change to apply. */
  from: readonly MessageStatus[];
  data: Prisma.OutboxMessageUpdateManyMutationInput;
  event: { status: EventStatus; detail: string | null };
}

export type OutboxRepository = ReturnType<typeof createOutboxRepository>;

export function createOutboxRepository(db: PrismaClient) {
  return {
    /** Inserts the message, or returns the one already stored under the same idempotency key. */
    async insert(message: NewOutboxMessage): Promise<{ row: OutboxRow; duplicate: boolean }> {
      if (message.idempotencyKey !== null) {
        const existing = await findByKey(db, message.idempotencyKey);
        if (existing) return { row: existing, duplicate: true };
      }
      try {
        const [row] = await db.$transaction([
          db.outboxMessage.create({
            data: {
              ...withoutAcceptedAt(message),
              createdAt: message.acceptedAt,
              nextAttemptAt: message.acceptedAt,
              // A copy on a plain ArrayBuffer: Prisma's Bytes type refuses shared memory.
              media: message.media === null ? null : new Uint8Array(message.media),
            },
            select: outboxRowSelect,
          }),
          db.messageEvent.create({ data: { messageId: message.id, status: "queued", detail: null } }),
        ]);
        return { row, duplicate: false };
      } catch (error) {
        // Two concurrent sends with one key: the unique index lets one in; the other reads it.
        if (message.idempotencyKey !== null && isUniqueViolation(error)) {
          const existing = await findByKey(db, message.idempotencyKey);
          if (existing) return { row: existing, duplicate: true };
        }
        throw error;
      }
    },

    /** The oldest queued message: strict order by seq, so a retry holds back the ones behind it. */
    nextQueued(): Promise<OutboxRow | null> {
      return db.outboxMessage.findFirst({
        where: { status: "queued" },
        orderBy: { seq: "asc" },
        select: outboxRowSelect,
      });
    },

    async transition(id: string, change: Transition): Promise<boolean> {
      const updated = await db.outboxMessage.updateMany({
        where: { id, status: { in: [...change.from] } },
        data: change.data,
      });
      if (updated.count === 0) return false;
      // Not in one transaction with the update: a crash in between loses a timeline line, never
      // a status, and one writer at a time keeps SQLite free of busy errors.
      await db.messageEvent.create({ data: { messageId: id, ...change.event } });
      return true;
    },

    /** Rows a killed process left in "sending": they go out again with the same WhatsApp id. */
    async requeueInterrupted(detail: string): Promise<OutboxRow[]> {
      const rows = await db.outboxMessage.findMany({ where: { status: "sending" }, select: outboxRowSelect });
      for (const row of rows) {
        await this.transition(row.id, {
          from: ["sending"],
          data: { status: "queued" },
          event: { status: "retry", detail },
        });
      }
      return rows;
    },

    findByWaMessageId(waMessageId: string): Promise<OutboxRow | null> {
      return db.outboxMessage.findUnique({ where: { waMessageId }, select: outboxRowSelect });
    },

    findById(id: string): Promise<OutboxRow | null> {
      return db.outboxMessage.findUnique({ where: { id }, select: outboxRowSelect });
    },

    media(id: string): Promise<Uint8Array | null> {
      return db.outboxMessage
        .findUnique({ where: { id }, select: { media: true } })
        .then((row) => row?.media ?? null);
    },

    sentSince(since: Date): Promise<number> {
      return db.outboxMessage.count({ where: { sentAt: { gte: since } } });
    },

    async lastSentTo(to: string): Promise<Date | null> {
      const row = await db.outboxMessage.findFirst({
        where: { to, sentAt: { not: null } },
        orderBy: { sentAt: "desc" },
        select: { sentAt: true },
      });
      return row?.sentAt ?? null;
    },

    async lastSentAt(): Promise<Date | null> {
      const row = await db.outboxMessage.aggregate({ _max: { sentAt: true } });
      return row._max.sentAt;
    },

    async cachedOnWhatsApp(number: string): Promise<boolean | null> {
      const row = await db.onWhatsAppCheck.findUnique({ where: { number }, select: { exists: true } });
      return row?.exists ?? null;
    },

    async cacheOnWhatsApp(number: string, exists: boolean): Promise<void> {
      await db.onWhatsAppCheck.upsert({
        where: { number },
        create: { number, exists },
        update: { exists, checkedAt: new Date() },
      });
    },

    depth(): Promise<number> {
      return db.outboxMessage.count({ where: { status: { in: ["queued", "sending"] } } });
    },
  };
}

function withoutAcceptedAt({
  acceptedAt: _acceptedAt,
  ...rest
}: NewOutboxMessage): Omit<NewOutboxMessage, "acceptedAt"> {
  return rest;
}

function findByKey(db: PrismaClient, idempotencyKey: string): Promise<OutboxRow | null> {
  return db.outboxMessage.findUnique({ where: { idempotencyKey }, select: outboxRowSelect });
}

function isUniqueViolation(error: unknown): boolean {
  return typeof error === "object" && error !== null && "code" in error && error.code === "P2002";
}
