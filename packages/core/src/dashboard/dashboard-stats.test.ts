import { randomUUID } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { sqlDialect } from "@kabar/db";
import {
  createTestDatabase,
  type DatabaseEngine,
  describeOnEachEngine,
  type TestDatabase,
} from "../../test/outbox-database.js";
import type { MessageStatus } from "../schemas.js";
import { dayWindows } from "./dashboard-days.js";
import { createDashboard, dashboardSql } from "./dashboard-stats.js";

/** 10:00 in Jakarta on 10 December 2026 (UTC+7). */
const NOW = Date.parse("2026-12-10T03:00:00.000Z");

interface Row {
  status?: MessageStatus;
  sentAt?: string;
  deliveredAt?: string;
  readAt?: string;
  failedAt?: string;
  nextAttemptAt?: string;
}

describeOnEachEngine("dashboard stats", { timeout: 20_000 }, (engine) => {
  let database: TestDatabase;
  let timeZone: string;
  beforeEach(async () => {
    database = await createTestDatabase("kabar-dashboard-", engine);
    timeZone = "Asia/Jakarta";
  });
  afterEach(async () => {
    await database.close();
  });

  const dashboard = () =>
    createDashboard({ db: database.db, clock: { now: () => NOW }, timeZone: () => timeZone });

  async function insert(...rows: Row[]): Promise<void> {
    for (const row of rows) {
      const id = randomUUID();
      await database.db.outboxMessage.create({
        data: {
          id,
          waMessageId: `3EB0${id.replaceAll("-", "").slice(0, 16).toUpperCase()}`,
          sessionId: "main",
          to: "6281234567890",
          text: "hi",
          status: row.status ?? "sent",
          ...(row.sentAt ? { sentAt: new Date(row.sentAt) } : {}),
          ...(row.deliveredAt ? { deliveredAt: new Date(row.deliveredAt) } : {}),
          ...(row.readAt ? { readAt: new Date(row.readAt) } : {}),
          ...(row.failedAt ? { failedAt: new Date(row.failedAt) } : {}),
          ...(row.nextAttemptAt ? { nextAttemptAt: new Date(row.nextAttemptAt) } : {}),
        },
      });
    }
  }

  it("gives 14 days oldest first, labelled in the time zone, with zeros for empty days", async () => {
    const stats = await dashboard().stats();
    expect(stats.timeZone).toBe("Asia/Jakarta");
    expect(stats.days).toHaveLength(14);
    expect(stats.days[0]?.day).toBe("2026-11-27");
    expect(stats.days[13]?.day).toBe("2026-12-10");
    for (const day of stats.days) expect(day).toMatchObject({ sent: 0, delivered: 0, read: 0, failed: 0 });
    expect(stats.deliveryRate).toBeNull();
    expect(stats.medianDeliveryMs).toBeNull();
    expect(stats.outbox).toEqual({ queued: 0, waiting: 0, held: 0, sending: 0, depth: 0 });
    expect(stats.runningBroadcast).toBeNull();
  });

  it("counts a message sent at 18:00 UTC on the next Jakarta day, and on the same day in UTC", async () => {
    await insert(
      // 8 Dec 18:00 UTC is 9 Dec 01:00 in Jakarta
      { sentAt: "2026-12-08T18:00:00.000Z" },
      // 8 Dec 16:59:59.999 UTC is still 8 Dec (23:59:59.999) in Jakarta
      { sentAt: "2026-12-08T16:59:59.999Z", deliveredAt: "2026-12-08T17:00:00.000Z", status: "delivered" },
    );
    const jakarta = await dashboard().stats();
    expect(day(jakarta.days, "2026-12-08")).toEqual({
      day: "2026-12-08",
      sent: 1,
      delivered: 0,
      read: 0,
      failed: 0,
    });
    expect(day(jakarta.days, "2026-12-09")).toEqual({
      day: "2026-12-09",
      sent: 1,
      delivered: 1,
      read: 0,
      failed: 0,
    });

    timeZone = "UTC";
    const utc = await dashboard().stats();
    expect(utc.timeZone).toBe("UTC");
    expect(day(utc.days, "2026-12-08")).toEqual({
      day: "2026-12-08",
      sent: 2,
      delivered: 1,
      read: 0,
      failed: 0,
    });
    expect(day(utc.days, "2026-12-09")).toEqual({
      day: "2026-12-09",
      sent: 0,
      delivered: 0,
      read: 0,
      failed: 0,
    });
  });

  it("counts each event on its own day and leaves out what falls outside the 14 days", async () => {
    await insert(
      // sent on Jakarta's 27 Nov (the first day, from its first millisecond), read on 1 Dec
      {
        status: "read",
        sentAt: "2026-11-26T17:00:00.000Z",
        deliveredAt: "2026-11-26T17:00:05.000Z",
        readAt: "2026-11-30T18:00:00.000Z",
      },
      // one millisecond before the window: not counted
      { sentAt: "2026-11-26T16:59:59.999Z" },
      // failed today
      { status: "failed", failedAt: "2026-12-10T02:00:00.000Z" },
      // tomorrow in Jakarta (a clock ahead of ours): not today's
      { sentAt: "2026-12-10T17:00:00.000Z" },
    );
    const stats = await dashboard().stats();
    expect(day(stats.days, "2026-11-27")).toMatchObject({ sent: 1, delivered: 1, read: 0 });
    expect(day(stats.days, "2026-12-01")).toMatchObject({ sent: 0, delivered: 0, read: 1 });
    expect(day(stats.days, "2026-12-10")).toMatchObject({ sent: 0, failed: 1 });
    const totals = stats.days.reduce((sum, d) => sum + d.sent, 0);
    expect(totals).toBe(1);
  });

  it("gives the delivery rate and the median time to delivered over the window", async () => {
    await insert(
      { status: "delivered", sentAt: "2026-12-09T01:00:00.000Z", deliveredAt: "2026-12-09T01:00:01.000Z" },
      {
        status: "read",
        sentAt: "2026-12-09T02:00:00.000Z",
        deliveredAt: "2026-12-09T02:00:03.000Z",
        readAt: "2026-12-09T02:01:00.000Z",
      },
      { status: "delivered", sentAt: "2026-12-09T03:00:00.000Z", deliveredAt: "2026-12-09T03:00:02.000Z" },
      { status: "sent", sentAt: "2026-12-09T04:00:00.000Z" },
      // delivered long before the window: neither in the rate nor the median
      { status: "delivered", sentAt: "2026-10-01T00:00:00.000Z", deliveredAt: "2026-10-01T05:00:00.000Z" },
    );
    const odd = await dashboard().stats();
    expect(odd.deliveryRate).toBe(0.75);
    expect(odd.medianDeliveryMs).toBe(2000);

    await insert({
      status: "delivered",
      sentAt: "2026-12-09T05:00:00.000Z",
      deliveredAt: "2026-12-09T05:00:10.000Z",
    });
    const even = await dashboard().stats();
    expect(even.deliveryRate).toBe(0.8);
    // (2 s + 3 s) / 2
    expect(even.medianDeliveryMs).toBe(2500);
  });

  it("counts the outbox depth: due, waiting for later, held and in flight", async () => {
    await insert(
      { status: "queued", nextAttemptAt: "2026-12-10T02:59:00.000Z" },
      { status: "queued", nextAttemptAt: "2026-12-10T02:59:00.000Z" },
      { status: "queued", nextAttemptAt: "2026-12-10T17:00:00.000Z" },
      { status: "held" },
      { status: "sending" },
      { status: "sent", sentAt: "2026-12-10T02:00:00.000Z" },
      { status: "cancelled" },
    );
    const stats = await dashboard().stats();
    expect(stats.outbox).toEqual({ queued: 2, waiting: 1, held: 1, sending: 1, depth: 5 });
  });

  it("shows the running broadcast from the slot it is given", async () => {
    const progress = { id: "b1", name: "Race pack", total: 10, done: 4 };
    const stats = await createDashboard({
      db: database.db,
      clock: { now: () => NOW },
      timeZone: () => timeZone,
      runningBroadcast: async () => progress,
    }).stats();
    expect(stats.runningBroadcast).toEqual(progress);
  });

  it("counts 100,000 messages where they lie: the rows are made and counted inside the database", async () => {
    const total = 100_000;
    const firstDay = dayWindows(NOW, "Asia/Jakarta")[0];
    if (firstDay === undefined) throw new Error("no days");
    // 01:00 in Jakarta on the first day; message i is sent i % 14 days later, every second one is
    // delivered (i % 10) + 1 seconds after, every fourth one read.
    const base = new Date(firstDay.start + 3_600_000).toISOString();
    await database.db.$executeRawUnsafe(manyMessagesSql(engine, total), base);
    const expected = Array.from({ length: 14 }, () => ({ sent: 0, delivered: 0, read: 0 }));
    for (let i = 0; i < total; i += 1) {
      const day = expected[i % 14];
      if (day === undefined) continue;
      day.sent += 1;
      if (i % 2 === 0) day.delivered += 1;
      if (i % 4 === 0) day.read += 1;
    }
    const stats = await dashboard().stats();
    expect(stats.days.map(({ sent, delivered, read }) => ({ sent, delivered, read }))).toEqual(expected);
    expect(stats.deliveryRate).toBe(0.5);
    // even i: (i % 10) + 1 is 1, 3, 5, 7 or 9 seconds, equally often
    expect(stats.medianDeliveryMs).toBe(5000);
  });
});

