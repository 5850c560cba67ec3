import {
  BEFORE_FIRST_EVENT_ID,
  type CoreEvent,
  type EventBus,
  type ResyncEvent,
  type TrackedEvent,
} from "../kabar.js";

/** Used as a lastEventId before any event: the bus replays everything, or resyncs if it evicted some. */
export const BEFORE_FIRST_EVENT = BEFORE_FIRST_EVENT_ID;

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

/**
 * The bus's events of one type, plus its ResyncEvent when the events after lastEventId are no longer
 * held: each subscription decides what "re-read the current state" means for its clients.
 */
export async function* eventsOfType<T extends CoreEvent["type"]>(
  events: EventBus,
  type: T,
  options: { lastEventId?: string | null; signal?: AbortSignal | undefined },
): AsyncGenerator<{ id: string; event: Extract<CoreEvent, { type: T }> } | ResyncEvent> {
  const subscribeOptions: { lastEventId?: string | null; signal?: AbortSignal } = {
    lastEventId: options.lastEventId ?? null,
  };
  if (options.signal) subscribeOptions.signal = options.signal;
  for await (const received of events.subscribe(subscribeOptions)) {
    if (isResync(received) || isOfType(received, type)) yield received;
  }
}

export function isResync(received: TrackedEvent | ResyncEvent): received is ResyncEvent {
  return received.event.type === "resync";
}

function isOfType<T extends CoreEvent["type"]>(
  tracked: TrackedEvent | ResyncEvent,
  type: T,
): tracked is TrackedEvent & { event: Extract<CoreEvent, { type: T }> } {
  return tracked.event.type === type;
}
