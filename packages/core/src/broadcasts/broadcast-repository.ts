/**
 * Every database access of broadcasts. A row that became an outbox message reads its status from
 * that message (a join), so a row's status can never lag behind what the outbox did with it.
 */
import { type Prisma, type PrismaClient, sqlDialect } from "@kabar/db";
import { insertSql } from "../outbox/outbox-insert-store.js";
import { toStoredDate } from "../outbox/stored-date.js";

const ROW_COLUMNS = [
  "broadcastId",
  "line",
  "data",
  "phone",
  "text",
  "status",
  "error",
  "createdAt",
  "updatedAt",
] as const;

/** What a row's status is: its own until it is fed, then its outbox message's ("sending" reads queued). */
const ROW_STATUS_SQL = `CASE WHEN r."outboxMessageId" IS NULL THEN r."status"
  WHEN o."status" = 'sending' THEN 'queued' ELSE COALESCE(o."status", r."status") END`;

export const broadcastSelect = {
  id: true,
  name: true,
  template: true,
  status: true,
  columns: true,
  phoneColumn: true,
  scheduledAt: true,
  createdAt: true,
  startedAt: true,
  finishedAt: true,
} satisfies Prisma.BroadcastSelect;

export type BroadcastRowRecord = Prisma.BroadcastGetPayload<{ select: typeof broadcastSelect }>;

export interface NewBroadcastRow {
  broadcastId: string;
  line: number;
  data: string;
  phone: string | null;
  text: string | null;
  status: "invalid" | "pending";
  error: string | null;
}

export interface ReportLine {
  line: number;
  phone: string | null;
  status: string;
  error: string | null;
  queuedAt: string | null;
  sentAt: string | null;
  deliveredAt: string | null;
  readAt: string | null;
  failedAt: string | null;
}

export type BroadcastRepository = ReturnType<typeof createBroadcastRepository>;

