import type { TrackedEvent, ResyncEvent } from "../contract.js";

export type StreamedEvent = TrackedEvent | ResyncEvent;
export type SubscribeOptions = { lastEventId?: string | null; signal?: AbortSignal };

/** What a resuming subscription yields first, and which live events queued meanwhile still count. */
export interface Replay {
  head: StreamedEvent[];
  /** False for a live event the head already covers; default: every live event counts. */
  keep?: (event: TrackedEvent) => boolean;
}

/**
 * A subscription's loop, shared by the buses: listen first, then, given a lastEventId, yield what
 * `replay` says was missed (or a resync), then the live events, until the signal aborts.
 */
export async function* streamEvents(
  on: (listener: (event: TrackedEvent) => void) => () => void,
  options: SubscribeOptions,
  replay: (lastEventId: string) => Replay | Promise<Replay>,
): AsyncIterable<StreamedEvent> {
  const { lastEventId, signal } = options;
  const queue: StreamedEvent[] = [];
  let wake: (() => void) | null = null;
  // Listen before replaying so nothing published in between is lost.
  const off = on((event) => {
    queue.push(event);
    wake?.();
  });
  const onAbort = () => wake?.();
  signal?.addEventListener("abort", onAbort);
  try {
    if (lastEventId) {
      const { head, keep } = await replay(lastEventId);
      // live events that arrived while the replay was read: after it, minus what it already holds
      const live = (queue.splice(0) as TrackedEvent[]).filter((event) => keep?.(event) ?? true);
      queue.push(...head, ...live);
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
