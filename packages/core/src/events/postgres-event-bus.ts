/**
 * The event bus of a cluster on PostgreSQL (its SQL is in cluster-event-table.ts). `publish` stays
 * synchronous: it queues the event, and one writer per node appends the queue to ClusterEvent in one statement (all events published meanwhile
 * in one round trip, in publish order) that also NOTIFYs `kabar_events`. Every node LISTENs on a
 * dedicated connection and delivers the new rows to its listeners in id order, so ids are global: a
 * subscription resumes with lastEventId on any node, replayed from the table (held for maxAgeMs).
 */
import type { PrismaClient } from "@kabar/db";
import type { Logger } from "pino";
import type { ChangeFeed, CoreEvent, EventBus, TrackedEvent } from "../contract.js";
import { CHANGE_TOPICS, createChangeListeners, isChangeTopic } from "./change-feed.js";
import {
  appendEvents,
  CHANGED_CHANNEL,
  EVENTS_CHANNEL,
  eventsAfter,
  heldEventId,
  MAX_EVENT_ID,
  notify,
  OUTBOX_CHANNEL,
  pruneEvents,
} from "./cluster-event-table.js";
import { type Replay, type StreamedEvent, type SubscribeOptions, streamEvents } from "./event-stream.js";
import { createPostgresListener, type PostgresListener } from "./postgres-listener.js";

const BATCH_MAX = 500;
/** A resume further back than this many events gets a resync instead of a replay. */
const REPLAY_MAX = 5_000;
const RETRY_MS = 500;

export interface PostgresEventBusOptions {
  db: PrismaClient;
  /** The PostgreSQL URL; the listening connection is opened apart from the Prisma pool. */
  url: string;
  /** CLUSTER_NODE_ID: the listening connection's application_name is `kabar-<nodeId>-listen`. */
  nodeId: string;
  logger: Logger;
  /** Events are held (replayable) this long; default 10 minutes, like the in-memory bus. */
  maxAgeMs?: number;
  /** How often old events are deleted; default every minute. */
  pruneEveryMs?: number;
}

export class PostgresEventBus implements EventBus {
  private readonly listeners = new Set<(event: TrackedEvent) => void>();
  private readonly ownListeners = new Set<(event: TrackedEvent) => void>();
  private readonly outboxListeners = new Set<() => void>();
  private readonly changeListeners = createChangeListeners();
  private readonly listener: PostgresListener;
  private readonly db: PrismaClient;
  private readonly logger: Logger;
  private pending: CoreEvent[] = [];
  private isOutboxQueued = false;
  private writing: Promise<void> | null = null;
  /** The newest id delivered to this node's listeners. */
  private lastDelivered = 0;
  private isCatchUpWanted = false;
  private catchingUp: Promise<void> | null = null;
  private pruneTimer: NodeJS.Timeout | null = null;
  private isClosed = false;

  /** Cache invalidation across nodes: NOTIFY kabar_changed, '<topic>'. */
  readonly changes: ChangeFeed = {
    announce: (topic) => {
      notify(this.db, CHANGED_CHANNEL, topic).catch((error: unknown) =>
        this.logger.error({ err: error, topic }, "could not announce a change"),
      );
    },
    on: (topic, listener) => this.changeListeners.on(topic, listener),
  };

  private constructor(private readonly options: PostgresEventBusOptions) {
    this.db = options.db;
    this.logger = options.logger;
    this.listener = createPostgresListener({
      url: options.url,
      applicationName: `kabar-${options.nodeId}-listen`,
      channels: [EVENTS_CHANNEL, OUTBOX_CHANNEL, CHANGED_CHANNEL],
      logger: options.logger,
      onNotification: (channel, payload) => this.notified(channel, payload),
      onListening: (isReconnect) => this.listening(isReconnect),
    });
  }

  /** Listens, then starts from the newest event: what came before is for resumption only. */
  static async start(options: PostgresEventBusOptions): Promise<PostgresEventBus> {
    const bus = new PostgresEventBus(options);
    await bus.listener.start();
    bus.pruneTimer = setInterval(() => void bus.prune(), options.pruneEveryMs ?? 60_000);
    bus.pruneTimer.unref();
    return bus;
  }

  /** Queues the event; it reaches every node's listeners (this one's too) once appended. */
  publish(event: CoreEvent): void {
    if (this.isClosed) return;
    this.pending.push(event);
    this.write();
  }

  /** Wakes the owner's outbox worker: NOTIFY kabar_outbox, in the same statement as pending events. */
  announceOutboxQueued(): void {
    this.isOutboxQueued = true;
    this.write();
  }

  /** Called on every node whenever any node queued a message (this node included). */
  onOutboxQueued(listener: () => void): () => void {
    this.outboxListeners.add(listener);
    return () => this.outboxListeners.delete(listener);
  }

