/**
 * The outbox on a real database with the fake port: what the worker unit tests share.
 */
import path from "node:path";
import type { PrismaClient } from "@kabar/db";
import { pino } from "pino";
import type { CoreEvent, EventBus, Settings } from "../src/contract.js";
import { InMemoryEventBus } from "../src/events/event-bus.js";
import { type Clock, systemClock } from "../src/outbox/outbox-context.js";
import { createOutbox, type Outbox } from "../src/outbox/create-outbox.js";
import { mediaStoreFor } from "../src/outbox/media-blob-store.js";
import type { MediaStore } from "../src/outbox/media-store.js";
import type { MessageStatus } from "../src/schemas.js";
import { createSettingsStore, type SettingsStore } from "../src/settings/settings-service.js";
import { FakeSessionLink, FakeWhatsAppPort } from "../src/whatsapp/fake-whatsapp-port.js";
import { createTestDatabase, type DatabaseEngine, type TestDatabase } from "./outbox-database.js";

import { NO_PACING } from "./outbox-burst.js";

export { burstRecipient, NO_PACING } from "./outbox-burst.js";

export interface Harness {
  database: TestDatabase;
  port: FakeWhatsAppPort;
  session: FakeSessionLink;
  events: InMemoryEventBus;
  settings: SettingsStore;
  outbox: Outbox;
  /** As createKabar chooses it: on SQLite the folder `mediaDir`, on PostgreSQL the MediaBlob table. */
  mediaStore: MediaStore;
  /** `media/` in the test's temp folder, as createKabar puts it beside the database (SQLite's store). */
  mediaDir: string;
  /** Starts a fresh outbox on the same database, as a restarted process would. */
  restart(): Promise<void>;
  close(): Promise<void>;
}

export async function createHarness(
  options: {
    settings?: Partial<Settings>;
    ackTimeoutMs?: number;
    restrictedCooldownMs?: number;
    clock?: Clock;
    random?: () => number;
    retryBaseDelayMs?: number;
    /** What the outbox sees of the database, e.g. one whose writes fail for a while. */
    databaseView?: (db: PrismaClient) => PrismaClient;
    /** Default SQLite. */
    engine?: DatabaseEngine;
  } = {},
): Promise<Harness> {
  const database = await createTestDatabase("kabar-outbox-", options.engine);
  const port = new FakeWhatsAppPort();
  const session = new FakeSessionLink(port);
  const events = new InMemoryEventBus();
  const settings = await createSettingsStore(database.db, { ...NO_PACING, ...options.settings });
  const db = options.databaseView?.(database.db) ?? database.db;
  const mediaDir = path.join(database.dir, "media");
  const mediaStore = mediaStoreFor(database.db, mediaDir);
  const build = () =>
    createOutbox({
      db,
      port,
      session,
      settings,
      events,
      logger: pino({ level: process.env.TEST_LOG_LEVEL ?? "silent" }),
      clock: options.clock ?? systemClock,
      ackTimeoutMs: options.ackTimeoutMs ?? 5_000,
      restrictedCooldownMs: options.restrictedCooldownMs ?? 60_000,
      ...(options.random ? { random: options.random } : {}),
      ...(options.retryBaseDelayMs === undefined ? {} : { retryBaseDelayMs: options.retryBaseDelayMs }),
      mediaStore,
    });
  const harness: Harness = {
    database,
    port,
    session,
    events,
    settings,
    mediaStore,
    mediaDir,
    outbox: build(),
    async restart() {
      await harness.outbox.worker.close();
      harness.outbox = build();
      await harness.outbox.worker.start();
    },
    async close() {
      await harness.outbox.worker.close();
      await database.close();
    },
  };
  await harness.outbox.worker.start();
  return harness;
}

/** Resolves with the first bus event matching, including one published before the call if still buffered. */
export function nextEvent(
  events: Pick<EventBus, "on">,
  matches: (event: CoreEvent) => boolean,
  timeoutMs = 5_000,
): Promise<CoreEvent> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`no matching event within ${timeoutMs} ms`));
    }, timeoutMs);
    const off = events.on(({ event }) => {
      if (!matches(event)) return;
      clearTimeout(timer);
      off();
      resolve(event);
    });
  });
}

export function statusOf(id: string, status: MessageStatus) {
  return (event: CoreEvent) =>
    event.type === "message.status" && event.message.id === id && event.message.status === status;
}

/** Resolves once `count` distinct messages reached status. Listen before triggering the sends. */
export function countReaching(
  events: Pick<EventBus, "on">,
  status: MessageStatus,
  count: number,
  timeoutMs = 10_000,
) {
  const ids = new Set<string>();
  return nextEvent(
    events,
    (event) => {
      if (event.type === "message.status" && event.message.status === status) ids.add(event.message.id);
      return ids.size >= count;
    },
    timeoutMs,
  );
}
