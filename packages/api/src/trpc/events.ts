import type { CoreEvent, EventBus, TrackedEvent } from "../kabar.js";

/** Used as a lastEventId that matches nothing, so the bus replays everything it still holds. */
export const BEFORE_FIRST_EVENT = "0";

const latestIds = new WeakMap<EventBus, { id: string | null }>();

/**
 * Remembers the id of the newest event on the bus, so a snapshot can be tagged with the event it
 * reflects and the live stream resumed right after it. Idempotent per bus.
 */
export function watchLatestEventId(events: EventBus): { id: string | null } {
  const existing = latestIds.get(events);
  if (existing) return existing;
  const latest: { id: string | null } = { id: null };
  events.on((event) => {
    latest.id = event.id;
  });
  latestIds.set(events, latest);
  return latest;
}

export async function* eventsOfType<T extends CoreEvent["type"]>(
  events: EventBus,
  type: T,
  options: { lastEventId?: string | null; signal?: AbortSignal | undefined },
): AsyncGenerator<{ id: string; event: Extract<CoreEvent, { type: T }> }> {
  const subscribeOptions: { lastEventId?: string | null; signal?: AbortSignal } = {
    lastEventId: options.lastEventId ?? null,
  };
  if (options.signal) subscribeOptions.signal = options.signal;
  for await (const tracked of events.subscribe(subscribeOptions)) {
    if (isOfType(tracked, type)) yield { id: tracked.id, event: tracked.event };
  }
}

function isOfType<T extends CoreEvent["type"]>(
  tracked: TrackedEvent,
  type: T,
): tracked is TrackedEvent & { event: Extract<CoreEvent, { type: T }> } {
  return tracked.event.type === type;
}