  on(listener: (event: TrackedEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  onPublished(listener: (event: TrackedEvent) => void): () => void {
    this.ownListeners.add(listener);
    return () => this.ownListeners.delete(listener);
  }

  subscribe(options: SubscribeOptions = {}): AsyncIterable<StreamedEvent> {
    return streamEvents(
      (listener) => this.on(listener),
      options,
      (after) => this.replay(after),
    );
  }

  /** Resolves once appended events are delivered here and the listening connection is up (tests). */
  async settled(): Promise<void> {
    while (this.writing || this.catchingUp) await (this.writing ?? this.catchingUp);
    await this.listener.listening();
    while (this.catchingUp) await this.catchingUp;
  }

  async close(): Promise<void> {
    if (this.isClosed) return;
    this.isClosed = true;
    if (this.pruneTimer) clearInterval(this.pruneTimer);
    await this.writing;
    await this.listener.close();
    await this.catchingUp;
  }

  private write(): void {
    if (this.writing) return;
    // After a microtask: the events of one synchronous burst go in one statement.
    this.writing = Promise.resolve()
      .then(() => this.drain())
      .finally(() => {
        this.writing = null;
        // published after drain() looked for the last time, before this ran
        if (this.pending.length > 0 || this.isOutboxQueued) this.write();
      });
  }

  private async drain(): Promise<void> {
    while (this.pending.length > 0 || this.isOutboxQueued) {
      const batch = this.pending.splice(0, BATCH_MAX);
      const wakesOutbox = this.isOutboxQueued;
      this.isOutboxQueued = false;
      try {
        const ids = await appendEvents(this.db, batch, wakesOutbox);
        this.appended(batch, ids);
      } catch (error) {
        this.logger.error({ err: error, events: batch.length }, "could not append events; retrying");
        // Back at the head, in order; a closing bus gives up after one failure.
        if (this.isClosed) return;
        this.pending.unshift(...batch);
        this.isOutboxQueued ||= wakesOutbox;
        await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
      }
    }
  }

  private appended(batch: CoreEvent[], ids: number[]): void {
    const tracked = batch.map((event, index) => ({ id: String(ids[index]), event }));
    for (const event of tracked) call(this.ownListeners, event);
    // The next ids in line go out at once; after a gap (another node's events) the table decides.
    for (const [index, event] of tracked.entries()) {
      if (ids[index] !== this.lastDelivered + 1 || this.catchingUp) {
        this.catchUp();
        return;
      }
      this.deliver(ids[index] ?? 0, event);
    }
  }

  private deliver(id: number, tracked: TrackedEvent): void {
    if (id <= this.lastDelivered) return;
    this.lastDelivered = id;
    call(this.listeners, tracked);
  }

  private notified(channel: string, payload: string): void {
    if (channel === EVENTS_CHANNEL) {
      if (!(Number(payload) <= this.lastDelivered)) this.catchUp();
    } else if (channel === OUTBOX_CHANNEL) {
      for (const listener of this.outboxListeners) listener();
    } else if (channel === CHANGED_CHANNEL && isChangeTopic(payload)) {
      this.changeListeners.fire(payload);
    }
  }

  private async listening(isReconnect: boolean): Promise<void> {
    if (!isReconnect) {
      this.lastDelivered = (await heldEventId(this.db, "newest")) ?? 0;
      return;
    }
    // Whatever was announced while nobody listened is lost: every cache re-reads.
    for (const topic of CHANGE_TOPICS) this.changeListeners.fire(topic);
    for (const listener of this.outboxListeners) listener();
    this.catchUp();
    await this.catchingUp;
  }

  /** Delivers every row after lastDelivered, in id order; asked again while running, it runs again. */
  private catchUp(): void {
    this.isCatchUpWanted = true;
    if (this.catchingUp) return;
    this.catchingUp = this.readNew().finally(() => {
      this.catchingUp = null;
      // asked after readNew() looked for the last time, before this ran
      if (this.isCatchUpWanted && !this.isClosed) this.catchUp();
    });
  }

  private async readNew(): Promise<void> {
    while (this.isCatchUpWanted && !this.isClosed) {
      this.isCatchUpWanted = false;
      try {
        const rows = await eventsAfter(this.db, this.lastDelivered, MAX_EVENT_ID, BATCH_MAX);
        for (const row of rows) this.deliver(Number(row.id), row);
        if (rows.length === BATCH_MAX) this.isCatchUpWanted = true;
      } catch (error) {
        this.logger.warn({ err: error }, "could not read new cluster events; retrying");
        this.isCatchUpWanted = true;
        await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
      }
    }
  }

  /** What a subscription resuming after lastEventId gets before the live events queued meanwhile. */
  private async replay(lastEventId: string): Promise<Replay> {
    // Read before any await: every live event the subscription queues comes after it.
    const through = this.lastDelivered;
    const after = /^\d{1,15}$/.test(lastEventId) ? Number(lastEventId) : null;
    const resync = (): Replay => ({ head: [{ id: String(through), event: { type: "resync" } }] });
    if (after === null) return resync();
    if (after >= through) {
      // Another node may be ahead of this one: wait until this one delivered that far too.
      if (after > through && !(await this.deliveredThrough(after))) return resync();
      return { head: [], keep: (event) => Number(event.id) > after };
    }
    const oldest = await heldEventId(this.db, "oldest");
    // Pruning deletes a prefix: from the oldest held id on, nothing is missing.
    if (oldest === null || oldest > after + 1) return resync();
    const rows = await eventsAfter(this.db, after, through, REPLAY_MAX + 1);
    return rows.length > REPLAY_MAX ? resync() : { head: rows };
  }

  private async deliveredThrough(id: number): Promise<boolean> {
    this.catchUp();
    while (this.catchingUp) await this.catchingUp;
    return this.lastDelivered >= id;
  }

  private async prune(): Promise<void> {
    await pruneEvents(this.db, this.options.maxAgeMs ?? 600_000).catch((error: unknown) =>
      this.logger.warn({ err: error }, "could not prune old cluster events"),
    );
  }
}

function call(listeners: Set<(event: TrackedEvent) => void>, event: TrackedEvent): void {
  for (const listener of listeners) {
    try {
      listener(event);
    } catch {
      // A failing listener must not stop the others or the publisher.
    }
  }
}
