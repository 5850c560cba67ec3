/**
 * For tests (exported as @kabar/core/cluster-testing): "nodes" — a Prisma pool and a PostgresEventBus
 * each, whose connections are named `kabar-<id>` and `kabar-<id>-listen` — on one test database.
 */
import { createDatabase, migrateDatabase, type PrismaClient } from "@kabar/db";
import type { PostgresServer } from "@kabar/db/testing";
import { pino } from "pino";
import type { TrackedEvent } from "../contract.js";
import { PostgresEventBus } from "../events/postgres-event-bus.js";

export interface TestNode {
  id: string;
  db: PrismaClient;
  bus: PostgresEventBus;
  close(): Promise<void>;
}

export const silentLogger = pino({ level: "silent" });

/** A migrated, empty database on the server; returns its URL. */
export async function freshDatabase(server: PostgresServer): Promise<string> {
  const url = await server.createDatabase();
  await migrateDatabase(url);
  return url;
}

export async function startNode(url: string, id: string): Promise<TestNode> {
  const db = createDatabase(url, { applicationName: `kabar-${id}`, maxConnections: 4 });
  const bus = await PostgresEventBus.start({ db, url, nodeId: id, logger: silentLogger });
  return {
    id,
    db,
    bus,
    async close() {
      await bus.close();
      await db.$disconnect();
    },
  };
}

/** Collects what `on` hands over; `next(count)` resolves once that many arrived (in order). */
export function collect(subscribe: (listener: (event: TrackedEvent) => void) => () => void) {
  const seen: TrackedEvent[] = [];
  let waiter: { count: number; resolve: () => void } | null = null;
  const off = subscribe((event) => {
    seen.push(event);
    if (waiter && seen.length >= waiter.count) waiter.resolve();
  });
  return {
    seen,
    off,
    reached(count: number): Promise<void> {
      if (seen.length >= count) return Promise.resolve();
      return new Promise((resolve) => {
        waiter = { count, resolve };
      });
    },
  };
}

/** Resolves the next time `on` fires. */
export function once(on: (listener: () => void) => () => void): Promise<void> {
  return new Promise((resolve) => {
    const off = on(() => {
      off();
      resolve();
    });
  });
}