export function createBroadcastRepository(db: PrismaClient) {
  // Statements are written with `?` placeholders and quoted aliases (PostgreSQL folds bare ones).
  const { sql } = sqlDialect(db);
  return {
    async create(data: Prisma.BroadcastCreateInput): Promise<void> {
      await db.broadcast.create({ data, select: { id: true } });
    },
    /**
     * One multi-row INSERT: Prisma's createMany cost ~0.6 ms and several KB of garbage a row here
     * (a 50,000-row list took 30 s and grew the server by 230 MB); dates in Prisma's stored form.
     */
    async insertRows(rows: NewBroadcastRow[]): Promise<void> {
      if (rows.length === 0) return;
      const now = toStoredDate(new Date());
      const values: unknown[] = [];
      for (const row of rows) {
        values.push(
          row.broadcastId,
          row.line,
          row.data,
          row.phone,
          row.text,
          row.status,
          row.error,
          now,
          now,
        );
      }
      await db.$executeRawUnsafe(sql(insertSql("BroadcastRow", ROW_COLUMNS, rows.length)), ...values);
    },
    async delete(id: string): Promise<void> {
      await db.broadcast.deleteMany({ where: { id } });
    },
    find(id: string): Promise<BroadcastRowRecord | null> {
      return db.broadcast.findUnique({ where: { id }, select: broadcastSelect });
    },
    list(statuses: readonly string[]): Promise<BroadcastRowRecord[]> {
      return db.broadcast.findMany({
        where: { status: { in: [...statuses] } },
        orderBy: { createdAt: "desc" },
        take: 100,
        select: broadcastSelect,
      });
    },
    withStatus(status: string): Promise<BroadcastRowRecord[]> {
      return db.broadcast.findMany({
        where: { status },
        orderBy: { createdAt: "asc" },
        select: broadcastSelect,
      });
    },
    /** Changes the status only when it is one of `from`; false when it was not. */
    async transition(id: string, from: readonly string[], data: Prisma.BroadcastUpdateManyMutationInput) {
      const { count } = await db.broadcast.updateMany({ where: { id, status: { in: [...from] } }, data });
      return count === 1;
    },
    nextScheduled(): Promise<BroadcastRowRecord | null> {
      return db.broadcast.findFirst({
        where: { status: "scheduled" },
        orderBy: { scheduledAt: "asc" },
        select: broadcastSelect,
      });
    },
    async counts(id: string): Promise<Map<string, number>> {
      const rows = await db.$queryRawUnsafe<{ status: string; n: number | bigint }[]>(
        sql(`SELECT ${ROW_STATUS_SQL} AS status, COUNT(*) AS n FROM "BroadcastRow" r
         LEFT JOIN "OutboxMessage" o ON o."id" = r."outboxMessageId"
         WHERE r."broadcastId" = ? GROUP BY 1`),
        id,
      );
      return new Map(rows.map((row) => [row.status, Number(row.n)]));
    },
    /** Messages of this broadcast the outbox still has to send (queued or being sent). */
    async inFlight(id: string): Promise<number> {
      const rows = await db.$queryRawUnsafe<{ n: number | bigint }[]>(
        // CROSS JOIN keeps SQLite's loop order: the few waiting messages (status index) first, then
        // their rows, instead of every row of a 50,000-row broadcast on each feed
        sql(`SELECT COUNT(*) AS n FROM "OutboxMessage" o CROSS JOIN "BroadcastRow" r
         WHERE o."status" IN ('queued', 'sending') AND r."outboxMessageId" = o."id" AND r."broadcastId" = ?`),
        id,
      );
      return Number(rows[0]?.n ?? 0);
    },
    /** The outbox ids of this broadcast's messages still queued (not yet claimed by the worker). */
    async queuedMessageIds(id: string): Promise<string[]> {
      const rows = await db.$queryRawUnsafe<{ id: string }[]>(
        sql(`SELECT o."id" AS id FROM "OutboxMessage" o CROSS JOIN "BroadcastRow" r
         WHERE o."status" IN ('queued', 'held') AND r."outboxMessageId" = o."id" AND r."broadcastId" = ?`),
        id,
      );
      return rows.map((row) => row.id);
    },
    pendingRows(
      id: string,
      take: number,
    ): Promise<{ id: number; line: number; phone: string | null; text: string | null }[]> {
      return db.broadcastRow.findMany({
        where: { broadcastId: id, status: "pending" },
        orderBy: { line: "asc" },
        take,
        select: { id: true, line: true, phone: true, text: true },
      });
    },
    firstValidRows(
      id: string,
      take: number,
    ): Promise<{ line: number; phone: string | null; text: string | null; data: string }[]> {
      return db.broadcastRow.findMany({
        where: { broadcastId: id, status: { not: "invalid" } },
        orderBy: { line: "asc" },
        take,
        select: { line: true, phone: true, text: true, data: true },
      });
    },
    async linkRow(rowId: number, outboxMessageId: string) {
      await db.broadcastRow.updateMany({
        where: { id: rowId, status: "pending" },
        data: { status: "queued", outboxMessageId },
      });
    },
    async setRowStatus(rowId: number, status: string, error: string | null) {
      await db.broadcastRow.updateMany({ where: { id: rowId, status: "pending" }, data: { status, error } });
    },
    /** Rows whose message a pause took back out of the outbox: fed again on resume. */
    async unlinkRows(id: string, outboxMessageIds: readonly string[]) {
      await db.broadcastRow.updateMany({
        where: { broadcastId: id, outboxMessageId: { in: [...outboxMessageIds] } },
        data: { status: "pending", outboxMessageId: null },
      });
    },
    async cancelPending(id: string) {
      await db.broadcastRow.updateMany({
        where: { broadcastId: id, status: "pending" },
        data: { status: "cancelled" },
      });
    },
    async hasPending(id: string): Promise<boolean> {
      return (await db.broadcastRow.count({ where: { broadcastId: id, status: "pending" } })) > 0;
    },
    /** Phones already in the broadcast (a second upload to it skips them). */
    async phones(id: string): Promise<Set<string>> {
      const rows = await db.broadcastRow.findMany({
        where: { broadcastId: id, phone: { not: null }, status: { not: "invalid" } },
        select: { phone: true },
      });
      return new Set(rows.flatMap((row) => (row.phone === null ? [] : [row.phone])));
    },
    async deleteUnfed(id: string) {
      await db.broadcastRow.deleteMany({ where: { broadcastId: id, outboxMessageId: null } });
    },
    async reportPage(
      id: string,
      afterRowId: number,
      take: number,
    ): Promise<(ReportLine & { rowId: number })[]> {
      const rows = await db.$queryRawUnsafe<
        {
          rowId: number | bigint;
          line: number | bigint;
          phone: string | null;
          status: string;
          error: string | null;
          lastError: string | null;
          queuedAt: StoredDate;
          sentAt: StoredDate;
          deliveredAt: StoredDate;
          readAt: StoredDate;
          failedAt: StoredDate;
        }[]
      >(
        sql(`SELECT r."id" AS "rowId", r."line" AS line, r."phone" AS phone, ${ROW_STATUS_SQL} AS status,
           r."error" AS error, o."lastError" AS "lastError", o."createdAt" AS "queuedAt", o."sentAt" AS "sentAt",
           o."deliveredAt" AS "deliveredAt", o."readAt" AS "readAt", o."failedAt" AS "failedAt"
         FROM "BroadcastRow" r LEFT JOIN "OutboxMessage" o ON o."id" = r."outboxMessageId"
         WHERE r."broadcastId" = ? AND r."id" > ? ORDER BY r."id" LIMIT ?`),
        id,
        afterRowId,
        take,
      );
      return rows.map((row) => ({
        rowId: Number(row.rowId),
        line: Number(row.line),
        phone: row.phone,
        status: row.status,
        error: row.error ?? (row.status === "failed" || row.status === "held" ? row.lastError : null),
        queuedAt: isoOrNull(row.queuedAt),
        sentAt: isoOrNull(row.sentAt),
        deliveredAt: isoOrNull(row.deliveredAt),
        readAt: isoOrNull(row.readAt),
        failedAt: isoOrNull(row.failedAt),
      }));
    },
  };
}

/** A date column as a raw query returns it: SQLite's stored number or text, PostgreSQL's Date. */
type StoredDate = number | string | Date | null;

/** Prisma stores SQLite DateTime as milliseconds; raw queries return that number (or text from older
 * rows); on PostgreSQL they return a Date. */
function isoOrNull(value: StoredDate): string | null {
  if (value === null) return null;
  const date = new Date(typeof value === "string" && /^\d+$/.test(value) ? Number(value) : value);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}
