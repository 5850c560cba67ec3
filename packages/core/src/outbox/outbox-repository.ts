/**
 * Every database access of the outbox. Writes that change a message's status are conditional on
 * the status it is expected to have, so a late ack and the worker can never move a message back.
 */
import { directStatements, type Prisma, type PrismaClient, sqlDialect } from "@kabar/db";
import type { MessageEventRecord } from "../contract.js";
import type { MessageStatus } from "../schemas.js";
import type { Described, DetailCode, DetailParams } from "./detail-codes.js";
import { eventFor } from "./described-columns.js";
import { type AckTarget, type MovedOnAck, moveOnAck } from "./ack-write.js";
import { createGroupCommit, type InsertResult } from "./group-commit.js";
import { createInsertStore, insertTimelineLine } from "./outbox-insert-store.js";
import { type NewOutboxMessage, type OutboxRow, outboxRowSelect } from "./outbox-row.js";

export type { NewOutboxMessage, OutboxRow };

/** Statuses that still hold their recipient's later messages back. */
const UNFINISHED = ["queued", "sending", "held"] as const satisfies readonly MessageStatus[];

/** Up to this many unfinished messages, the heads are read in one query (queuedHeads). */
const SHORT_QUEUE = 64;

/** Not a setting of the panel's form: the settings store skips keys it does not know. */
const HAND_PAUSE_KEY = "outbox.pausedByHand";

export type EventStatus = MessageEventRecord["status"];

export interface Transition {
  /** The statuses the message must be in for the change to apply. */
  from: readonly MessageStatus[];
  data: Prisma.OutboxMessageUpdateManyMutationInput;
  event: TimelineEvent;
}

/** A timeline line; `code` and `params` say `detail` as a code the panel translates (detail-codes.ts). */
export interface TimelineEvent {
  status: EventStatus;
  detail: string | null;
  code?: DetailCode | null;
  params?: DetailParams | null;
}

/** The line as its columns: the parameters are stored as JSON. */
function eventColumns(id: string, event: TimelineEvent) {
  return {
    messageId: id,
    status: event.status,
    detail: event.detail,
    code: event.code ?? null,
    params: event.params ? JSON.stringify(event.params) : null,
  };
}

export type OutboxRepository = ReturnType<typeof createOutboxRepository>;

export interface QueuedHeads {
  heads: OutboxRow[];
  /** Recipients with more than one unfinished message: something waits behind their oldest. */
  followed: ReadonlySet<string>;
  /** Unfinished (queued, sending, held) messages in all: 0 means nothing can go before a new one. */
  unfinished: number;
}

