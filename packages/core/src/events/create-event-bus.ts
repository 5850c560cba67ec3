/**
 * Which bus a Kabar gets: on SQLite (one process) the in-memory bus, unchanged; on PostgreSQL the
 * cluster's bus, loaded only then so an SQLite server never loads pg.
 */
import { isPostgresUrl, type PrismaClient } from "@kabar/db";
import type { Logger } from "pino";
import type { ChangeFeed } from "../contract.js";
import { createSingleProcessChangeFeed } from "./change-feed.js";
import { InMemoryEventBus, type PublishingEventBus } from "./event-bus.js";

export interface KabarEventBus {
  events: PublishingEventBus;
  changes: ChangeFeed;
  /** Tell the node that runs the outbox worker that a message was queued (a no-op in one process). */
  announceOutboxQueued?: () => void;
  /** Called when any node queued a message; the outbox worker wakes on it. Never fires in one process. */
  onOutboxQueued(listener: () => void): () => void;
  close(): Promise<void>;
}

export async function createEventBus(options: {
  databaseUrl: string;
  db: PrismaClient;
  nodeId: string;
  logger: Logger;
}): Promise<KabarEventBus> {
  if (!isPostgresUrl(options.databaseUrl)) {
    return {
      events: new InMemoryEventBus(),
      changes: createSingleProcessChangeFeed(),
      onOutboxQueued: () => () => {},
      close: async () => {},
    };
  }
  const { PostgresEventBus } = await import("./postgres-event-bus.js");
  const bus = await PostgresEventBus.start({
    db: options.db,
    url: options.databaseUrl,
    nodeId: options.nodeId,
    logger: options.logger,
  });
  return {
    events: bus,
    changes: bus.changes,
    announceOutboxQueued: () => bus.announceOutboxQueued(),
    onOutboxQueued: (listener) => bus.onOutboxQueued(listener),
    close: () => bus.close(),
  };
}
