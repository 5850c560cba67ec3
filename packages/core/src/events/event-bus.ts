import type { CoreEvent, EventBus, TrackedEvent } from "../contract.js";

/**
 * In-process event bus with a replay buffer: each event gets a monotonic id so an SSE client
 * that reconnects with lastEventId receives what it missed (as long as it is still buffered).
 */
export class InMemoryEventBus implements EventBus {
  private readonly listeners = new Set<(event: TrackedEvent) => void>();
  private readonly buffer: TrackedEvent[] = [];
  private sequence = 0;
  /** Ids restart with each process; the prefix keeps a stale lastEventId from matching a new event. */
  private readonly epoch = Date.now().toString(36);

  constructor(private readonly bufferSize = 1000) {}

  publish(event: CoreEvent): TrackedEvent {
    this.sequence += 1;
    const tracked: TrackedEvent = { id: `${this.epoch}-${this.sequence}`, event };
    this.buffer.push(tracked);
    if (this.buffer.length > this.bufferSize) this.buffer.shift();
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

  async *subscribe(options: { lastEventId?: string | null; signal?: AbortSignal } = {}): AsyncIterable<TrackedEvent> {
    const { lastEventId, signal } = options;
    const queue: TrackedEvent[] = [];
    let wake: (() => void) | null = null;
    // Listen before replaying so nothing published in between is lost.
    const off = this.on((event) => {
      queue.push(event);
      wake?.();
    });
    const onAbort = () => wake?.();
    signal?.addEventListener("abort", onAbort);
    try {
      if (lastEventId) {
        const index = this.buffer.findIndex((event) => event.id === lastEventId);
        // An id no longer buffered (or from an earlier process): replay all we still hold.
        const missed = this.buffer.slice(index + 1);
        const queuedIds = new Set(queue.map((event) => event.id));
        queue.unshift(...missed.filter((event) => !queuedIds.has(event.id)));
      }
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
}
