/**
 * The dashboard's numbers, counted in the database: each query is an index range count or an
 * index-only scan (see the EXPLAIN QUERY PLAN test), so a database of 100,000 messages is never
 * read into memory and the answer does not depend on which messages a list happens to show.
 */
import { type PrismaClient, type SqlDialect, sqlDialect } from "@kabar/db";
import type {
  DashboardDay,
  DashboardService,
  DashboardStats,
  RunningBroadcastProgress,
} from "../contract.js";
import type { Clock } from "../outbox/outbox-context.js";
import { toStoredDate } from "../outbox/stored-date.js";
import { type DayWindow, dayWindows } from "./dashboard-days.js";

export interface DashboardDependencies {
  db: PrismaClient;
  clock: Clock;
  timeZone: () => string;
  /**
   * The slot for broadcasts: the running broadcast's progress, or null when none runs. Until
   * broadcasts are wired in, nothing runs and the panel's card stays empty.
   */
  runningBroadcast?: () => Promise<RunningBroadcastProgress | null>;
}

type Count = number | bigint;

/** The event columns the chart counts, each on the day its own event happened. */
const EVENT_COLUMNS = {
  sent: "sentAt",
  delivered: "deliveredAt",
  read: "readAt",
  failed: "failedAt",
} as const satisfies Record<keyof Omit<DashboardDay, "day">, string>;

/**
 * The statements for the database's dialect (`?` placeholders, run through dialect.sql), exported so
 * a test can check their query plans use the indexes. The same text serves both engines.
 */
export function dashboardSql(dialect: SqlDialect) {
  return {
    /** Parameters: index, day start, day end (stored-date text) for each of `dayCount` days. */
    days(dayCount: number): string {
      const day = `(${dialect.integerParameter}, ${dialect.dateParameter}, ${dialect.dateParameter})`;
      const values = Array.from({ length: dayCount }, () => day).join(", ");
      const counts = Object.entries(EVENT_COLUMNS)
        .map(
          ([name, column]) =>
            `(SELECT COUNT(*) FROM "OutboxMessage" WHERE "${column}" >= days.dayStart AND "${column}" < days.dayEnd) AS "${name}"`,
        )
        .join(", ");
      return `WITH days(idx, dayStart, dayEnd) AS (VALUES ${values}) SELECT days.idx AS idx, ${counts} FROM days ORDER BY days.idx`;
    },
    /** Parameters: window start, window end. */
    deliveryRate: `SELECT COUNT(*) AS sent, COUNT("deliveredAt") AS delivered FROM "OutboxMessage" WHERE "sentAt" >= ? AND "sentAt" < ?`,
    /** Parameters: window start, window end. One statement, so one snapshot: the database sorts the
     * durations and hands back only the middle one or two. */
    medianDelivery: `WITH durations AS (
         SELECT ${dialect.millisecondsBetween(`"sentAt"`, `"deliveredAt"`)} AS ms
         FROM "OutboxMessage" WHERE "deliveredAt" >= ? AND "deliveredAt" < ? AND "sentAt" IS NOT NULL
       ), total AS (SELECT COUNT(*) AS n FROM durations)
       SELECT AVG(ms) AS median FROM (
         SELECT ms FROM durations ORDER BY ms
         LIMIT 2 - (SELECT n FROM total) % 2 OFFSET ((SELECT n FROM total) - 1) / 2
       ) AS middle`,
    /** Parameter: now. The alias is quoted: PostgreSQL would fold it to lower case. */
    outboxDepth: `SELECT "status", ("nextAttemptAt" > ?) AS "isLater", COUNT(*) AS n FROM "OutboxMessage"
       WHERE "status" IN ('queued', 'sending', 'held') GROUP BY "status", "isLater"`,
  };
}

export function createDashboard(deps: DashboardDependencies): DashboardService {
  return {
    async stats(): Promise<DashboardStats> {
      const now = deps.clock.now();
      const timeZone = deps.timeZone();
      const windows = dayWindows(now, timeZone);
      const first = windows[0];
      const last = windows[windows.length - 1];
      if (first === undefined || last === undefined) throw new Error("the dashboard has no days");
      const from = toStoredDate(first.start);
      const to = toStoredDate(last.end);
      const [days, rate, medianDeliveryMs, outbox, runningBroadcast] = await Promise.all([
        countDays(deps.db, windows),
        deliveryRate(deps.db, from, to),
        medianDelivery(deps.db, from, to),
        outboxDepth(deps.db, now),
        deps.runningBroadcast?.() ?? Promise.resolve(null),
      ]);
      return { timeZone, days, deliveryRate: rate, medianDeliveryMs, outbox, runningBroadcast };
    },
  };
}

/** One statement for all 14 days: per day and event, a count over that column's index range. */
async function countDays(db: PrismaClient, windows: readonly DayWindow[]): Promise<DashboardDay[]> {
  const dialect = sqlDialect(db);
  const rows = await db.$queryRawUnsafe<
    { idx: Count; sent: Count; delivered: Count; read: Count; failed: Count }[]
  >(
    dialect.sql(dashboardSql(dialect).days(windows.length)),
    ...windows.flatMap((window, index) => [index, toStoredDate(window.start), toStoredDate(window.end)]),
  );
  return windows.map((window, index) => {
    const row = rows.find((candidate) => Number(candidate.idx) === index);
    return {
      day: window.day,
      sent: Number(row?.sent ?? 0),
      delivered: Number(row?.delivered ?? 0),
      read: Number(row?.read ?? 0),
      failed: Number(row?.failed ?? 0),
    };
  });
}

/** Of the messages sent in [from, to), the share with a deliveredAt (read sets it too). */
async function deliveryRate(db: PrismaClient, from: string, to: string): Promise<number | null> {
  const dialect = sqlDialect(db);
  const [row] = await db.$queryRawUnsafe<{ sent: Count; delivered: Count }[]>(
    dialect.sql(dashboardSql(dialect).deliveryRate),
    from,
    to,
  );
  const sent = Number(row?.sent ?? 0);
  return sent === 0 ? null : Number(row?.delivered ?? 0) / sent;
}

/** The median of sentAt → deliveredAt over messages delivered in [from, to). */
async function medianDelivery(db: PrismaClient, from: string, to: string): Promise<number | null> {
  const dialect = sqlDialect(db);
  const [row] = await db.$queryRawUnsafe<{ median: number | null }[]>(
    dialect.sql(dashboardSql(dialect).medianDelivery),
    from,
    to,
  );
  const median = row?.median;
  // SQLite's julianday keeps about a tenth of a millisecond; whole milliseconds is what the panel shows.
  return median === null || median === undefined ? null : Math.round(Number(median));
}

async function outboxDepth(db: PrismaClient, now: number): Promise<DashboardStats["outbox"]> {
  const dialect = sqlDialect(db);
  const rows = await db.$queryRawUnsafe<{ status: string; isLater: Count | boolean; n: Count }[]>(
    dialect.sql(dashboardSql(dialect).outboxDepth),
    toStoredDate(now),
  );
  const outbox = { queued: 0, waiting: 0, held: 0, sending: 0, depth: 0 };
  for (const row of rows) {
    const n = Number(row.n);
    if (row.status === "queued") {
      // A queued message due later waits on a retry backoff or the daily cap, not on the worker.
      // (SQLite answers the comparison 1 or 0, PostgreSQL true or false.)
      if (Number(row.isLater) === 1) outbox.waiting += n;
      else outbox.queued += n;
    } else if (row.status === "held") outbox.held += n;
    else outbox.sending += n;
    outbox.depth += n;
  }
  return outbox;
}