/** `total` sent messages made inside the database from one base time ($1 / ?1), each engine's way. */
function manyMessagesSql(engine: DatabaseEngine, total: number): string {
  const columns = `"id", "sessionId", "to", "waMessageId", "status", "sentAt", "deliveredAt", "readAt", "nextAttemptAt", "createdAt", "updatedAt"`;
  if (engine === "postgresql") {
    const sent = `CAST($1 AS TIMESTAMP(3)) + (i % 14) * INTERVAL '1 day'`;
    return `INSERT INTO "OutboxMessage" (${columns})
       SELECT 'm' || i, 'main', '628' || i, 'W' || i, 'sent', ${sent},
         CASE WHEN i % 2 = 0 THEN ${sent} + (i % 10 + 1) * INTERVAL '1 second' END,
         CASE WHEN i % 4 = 0 THEN ${sent} + INTERVAL '1 minute' END,
         CAST($1 AS TIMESTAMP(3)), CAST($1 AS TIMESTAMP(3)), CAST($1 AS TIMESTAMP(3))
       FROM generate_series(0, ${total - 1}) AS n(i)`;
  }
  const stamp = "'%Y-%m-%dT%H:%M:%f+00:00'";
  return `WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ${total - 1})
     INSERT INTO "OutboxMessage" (${columns})
     SELECT 'm' || i, 'main', '628' || i, 'W' || i, 'sent',
       strftime(${stamp}, ?1, '+' || (i % 14) || ' days'),
       CASE WHEN i % 2 = 0 THEN strftime(${stamp}, ?1, '+' || (i % 14) || ' days', '+' || (i % 10 + 1) || ' seconds') END,
       CASE WHEN i % 4 = 0 THEN strftime(${stamp}, ?1, '+' || (i % 14) || ' days', '+1 minute') END,
       ?1, ?1, ?1
     FROM n`;
}

