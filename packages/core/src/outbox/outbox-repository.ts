/**
 * Every database access of the outbox. Writes that change a message's status are conditional on
 * the status it is expected to have, so a late ack and the worker can never move a message back.
 */
import type { Prisma, PrismaClient } from "@kabar/db";
import type { MessageEventRecord } from "../contract.js";
import type { MessageStatus } from "../schemas.js";
import { createGroupCommit, type InsertResult } from "./group-commit.js";
import { createInsertStore } from "./outbox-insert-store.js";
import { type NewOutboxMessage, type OutboxRow, outboxRowSelect } from "./outbox-row.js";

export type { NewOutboxMessage, OutboxRow };

export type EventStatus = MessageEventRecord["status"];

export interface Transition {
  /** The statuses the message must be in for the change to apply. */
  from: readonly MessageStatus[];
  data: Prisma.OutboxMessageUpdateManyMutationInput;
  event: { status: EventStatus; detail: string | null };
}

export type OutboxRepository = ReturnType<typeof createOutboxRepository>;

export function createOutboxRepository(db: PrismaClient) {
  const groupCommit = createGroupCommit(createInsertStore(db));
  return {
    /**
     * Inserts the message, or returns the one already stored under the same idempotency key.
     * Resolves only once the row and its "queued" event are committed; inserts that arrive
     * together share one commit (group-commit.ts), in arrival order.
     */
    insert(message: NewOutboxMessage): Promise<InsertResult> {
      return groupCommit.insert(message);
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
