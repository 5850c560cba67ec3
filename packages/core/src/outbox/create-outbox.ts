import type { PrismaClient } from "@kabar/db";
import { described } from "./detail-codes.js";
import { eventFor, lastErrorFor } from "./described-columns.js";
import type { Logger } from "pino";
import type {
  MessageRecord,
  MessageService,
  OnWhatsAppAnswerService,
  OutboxService,
  SessionRecord,
} from "../contract.js";
import { KabarError, SessionNotFoundError } from "../errors.js";
import type { PublishingEventBus } from "../events/event-bus.js";
import type { SettingsStore } from "../settings/settings-service.js";
import type { WhatsAppPort } from "../whatsapp/port.js";
import type { MessageStatus } from "../schemas.js";
import {
  type Clock,
  changeStatus,
  type OutboxSession,
  publishStatus,
  systemClock,
} from "./outbox-context.js";
import { createMessageRecords } from "./message-records.js";
import type { MediaStore } from "./media-store.js";
import { createOutboxRepository } from "./outbox-repository.js";
import { cancelMessage } from "./cancel-message.js";
import { createOnWhatsAppAnswers } from "./on-whatsapp-answers.js";
import { createOutboxControls } from "./outbox-controls.js";
import { createOutboxWorker, type OutboxWorker } from "./outbox-worker.js";
import { type SendDependencies, sendMedia, sendMessage } from "./send-message.js";

export interface OutboxOptions {
  db: PrismaClient;
  port: WhatsAppPort;
  session: OutboxSession & { get(): Promise<SessionRecord | null> };
  settings: SettingsStore;
  events: PublishingEventBus;
  logger: Logger;
  clock?: Clock;
  random?: () => number;
  /** Default 30 s. */
  ackTimeoutMs?: number;
  /** Default 15 min. */
  restrictedCooldownMs?: number;
  /** The opt-out list checked before a single send. */
  isOptedOut?: (phone: string) => Promise<boolean>;
  /** The first transient failure's backoff; default 30 s. */
  retryBaseDelayMs?: number;
  /** Where media bytes live, once each, by SHA-256. */
  mediaStore: MediaStore;
  /**
   * Called beside the local wake whenever a message is queued (accepted, retried, requeued): in a
   * cluster it NOTIFYs kabar_outbox, so the owner's worker wakes wherever the message was accepted.
   */
  announceQueued?: () => void;
}

export interface Outbox {
  /** The outbox's side of the message service; inbound messages are the inbox's. */
  messages: Omit<MessageService, "inbound">;
  controls: OutboxService;
  onWhatsApp: OnWhatsAppAnswerService;
  worker: OutboxWorker;
  /** Queued + sending, for health. */
  depth(): Promise<number>;
  /** Deletes media files no message names (any status) and temp files a crash left; returns how many. */
  pruneMedia(): Promise<number>;
  /** Messages that reached "sent" since an instant (the daily cap's count; broadcasts' ETA). */
  sentSince(since: Date): Promise<number>;
  /** Publishes the status of every message changed since `since` again; returns how many. */
  announceChangedSince(since: Date): Promise<number>;
  /**
   * Queues a cancelled message again with the same WhatsApp id: how a paused broadcast gets back
   * the messages its pause took out of the queue. False when the message is not cancelled.
   */
  requeueCancelled(id: string): Promise<boolean>;
  /** Cancels a queued or held message for its broadcast, whose timeline then says which control did it. */
  cancelForBroadcast(id: string, why: "broadcast_paused" | "broadcast_cancelled"): Promise<MessageRecord>;
}