// SQLite's query plans; PostgreSQL's planner picks a plan by table size, so an empty table says nothing.
describe("dashboard stats' query plans on sqlite", { timeout: 20_000 }, () => {
  let database: TestDatabase;
  beforeEach(async () => {
    database = await createTestDatabase("kabar-dashboard-");
  });
  afterEach(async () => {
    await database.close();
  });

  it("reads through the indexes, never scanning the whole table", async () => {
    const dashboardSql = statements(database);
    const plans = [
      await plan(dashboardSql.days(14), ...Array.from({ length: 14 }, (_, i) => [i, "a", "b"]).flat()),
      await plan(dashboardSql.deliveryRate, "a", "b"),
      await plan(dashboardSql.medianDelivery, "a", "b"),
      await plan(dashboardSql.outboxDepth, "a"),
    ];
    for (const lines of plans) {
      expect(lines.some((line) => /USING (COVERING )?INDEX/.test(line))).toBe(true);
      expect(lines.filter((line) => /SCAN "?OutboxMessage"?$/.test(line))).toEqual([]);
    }
    // the day counts and the delivery rate never touch the table's rows, only an index
    expect(
      plans[0]
        ?.filter((line) => line.includes("OutboxMessage"))
        .every((line) => line.includes("COVERING INDEX")),
    ).toBe(true);
    expect(
      plans[1]?.every((line) => !line.includes("OutboxMessage") || line.includes("COVERING INDEX")),
    ).toBe(true);
  });

  async function plan(sql: string, ...params: unknown[]): Promise<string[]> {
    const rows = await database.db.$queryRawUnsafe<{ detail: string }[]>(
      `EXPLAIN QUERY PLAN ${sql}`,
      ...params,
    );
    return rows.map((row) => row.detail);
  }
});

function statements(database: TestDatabase) {
  return dashboardSql(sqlDialect(database.db));
}

describe("dashboard days", () => {
  it("keeps the organiser's midnights across a daylight-saving change", () => {
    // New York leaves daylight saving on 1 Nov 2026: that day lasts 25 hours.
    const windows = dayWindows(Date.parse("2026-11-03T15:00:00.000Z"), "America/New_York");
    const first = windows.find((window) => window.day === "2026-11-01");
    expect(first && first.end - first.start).toBe(25 * 3_600_000);
    expect(windows.map((window) => window.day).at(-1)).toBe("2026-11-03");
    for (let i = 1; i < windows.length; i += 1) expect(windows[i]?.start).toBe(windows[i - 1]?.end);
  });
});

function day<T extends { day: string }>(days: readonly T[], key: string): T | undefined {
  return days.find((entry) => entry.day === key);
}
