import type { Logger } from "pino";
import type { SessionStatus } from "../contract.js";
import type { PublishingEventBus } from "../events/event-bus.js";
import type { MessageStatus } from "../schemas.js";
import type { SettingsStore } from "../settings/settings-service.js";
import type { WhatsAppPort } from "../whatsapp/port.js";
import type { Described } from "./detail-codes.js";
import type { MediaStore } from "./media-store.js";
import type { OutboxRepository, OutboxRow, Transition } from "./outbox-repository.js";

/** The slice of the session manager the outbox needs; SessionManager satisfies it. */
export interface OutboxSession {
  activeSessionId(): string | null;
  status(): SessionStatus;
  onStatus(listener: (status: SessionStatus) => void): () => void;
  /** The pause's English words with their code (detail-codes.ts); null: not paused. */
  setOutboxPaused(reason: Described | null): void;
}

/** Injectable so tests can move to "tomorrow" for the daily cap without waiting a day. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

export interface OutboxDependencies {
  repository: OutboxRepository;
  port: WhatsAppPort;
  session: OutboxSession;
  settings: SettingsStore;
  events: PublishingEventBus;
  logger: Logger;
  clock: Clock;
  /** Where media bytes live (`<data>/media/<sha256>`). */
  mediaStore: MediaStore;
}

/**
 * Applies a status change and, when it applied, tells the bus. The one way outbox code changes
 * a message, so the database timeline and the live events never disagree.
 */
export async function changeStatus(
  deps: Pick<OutboxDependencies, "repository" | "events" | "clock">,
  row: Pick<OutboxRow, "id" | "to">,
  change: Transition & { publish: MessageStatus },
): Promise<boolean> {
  const applied = await deps.repository.transition(row.id, change);
  if (applied) publishStatus(deps, row, change);
  return applied;
}

/**
 * The same for the claim before a send, without waiting for the timeline line: the bus hears as
 * soon as the status is written. Resolves with null when the change did not apply, else with the
 * line's write, which resolves to its error or null (it never rejects, so it can be awaited after
 * the send); the caller must await it. (In an object: an async function would wait for a promise.)
 */
export async function changeStatusBeforeTimeline(
  deps: Pick<OutboxDependencies, "repository" | "events" | "clock">,
  row: Pick<OutboxRow, "id" | "to">,
  change: Transition & { publish: MessageStatus },
): Promise<{ timelineError: Promise<unknown> } | null> {
  const applied = await deps.repository.transitionBeforeTimeline(row.id, change);
  if (applied === null) return null;
  publishStatus(deps, row, change);
  return {
    timelineError: applied.timeline.then(
      () => null,
      (error: unknown) => error,
    ),
  };
}

/** Tells the bus a message's status changed (after it was written). */
export function publishStatus(
  deps: Pick<OutboxDependencies, "events" | "clock">,
  row: Pick<OutboxRow, "id" | "to">,
  change: { publish: MessageStatus; event: { detail: string | null } },
): void {
  deps.events.publish({
    type: "message.status",
    message: {
      id: row.id,
      to: row.to,
      status: change.publish,
      detail: change.event.detail,
      at: new Date(deps.clock.now()).toISOString(),
    },
  });
}
