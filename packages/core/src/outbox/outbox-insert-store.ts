/**
 * The database side of group commit (group-commit.ts): the batch insert as raw multi-row SQL, the
 * one-at-a-time fallback, and the idempotency-key lookups.
 */
import { setImmediate as nextTurn } from "node:timers/promises";
import { directStatements, type PrismaClient, sqlDialect } from "@kabar/db";
import type { GroupCommitStore, InsertResult } from "./group-commit.js";
import { type NewOutboxMessage, type OutboxRow, outboxRowSelect } from "./outbox-row.js";
import { toStoredDate } from "./stored-date.js";

/** The database side of group commit; exported so tests can wrap it (e.g. a lookup that misses). */
export function createInsertStore(db: PrismaClient): GroupCommitStore {
  return {
    findByKeys: (keys) => findByKeys(db, keys),
    insertMany: (messages) => insertMany(db, messages),
    insertClaimed: (message) => insertClaimed(db, message),
    insertOne: (message) => insertOne(db, message),
    isRowError: isConstraintViolation,
  };
}

/** One at a time: the path a batch falls back to when one of its rows breaks a constraint. */
async function insertOne(db: PrismaClient, message: NewOutboxMessage): Promise<InsertResult> {
  if (message.idempotencyKey !== null) {
    const existing = await findByKey(db, message.idempotencyKey);
    if (existing) return { row: existing, duplicate: true };
  }
  try {
    const [row] = await db.$transaction([
      db.outboxMessage.create({
        data: {
          ...withoutAcceptedAt(message),
          ...claimColumns(message),
          createdAt: message.acceptedAt,
          nextAttemptAt: message.acceptedAt,
        },
        select: outboxRowSelect,
      }),
      db.messageEvent.createMany({
        data: eventsOf(message).map((status) => ({ messageId: message.id, status, detail: null })),
      }),
    ]);
    return { row, duplicate: false };
  } catch (error) {
    // Two concurrent sends with one key: the unique index lets one in; the other reads it.
    if (message.idempotencyKey !== null && isConstraintViolation(error)) {
      const existing = await findByKey(db, message.idempotencyKey);
      if (existing) return { row: existing, duplicate: true };
    }
    throw error;
  }
}

const MESSAGE_COLUMNS = [
  "id",
  "idempotencyKey",
  "sessionId",
  "to",
  "type",
  "text",
  "caption",
  "fileName",
  "mimeType",
  "mediaSha256",
  "mediaSize",
  "waMessageId",
  "createdAt",
  "nextAttemptAt",
  "updatedAt",
  "status",
  "attempts",
] as const;
const EVENT_COLUMNS = ["messageId", "status", "detail", "at"] as const;

/**
 * Many messages and their "queued" events in one transaction: one multi-row INSERT per table,
 * rows in the order given so seq follows arrival. Raw SQL because Prisma's createMany costs
 * ~0.3 ms a row here against ~0.1 ms for this (BENCHMARKS.md, finding 3); the columns are the
 * ones Prisma would write, dates in the text form Prisma stores, so Prisma reads them back alike
 * (PostgreSQL takes the same UTC text into its timestamp columns).
 */
async function insertMany(db: PrismaClient, messages: readonly NewOutboxMessage[]): Promise<OutboxRow[]> {
  if (messages.length === 0) return [];
  const { messageValues, eventValues, eventRows } = valuesOf(messages);
  const { sql } = sqlDialect(db);
  const [inserted] = await db.$transaction([
    db.$queryRawUnsafe<{ seq: number | bigint; id: string }[]>(
      sql(`${insertSql("OutboxMessage", MESSAGE_COLUMNS, messages.length)} RETURNING "seq", "id"`),
      ...messageValues,
    ),
    db.$executeRawUnsafe(sql(insertSql("MessageEvent", EVENT_COLUMNS, eventRows)), ...eventValues),
  ]);
  const seqById = new Map(inserted.map((row) => [row.id, Number(row.seq)]));
  return messages.map((message) => {
    const seq = seqById.get(message.id);
    if (seq === undefined) throw new Error(`the batch insert returned no seq for ${message.id}`);
    return rowOf(message, seq);
  });
}

/**
 * A lone hand-off: one statement, so no BEGIN/COMMIT round trips before the send; its lines are
 * written while it goes out (awaited before settling, as the claim's line is). A crash in between
 * loses the lines, never the row, which start-up re-queues with the same WhatsApp id.
 */
async function insertClaimed(
  db: PrismaClient,
  message: NewOutboxMessage,
): Promise<{ row: OutboxRow; timeline: Promise<unknown> }> {
  const { messageValues, eventValues, eventRows } = valuesOf([message]);
  const { sql } = sqlDialect(db);
  const direct = directStatements(db);
  const [inserted] = await direct.query<{ seq: number | bigint }>(
    sql(`${insertSql("OutboxMessage", MESSAGE_COLUMNS, 1)} RETURNING "seq"`),
    ...messageValues,
  );
  if (inserted === undefined) throw new Error(`the insert returned no seq for ${message.id}`);
  // Written two turns of the event loop from now: SQLite's driver runs a statement synchronously, the
  // send's way from here to its first frame is all promise steps, and POST /api/messages answers in the
  // next turn (message-routes.ts). Started sooner, the lines would run on the send's path or ahead of
  // that answer. Later lines of the message wait for these (outbox-repository.ts).
  const timeline = nextTurn()
    .then(() => nextTurn())
    .then(() => direct.execute(sql(insertSql("MessageEvent", EVENT_COLUMNS, eventRows)), ...eventValues))
    .then(
      () => null,
      (error: unknown) => error,
    );
  return { row: rowOf(message, Number(inserted.seq)), timeline };
}

