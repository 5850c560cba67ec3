import type { CoreEvent, EventBus, ResyncEvent, TrackedEvent } from "../contract.js";

export interface EventBusOptions {
  /** The replay buffer holds at most this many events; default 1,000 (≈0.5 MB). */
  maxEvents?: number;
  /** …and none older than this; default 10 minutes. A client away longer re-reads the state. */
  maxAgeMs?: number;
  now?: () => number;
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

  async *subscribe(
    options: { lastEventId?: string | null; signal?: AbortSignal } = {},
  ): AsyncIterable<TrackedEvent | ResyncEvent> {
    const { lastEventId, signal } = options;
    const queue: (TrackedEvent | ResyncEvent)[] = [];
    let wake: (() => void) | null = null;
    // Listen before replaying so nothing published in between is lost.
    const off = this.on((event) => {
      queue.push(event);
      wake?.();
    });
    const onAbort = () => wake?.();
    signal?.addEventListener("abort", onAbort);
    try {
      if (lastEventId) queue.unshift(...this.missedAfter(lastEventId, queue));
      while (!signal?.aborted) {
        const next = queue.shift();
        if (next) {
          yield next;
          continue;
        }
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
        wake = null;
      }
    } finally {
      off();
      signal?.removeEventListener("abort", onAbort);
    }
  }

  /** The held events after lastEventId not already queued live, or one ResyncEvent if some are gone. */
  private missedAfter(
    lastEventId: string,
    queued: readonly { id: string }[],
  ): (TrackedEvent | ResyncEvent)[] {
    this.evict();
    const after = this.sequenceOf(lastEventId);
    const oldestHeld = this.buffer[0]?.sequence ?? this.sequence + 1;
    if (after === null || after > this.sequence || after + 1 < oldestHeld) {
      // Tagged with the newest id: every event the subscription receives live comes after it.
      const resync: ResyncEvent = { id: `${this.epoch}-${this.sequence}`, event: { type: "resync" } };
      return [resync];
    }
    const queuedIds = new Set(queued.map((event) => event.id));
    return this.buffer
      .filter((held) => held.sequence > after && !queuedIds.has(held.tracked.id))
      .map((held) => held.tracked);
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
