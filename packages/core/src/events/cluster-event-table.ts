/**
 * The ClusterEvent table and the NOTIFYs of a cluster, in PostgreSQL's SQL: the only file of the bus
 * that speaks to the database. Ids in commit order: an append takes a transaction-scoped advisory
 * lock (a one-time filter evaluated before the first id is drawn) and holds it until its commit, so a
 * reader that sees id n has seen every committed row below it.
 */
import type { PrismaClient } from "@kabar/db";
import type { CoreEvent, TrackedEvent } from "../contract.js";

export const EVENTS_CHANNEL = "kabar_events";
export const OUTBOX_CHANNEL = "kabar_outbox";
export const CHANGED_CHANNEL = "kabar_changed";
/** Any constant (the migration lock is 4_206_917): held by one append at a time. */
const APPEND_LOCK = 4_206_918;
/** ClusterEvent.id is a SERIAL (int4). */
export const MAX_EVENT_ID = 2_147_483_647;

const APPEND = `WITH appended AS (
  INSERT INTO "ClusterEvent" ("payload")
  SELECT e.payload FROM json_array_elements_text($1::json) AS e(payload)
  WHERE (SELECT pg_advisory_xact_lock(${APPEND_LOCK}) IS NOT NULL)
  RETURNING "id")
SELECT string_agg("id"::text, ',' ORDER BY "id") AS "ids",
  pg_notify('${EVENTS_CHANNEL}', max("id")::text)::text AS "notified",
  CASE WHEN $2 THEN pg_notify('${OUTBOX_CHANNEL}', '')::text END AS "outbox"
FROM appended`;

/**
 * Appends the events in order in one statement that also NOTIFYs kabar_events (and kabar_outbox when
 * asked); returns their ids, ascending. With no events it only NOTIFYs kabar_outbox.
 */
export async function appendEvents(db: PrismaClient, events: CoreEvent[], wakesOutbox: boolean) {
  if (events.length === 0) {
    await notify(db, OUTBOX_CHANNEL, "");
    return [];
  }
  const payloads = JSON.stringify(events.map((event) => JSON.stringify(event)));
  const [row] = await db.$queryRawUnsafe<{ ids: string | null }[]>(APPEND, payloads, wakesOutbox);
  const ids = (row?.ids ?? "").split(",").map(Number);
  if (ids.length !== events.length) throw new Error(`appended ${ids.length} of ${events.length} events`);
  return ids;
}

export async function notify(db: PrismaClient, channel: string, payload: string): Promise<void> {
  await db.$queryRawUnsafe(`SELECT pg_notify($1, $2)::text AS "sent"`, channel, payload);
}

/** The events with after < id ≤ through, in id order, at most `limit`. */
export async function eventsAfter(
  db: PrismaClient,
  after: number,
  through: number,
  limit: number,
): Promise<TrackedEvent[]> {
  const rows = await db.$queryRawUnsafe<{ id: number; payload: string }[]>(
    `SELECT "id", "payload" FROM "ClusterEvent" WHERE "id" > $1 AND "id" <= $2 ORDER BY "id" LIMIT $3`,
    after,
    through,
    limit,
  );
  return rows.map((row) => ({ id: String(row.id), event: JSON.parse(row.payload) as CoreEvent }));
}

/** The oldest or the newest id held, or null when the table is empty. */
export async function heldEventId(db: PrismaClient, end: "oldest" | "newest"): Promise<number | null> {
  const [row] = await db.$queryRawUnsafe<{ id: number | null }[]>(
    `SELECT ${end === "oldest" ? "min" : "max"}("id") AS "id" FROM "ClusterEvent"`,
  );
  return row?.id == null ? null : Number(row.id);
}

/**
 * Deletes the events older than maxAgeMs (database clock) as one prefix of ids, so from the oldest
 * held id on nothing is missing.
 */
export async function pruneEvents(db: PrismaClient, maxAgeMs: number): Promise<void> {
  await db.$executeRawUnsafe(
    `DELETE FROM "ClusterEvent" WHERE "id" <= (SELECT max("id") FROM "ClusterEvent" WHERE "createdAt" < LOCALTIMESTAMP - make_interval(secs => $1))`,
    maxAgeMs / 1000,
  );
}
