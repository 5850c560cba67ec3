/**
 * The one live SessionStatus of this process: every change is published on the event bus as
 * `session.state`, told to onStatus listeners and written to the WhatsAppSession row's live columns,
 * whose heartbeatAt tells the status script that a server still holds the session.
 */
import type { Logger } from "pino";
import type { SessionStatus } from "../contract.js";
import type { PublishingEventBus } from "../events/event-bus.js";
import type { SessionRepository } from "./session-repository.js";

export type StatusChange = Partial<Omit<SessionStatus, "changedAt">>;

/** The status script calls a server gone after 45 s without a beat; 10 s leaves room for a slow write. */
export const DEFAULT_HEARTBEAT_MS = 10_000;

export function initialStatus(now = new Date()): SessionStatus {
  return {
    session: null,
    state: "disconnected",
    reason: null,
    reasonCode: null,
    qr: null,
    pairingCode: null,
    linkedNumber: null,
    lastConnectedAt: null,
    lastDisconnectAt: null,
    lastDisconnectReason: null,
    lastDisconnectCode: null,
    reconnectAttempts: 0,
    outboxPausedReason: null,
    outboxPausedCode: null,
    outboxPausedParams: null,
    storageProblem: null,
    waWebVersion: null,
    changedAt: now.toISOString(),
  };
}

export function createSessionStatusStore(deps: {
  repository: SessionRepository;
  events: PublishingEventBus;
  logger: Logger;
  heartbeatMs?: number;
}) {
  const { repository, events, logger } = deps;
  const listeners = new Set<(status: SessionStatus) => void>();
  let status = initialStatus();
  let heartbeat: NodeJS.Timeout | null = null;
  // Writes run one after another so an older state can never land after a newer one.
  let writes: Promise<void> = Promise.resolve();
  // Several nodes: only the owner writes the row; a follower shows what the owner wrote (mirror).
  let isWriter = true;

  function persist(snapshot: SessionStatus): void {
    const id = snapshot.session?.id;
    if (!id || !isWriter) return;
    writes = writes
      .then(() =>
        repository.writeLiveState(
          id,
          {
            state: snapshot.state,
            stateReason: snapshot.reason,
            linkedNumber: snapshot.linkedNumber,
            lastConnectedAt: snapshot.lastConnectedAt,
            lastDisconnectAt: snapshot.lastDisconnectAt,
            lastDisconnectReason: snapshot.lastDisconnectReason,
            lastDisconnectCode: snapshot.lastDisconnectCode,
            reconnectAttempts: snapshot.reconnectAttempts,
          },
          new Date(),
        ),
      )
      .catch((error: unknown) => logger.warn({ err: error }, "could not save the session state"));
  }

  return {
    current: (): SessionStatus => status,
    set(change: StatusChange): SessionStatus {
      status = { ...status, ...change, changedAt: new Date().toISOString() };
      const snapshot = status;
      persist(snapshot);
      events.publish({ type: "session.state", status: snapshot });
      for (const listener of [...listeners]) {
        try {
          listener(snapshot);
        } catch (error) {
          logger.error({ err: error }, "a session status listener failed");
        }
      }
      return snapshot;
    },
    /** False on a follower node: its status mirrors the owner's row and is never written back. */
    setWriter(writer: boolean): void {
      isWriter = writer;
    },
    onStatus(listener: (status: SessionStatus) => void): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    startHeartbeat(): void {
      if (heartbeat) return;
      heartbeat = setInterval(() => {
        const id = status.session?.id;
        if (!id || !isWriter) return;
        writes = writes
          .then(() => repository.writeHeartbeat(id, new Date()))
          .catch((error: unknown) => logger.warn({ err: error }, "could not write the session heartbeat"));
      }, deps.heartbeatMs ?? DEFAULT_HEARTBEAT_MS);
      // The heartbeat alone must not keep a process alive that has nothing else to do.
      heartbeat.unref();
    },
    stopHeartbeat(): void {
      if (heartbeat) clearInterval(heartbeat);
      heartbeat = null;
    },
    /** Resolves once every state written so far is in the database. */
    flush: (): Promise<void> => writes,
  };
}

export type SessionStatusStore = ReturnType<typeof createSessionStatusStore>;
