import type { CoreEvent, EventBus, ResyncEvent, TrackedEvent } from "../contract.js";
import { type StreamedEvent, type SubscribeOptions, streamEvents } from "./event-stream.js";

export interface EventBusOptions {
  /** The replay buffer holds at most this many events; default 1,000 (≈0.5 MB). */
  maxEvents?: number;
  /** …and none older than this; default 10 minutes. A client away longer re-reads the state. */
  maxAgeMs?: number;
  now?: () => number;
}

/** What core's publishers hold: the in-memory bus on SQLite, PostgresEventBus in a cluster. */
export interface PublishingEventBus extends EventBus {
  publish(event: CoreEvent): void;
}

/** A lastEventId meaning "before this process's first event": everything, if nothing was evicted yet. */
export const BEFORE_FIRST_EVENT_ID = "0";

interface BufferedEvent {
  tracked: TrackedEvent;
  sequence: number;
  publishedAt: number;
}

/**
 * In-process event bus with a bounded replay buffer: each event gets a monotonic id so an SSE client
 * that reconnects with lastEventId receives what it missed, or, when that is no longer held, one
 * ResyncEvent telling it to re-read the current state instead of silently missing events.
 */
export class InMemoryEventBus implements EventBus {
  private readonly listeners = new Set<(event: TrackedEvent) => void>();
  private readonly buffer: BufferedEvent[] = [];
  private sequence = 0;
  /** Ids restart with each process; the prefix keeps a stale lastEventId from matching a new event. */
  private readonly epoch = Date.now().toString(36);
  private readonly maxEvents: number;
  private readonly maxAgeMs: number;
  private readonly now: () => number;

  constructor(options: EventBusOptions = {}) {
    this.maxEvents = options.maxEvents ?? 1_000;
    this.maxAgeMs = options.maxAgeMs ?? 600_000;
    this.now = options.now ?? Date.now;
  }

  /** How many events the replay buffer holds now. */
  get bufferedCount(): number {
    this.evict();
    return this.buffer.length;
  }

  publish(event: CoreEvent): TrackedEvent {
    this.sequence += 1;
    const tracked: TrackedEvent = { id: `${this.epoch}-${this.sequence}`, event };
    this.buffer.push({ tracked, sequence: this.sequence, publishedAt: this.now() });
    this.evict();
    for (const listener of this.listeners) {
      try {
        listener(tracked);
      } catch {
        // A failing listener must not stop the others or the publisher.
      }
    }
    return tracked;
  }

  on(listener: (event: TrackedEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Everything here is published here. */
  onPublished(listener: (event: TrackedEvent) => void): () => void {
    return this.on(listener);
  }

  subscribe(options: SubscribeOptions = {}): AsyncIterable<StreamedEvent> {
    // replayed at once, in the tick the subscription started listening: nothing is queued yet
    return streamEvents(
      (listener) => this.on(listener),
      options,
      (after) => ({ head: this.missedAfter(after) }),
    );
  }

  /** The held events after lastEventId, or one ResyncEvent if some are gone. */
  private missedAfter(lastEventId: string): (TrackedEvent | ResyncEvent)[] {
    this.evict();
    const after = this.sequenceOf(lastEventId);
    const oldestHeld = this.buffer[0]?.sequence ?? this.sequence + 1;
    if (after === null || after > this.sequence || after + 1 < oldestHeld) {
      // Tagged with the newest id: every event the subscription receives live comes after it.
      const resync: ResyncEvent = { id: `${this.epoch}-${this.sequence}`, event: { type: "resync" } };
      return [resync];
    }
    return this.buffer.filter((held) => held.sequence > after).map((held) => held.tracked);
  }

  /** The sequence number of an id of this process, or null for anything else. */
  private sequenceOf(id: string): number | null {
    if (id === BEFORE_FIRST_EVENT_ID) return 0;
    const prefix = `${this.epoch}-`;
    if (!id.startsWith(prefix)) return null;
    const sequence = Number(id.slice(prefix.length));
    return Number.isSafeInteger(sequence) && sequence >= 0 ? sequence : null;
  }

  private evict(): void {
    const oldestAllowed = this.now() - this.maxAgeMs;
    let drop = Math.max(0, this.buffer.length - this.maxEvents);
    while (drop < this.buffer.length && (this.buffer[drop]?.publishedAt ?? 0) < oldestAllowed) drop += 1;
    if (drop > 0) this.buffer.splice(0, drop);
  }
}