export function createOutboxRepository(db: PrismaClient) {
  const groupCommit = createGroupCommit(createInsertStore(db));
  // Unfinished messages the last queuedHeads saw: which of its two ways to read the heads fits.
  let lastUnfinished = 0;
  // A lone hand-off's first lines, still being written after its row (outbox-insert-store.ts), by
  // message id: a later line of the same message (its ack's "sent") waits for them, so the timeline
  // reads in the order things happened however soon the ack comes.
  const linesInFlight = new Map<string, Promise<unknown>>();
  const lineAfterEarlierOnes = async (id: string, event: Transition["event"]) => {
    await linesInFlight.get(id);
    await insertTimelineLine(db, eventColumns(id, event));
  };
  return {
    /**
     * Inserts the message, or returns the one already stored under the same idempotency key.
     * Resolves only once the row and its "queued" event are committed; inserts that arrive
     * together share one commit (group-commit.ts), in arrival order.
     */
    async insert(message: NewOutboxMessage, claim?: () => boolean): Promise<InsertResult> {
      const inserted = await groupCommit.insert(message, claim);
      const { row, timeline } = inserted;
      if (timeline) {
        linesInFlight.set(row.id, timeline);
        // settles with the lines' error or null, never rejects (insertClaimed)
        void timeline.then(() => {
          if (linesInFlight.get(row.id) === timeline) linesInFlight.delete(row.id);
        });
      }
      return inserted;
    },

    /** The oldest queued message (tests and diagnostics; the worker reads queuedHeads). */
    nextQueued(): Promise<OutboxRow | null> {
      return db.outboxMessage.findFirst({
        where: { status: "queued" },
        orderBy: { seq: "asc" },
        select: outboxRowSelect,
      });
    },

    /**
     * Each recipient's oldest unfinished message, when it is queued: a held or in-flight message
     * keeps the ones behind it to the same recipient waiting, so each recipient's order holds. Also
     * which recipients have more than one unfinished message (a message waits behind another).
     * A short queue (the usual case: messages go out as they come) is read whole in one query, the
     * lowest seqs first, so each recipient's first row in it is its head; a long one by recipient.
     */
    async queuedHeads(): Promise<QueuedHeads> {
      if (lastUnfinished < SHORT_QUEUE) {
        const rows = await db.outboxMessage.findMany({
          where: { status: { in: [...UNFINISHED] } },
          orderBy: { seq: "asc" },
          take: SHORT_QUEUE,
          select: outboxRowSelect,
        });
        if (rows.length < SHORT_QUEUE) {
          lastUnfinished = rows.length;
          const seen = new Set<string>();
          const followed = new Set<string>();
          const heads = rows.filter((row) => {
            const isHead = !seen.has(row.to);
            if (!isHead) followed.add(row.to);
            seen.add(row.to);
            return isHead && row.status === "queued";
          });
          return { heads, followed, unfinished: rows.length };
        }
      }
      const groups = await db.outboxMessage.groupBy({
        by: ["to"],
        where: { status: { in: [...UNFINISHED] } },
        _min: { seq: true },
        _count: { _all: true },
      });
      lastUnfinished = groups.reduce((total, group) => total + group._count._all, 0);
      const followed = new Set(groups.filter((group) => group._count._all > 1).map((group) => group.to));
      const seqs = groups.flatMap((group) => (group._min.seq === null ? [] : [group._min.seq]));
      if (seqs.length === 0) return { heads: [], followed, unfinished: lastUnfinished };
      const heads = await db.outboxMessage.findMany({
        where: { seq: { in: seqs }, status: "queued" },
        orderBy: { seq: "asc" },
        select: outboxRowSelect,
      });
      return { heads, followed, unfinished: lastUnfinished };
    },

    /** The last server ack per recipient, for the per-recipient gap. */
    async lastSentToEach(recipients: readonly string[]): Promise<Map<string, number>> {
      if (recipients.length === 0) return new Map();
      const groups = await db.outboxMessage.groupBy({
        by: ["to"],
        where: { to: { in: [...recipients] }, sentAt: { not: null } },
        _max: { sentAt: true },
      });
      return new Map(
        groups.flatMap((group) => (group._max.sentAt ? [[group.to, group._max.sentAt.getTime()]] : [])),
      );
    },

    /** Queued messages to a recipient (they wait behind a held one and are held with it). */
    queuedTo(to: string): Promise<OutboxRow[]> {
      return db.outboxMessage.findMany({
        where: { to, status: "queued" },
        orderBy: { seq: "asc" },
        select: outboxRowSelect,
      });
    },

    heldTo(to: string): Promise<OutboxRow[]> {
      return db.outboxMessage.findMany({
        where: { to, status: "held" },
        orderBy: { seq: "asc" },
        select: outboxRowSelect,
      });
    },

    /** Distinct recipients that answered 463 since `since`: several at once is the account, not them. */
    async recipientsHeldSince(since: Date): Promise<number> {
      const groups = await db.outboxMessage.groupBy({ by: ["to"], where: { heldAt: { gte: since } } });
      return groups.length;
    },

    async transition(id: string, change: Transition): Promise<boolean> {
      const applied = await this.transitionBeforeTimeline(id, change);
      if (applied === null) return false;
      await applied.timeline;
      return true;
    },

    /**
     * The status change, awaited; its timeline line, started and handed back (null: the change did
     * not apply). The claim before a send uses it: the line is written while the message goes out.
     * (Wrapped in an object: an async function would wait for a promise it returns.)
     */
    async transitionBeforeTimeline(
      id: string,
      change: Transition,
    ): Promise<{ timeline: Promise<void> } | null> {
      const updated = await db.outboxMessage.updateMany({
        where: { id, status: { in: [...change.from] } },
        data: change.data,
      });
      if (updated.count === 0) return null;
      // Not in one transaction with the update: a crash in between loses a timeline line, never
      // a status, and one writer at a time keeps SQLite free of busy errors.
      return { timeline: lineAfterEarlierOnes(id, change.event) };
    },

    /** An ack's common case in one statement (ack-write.ts); null: take the general path. */
    moveOnAck(waMessageId: string, target: AckTarget, at: Date): Promise<MovedOnAck | null> {
      return moveOnAck(db, waMessageId, target, at);
    },

    /** A timeline line for a change already written. */
    addTimeline(id: string, event: Transition["event"]): Promise<void> {
      return lineAfterEarlierOnes(id, event);
    },

    /** Rows a killed process left in "sending": they go out again with the same WhatsApp id. */
    async requeueInterrupted(what: Described): Promise<OutboxRow[]> {
      const rows = await db.outboxMessage.findMany({ where: { status: "sending" }, select: outboxRowSelect });
      for (const row of rows) {
        await this.transition(row.id, {
          from: ["sending"],
          data: { status: "queued" },
          event: eventFor("retry", what),
        });
      }
      return rows;
    },

    async findByWaMessageId(waMessageId: string): Promise<OutboxRow | null> {
      // Asked for every ack the one-statement path did not move, mostly acks of messages the outbox
      // never sent (the phone's own): a prepared lookup answers those without compiling a Prisma query.
      const [known] = await directStatements(db).query(
        sqlDialect(db).sql(`SELECT 1 AS "known" FROM "OutboxMessage" WHERE "waMessageId" = ? LIMIT 1`),
        waMessageId,
      );
      if (known === undefined) return null;
      return db.outboxMessage.findUnique({ where: { waMessageId }, select: outboxRowSelect });
    },

    findById(id: string): Promise<OutboxRow | null> {
      return db.outboxMessage.findUnique({ where: { id }, select: outboxRowSelect });
    },

    /** Bytes a row written before media files holds itself; newer rows name a file instead. */
    legacyMedia(id: string): Promise<Uint8Array | null> {
      return db.outboxMessage
        .findUnique({ where: { id }, select: { media: true } })
        .then((row) => row?.media ?? null);
    },

    /** Whether any message, whatever its status, still names this media file. */
    async isMediaReferenced(sha256: string): Promise<boolean> {
      return (await db.outboxMessage.count({ where: { mediaSha256: sha256 } })) > 0;
    },

    /** Messages whose row changed since `since`, with their status now (a takeover announces them again). */
    changedSince(
      since: Date,
    ): Promise<{ id: string; to: string; status: string; lastError: string | null }[]> {
      return db.outboxMessage.findMany({
        where: { updatedAt: { gte: since } },
        select: { id: true, to: true, status: true, lastError: true },
        orderBy: { seq: "asc" },
      });
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

    async cachedOnWhatsApp(number: string): Promise<{ exists: boolean; checkedAt: Date } | null> {
      return db.onWhatsAppCheck.findUnique({ where: { number }, select: { exists: true, checkedAt: true } });
    },

    listOnWhatsApp(): Promise<{ number: string; exists: boolean; checkedAt: Date }[]> {
      return db.onWhatsAppCheck.findMany({
        orderBy: { checkedAt: "desc" },
        take: 500,
        select: { number: true, exists: true, checkedAt: true },
      });
    },

    async clearOnWhatsApp(number: string): Promise<boolean> {
      const deleted = await db.onWhatsAppCheck.deleteMany({ where: { number } });
      return deleted.count > 0;
    },

    async cacheOnWhatsApp(number: string, exists: boolean, checkedAt: Date): Promise<void> {
      await db.onWhatsAppCheck.upsert({
        where: { number },
        create: { number, exists, checkedAt },
        update: { exists, checkedAt },
      });
    },

    /** The pause by hand's reason, kept in the Setting table so it survives restarts; null: none. */
    async handPause(): Promise<string | null> {
      const row = await db.setting.findUnique({ where: { key: HAND_PAUSE_KEY }, select: { value: true } });
      return row?.value ?? null;
    },

    async setHandPause(reason: string | null): Promise<void> {
      if (reason === null) {
        await db.setting.deleteMany({ where: { key: HAND_PAUSE_KEY } });
        return;
      }
      await db.setting.upsert({
        where: { key: HAND_PAUSE_KEY },
        create: { key: HAND_PAUSE_KEY, value: reason },
        update: { value: reason },
      });
    },

    depth(): Promise<number> {
      return db.outboxMessage.count({ where: { status: { in: ["queued", "sending"] } } });
    },
  };
}