/** Wires the outbox: the write side (send), the read side (records) and the single worker. */
export function createOutbox(options: OutboxOptions): Outbox {
  const clock = options.clock ?? systemClock;
  const repository = createOutboxRepository(options.db);
  const records = createMessageRecords(options.db, () => options.settings.current().defaultCountry);
  const worker = createOutboxWorker({
    ...options,
    repository,
    clock,
    ackTimeoutMs: options.ackTimeoutMs ?? 30_000,
    restrictedCooldownMs: options.restrictedCooldownMs ?? 15 * 60_000,
  });
  const queued = () => {
    worker.wake();
    options.announceQueued?.();
  };
  const sendDeps: SendDependencies = {
    repository,
    events: options.events,
    settings: options.settings,
    clock,
    mediaStore: options.mediaStore,
    wake: queued,
    reserveHandOff: () => worker.reserveHandOff(),
    ...(options.isOptedOut ? { isOptedOut: options.isOptedOut } : {}),
    async resolveSession(sessionName) {
      // The session manager keeps the one session in memory once it holds the lock (after
      // start(), which createKabar awaits) and replaces it on create and update; the row
      // cannot be deleted. So read the database only while that copy is empty: before start,
      // or when no session exists, which then gets the clear error below.
      const session = options.session.status().session ?? (await options.session.get());
      if (!session)
        throw new SessionNotFoundError("No WhatsApp session exists yet; create one before sending.");
      // One session: any other name falls back to it, as the seed did, and the result says so.
      const matches =
        sessionName === undefined || sessionName === session.name || sessionName === session.sessionId;
      return { sessionId: session.sessionId, usedDefaultSession: !matches };
    },
  };

  const messages: Outbox["messages"] = {
    send: (input, sendOptions) => sendMessage(sendDeps, input, sendOptions),
    sendMedia: (type, input, sendOptions) => sendMedia(sendDeps, type, input, sendOptions),
    get: (id) => records.get(id),
    list: (input) => records.list(input),
    countByStatus: () => records.countByStatus(),
    cancel: (id) => cancelMessage({ repository, events: options.events, clock }, records, id),
    async resend(id) {
      const record = await records.require(id);
      if (record.status === "queued" && worker.pausedReason() !== null) {
        // Resending a message held by a 463 pause is how a person says "try again now".
        worker.resume();
        return record;
      }
      if (record.status !== "failed" && record.status !== "held") {
        throw new KabarError(
          "MESSAGE_NOT_RESENDABLE",
          `Message ${id} is ${record.status}; only failed or held messages can be resent.`,
        );
      }
      await changeStatus({ repository, events: options.events, clock }, record, {
        from: [record.status],
        data: {
          status: "queued",
          nextAttemptAt: new Date(clock.now()),
          failedAt: null,
          ...lastErrorFor(null),
          failedAttempts: 0,
        },
        event: eventFor("retry", described("resent_by_hand", {})),
        publish: "queued",
      });
      worker.resume();
      queued();
      return records.require(id);
    },
  };

  return {
    messages,
    controls: createOutboxControls(worker),
    onWhatsApp: createOnWhatsAppAnswers(repository, options.settings),
    worker,
    depth: () => repository.depth(),
    pruneMedia: () => options.mediaStore.prune((sha256) => repository.isMediaReferenced(sha256)),
    sentSince: (since) => repository.sentSince(since),
    /**
     * Several nodes: publishes again the status of every message changed since `since`. A node killed
     * right after writing a status may not have handed its event to the other nodes yet; the new owner
     * announcing what changed during the old one's last lease means no subscription misses a final status
     * (a status seen twice is harmless: it is the same status).
     */
    async announceChangedSince(since: Date): Promise<number> {
      const rows = await repository.changedSince(since);
      for (const row of rows) {
        publishStatus({ events: options.events, clock }, row, {
          publish: row.status as MessageStatus,
          event: { detail: row.lastError },
        });
      }
      return rows.length;
    },
    cancelForBroadcast: (id, why) =>
      cancelMessage({ repository, events: options.events, clock }, records, id, why),
    async requeueCancelled(id) {
      const row = await repository.findById(id);
      if (!row) return false;
      const requeued = await changeStatus({ repository, events: options.events, clock }, row, {
        from: ["cancelled"],
        data: { status: "queued", nextAttemptAt: new Date(clock.now()) },
        event: eventFor("retry", described("broadcast_resumed", {})),
        publish: "queued",
      });
      if (requeued) queued();
      return requeued;
    },
  };
}