const LINE_COLUMNS = ["messageId", "status", "detail", "code", "params", "at"] as const;

/**
 * One timeline line for a change already written (every ack writes one: three per message sent).
 * Direct, like the lone insert above: Prisma's create compiles its query on every call, ~0.5 ms of the
 * event loop each, on the path of the messages sent behind it (BENCHMARKS.md, figure 8).
 */
export function insertTimelineLine(
  db: PrismaClient,
  line: {
    messageId: string;
    status: string;
    detail: string | null;
    code: string | null;
    params: string | null;
  },
): Promise<void> {
  return directStatements(db)
    .execute(
      sqlDialect(db).sql(insertSql("MessageEvent", LINE_COLUMNS, 1)),
      line.messageId,
      line.status,
      line.detail,
      line.code,
      line.params,
      toStoredDate(new Date()),
    )
    .then(() => undefined);
}

function valuesOf(messages: readonly NewOutboxMessage[]) {
  const writtenAt = toStoredDate(new Date());
  const messageValues: unknown[] = [];
  const eventValues: unknown[] = [];
  for (const message of messages) {
    const acceptedAt = toStoredDate(message.acceptedAt);
    messageValues.push(
      message.id,
      message.idempotencyKey,
      message.sessionId,
      message.to,
      message.type,
      message.text,
      message.caption,
      message.fileName,
      message.mimeType,
      message.mediaSha256,
      message.mediaSize,
      message.waMessageId,
      acceptedAt,
      acceptedAt,
      writtenAt,
      claimColumns(message).status,
      claimColumns(message).attempts,
    );
    for (const status of eventsOf(message)) eventValues.push(message.id, status, null, writtenAt);
  }
  return { messageValues, eventValues, eventRows: eventValues.length / EVENT_COLUMNS.length };
}

function rowOf(message: NewOutboxMessage, seq: number): OutboxRow {
  return {
    seq,
    failedAttempts: 0,
    id: message.id,
    sessionId: message.sessionId,
    to: message.to,
    type: message.type,
    text: message.text,
    caption: message.caption,
    fileName: message.fileName,
    mimeType: message.mimeType,
    mediaSha256: message.mediaSha256,
    ...claimColumns(message),
    waMessageId: message.waMessageId,
    nextAttemptAt: message.acceptedAt,
    createdAt: message.acceptedAt,
    sentAt: null,
    deliveredAt: null,
  };
}

/** A multi-row INSERT with `?` placeholders: pass it through sqlDialect(db).sql before running it. */
export function insertSql(table: string, columns: readonly string[], rows: number): string {
  const row = `(${columns.map(() => "?").join(", ")})`;
  return `INSERT INTO "${table}" (${columns.map((column) => `"${column}"`).join(", ")}) VALUES ${Array.from({ length: rows }, () => row).join(", ")}`;
}

function withoutAcceptedAt({
  acceptedAt: _acceptedAt,
  claimed: _claimed,
  ...rest
}: NewOutboxMessage): Omit<NewOutboxMessage, "acceptedAt" | "claimed"> {
  return rest;
}

/** A message handed to the worker is stored as the worker's claim would leave it. */
function claimColumns(message: NewOutboxMessage): { status: "queued" | "sending"; attempts: number } {
  return message.claimed === true ? { status: "sending", attempts: 1 } : { status: "queued", attempts: 0 };
}

/** Its timeline lines, in order: the claim's "sending" follows "queued" in the same commit. */
function eventsOf(message: NewOutboxMessage): ("queued" | "sending")[] {
  return message.claimed === true ? ["queued", "sending"] : ["queued"];
}

function findByKey(db: PrismaClient, idempotencyKey: string): Promise<OutboxRow | null> {
  return db.outboxMessage.findUnique({ where: { idempotencyKey }, select: outboxRowSelect });
}

async function findByKeys(db: PrismaClient, keys: readonly string[]): Promise<Map<string, OutboxRow>> {
  const rows = await db.outboxMessage.findMany({
    where: { idempotencyKey: { in: [...keys] } },
    select: { ...outboxRowSelect, idempotencyKey: true },
  });
  const byKey = new Map<string, OutboxRow>();
  for (const { idempotencyKey, ...row } of rows) if (idempotencyKey !== null) byKey.set(idempotencyKey, row);
  return byKey;
}

/**
 * A unique, foreign-key, not-null or check constraint refused a row: an error of that row, not of
 * the database. Prisma reports it as P2002/P2003/P2011 from a model query; from a raw query (the
 * batch insert) as P2010 with the driver's message (both SQLite's and PostgreSQL's say "constraint").
 */
function isConstraintViolation(error: unknown): boolean {
  if (typeof error !== "object" || error === null || !("code" in error)) return false;
  if (error.code === "P2002" || error.code === "P2003" || error.code === "P2011") return true;
  // the driver's own, for statements that skip Prisma (directStatements): SQLITE_CONSTRAINT_UNIQUE, …
  if (typeof error.code === "string" && error.code.startsWith("SQLITE_CONSTRAINT")) return true;
  const message = "message" in error && typeof error.message === "string" ? error.message : "";
  return error.code === "P2010" && /constraint/i.test(message);
}
