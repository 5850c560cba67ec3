/**
 * The single WhatsApp session of this process: its record, its live status and its socket, behind
 * core's SessionService. Composes the use cases beside it; the socket policy lives in the supervisor.
 */
import type { Described } from "../outbox/detail-codes.js";
import type { PrismaClient } from "@kabar/db";
import type { Logger } from "pino";
import type { SessionService, SessionStatus } from "../contract.js";
import { SessionNotFoundError } from "../errors.js";
import type { PublishingEventBus } from "../events/event-bus.js";
import { DEFAULT_COUNTRY, normalizePhoneNumber } from "../phone/normalize-phone-number.js";
import { connectSessionInput } from "../schemas.js";
import type { CredentialLocation } from "../whatsapp/adapters/wa-multi-session/database-auth-state.js";
import type { WhatsAppPort } from "../whatsapp/port.js";
import { createCredentialStore } from "./credential-store.js";
import { because, createConnectionSupervisor } from "./connection-supervisor.js";
import { createSession } from "./create-session.js";
import { deleteSession } from "./delete-session.js";
import { parseInput } from "./parse-input.js";
import type { ReconnectOptions } from "./reconnect-backoff.js";
import type { Timers } from "./timers.js";
import type { WaWebVersionResolver } from "./wa-web-version.js";
import { acquireSessionLock, type SessionLock, type SessionLockOptions } from "./session-lock.js";
import { createSessionRepository } from "./session-repository.js";
import { createSessionStatusStore } from "./session-status-store.js";
import { updateSession } from "./update-session.js";
import { createFollowerMirror } from "./follower-mirror.js";

export interface SessionManager extends SessionService {
  /** Takes the process lock and restores the session from its saved credentials (initializeAllSessions). */
  start(): Promise<void>;
  /** sessionId of the one session, null if none exists. */
  activeSessionId(): string | null;
  onStatus(listener: (status: SessionStatus) => void): () => void;
  /** The outbox reports a pause (e.g. 463) so it shows in the status; null clears it. */
  setOutboxPaused(reason: Described | null): void;
  /** Several nodes: this node now owns the session; it writes the status and restores the socket. */
  own(): Promise<void>;
  /** Several nodes: the lease is lost; close the socket at once and mirror the owner's status. */
  fence(): Promise<void>;
  close(): Promise<void>;
}

const NOT_OWNER =
  "This node no longer owns the WhatsApp session (its lease ended); another node takes it over";

export interface SessionManagerDeps {
  db: PrismaClient;
  port: WhatsAppPort;
  sessionsDir: string;
  /** Where the credentials live (the port's own setting); default the folder in sessionsDir. */
  credentials?: CredentialLocation;
  events: PublishingEventBus;
  logger: Logger;
  /** Defaults: first retry within 1 s, cap 60 s, jitter. */
  reconnect?: ReconnectOptions;
  /** The lock file's heartbeat and stale limit (defaults 10 s and 60 s). */
  lock?: Omit<SessionLockOptions, "logger">;
  /** How often heartbeatAt is refreshed while this process holds the session; default 10 s. */
  heartbeatMs?: number;
  /**
   * Country assumed for a number written without one (the session's own number, a pairing-code
   * number); read on every use so a settings change applies at once. Default ID.
   */
  defaultCountry?: () => string;
  /** The supervisor's reconnect timers (a fake clock in tests). */
  timers?: Timers;
  /** Resolves the WhatsApp Web version before every connect. */
  versions?: WaWebVersionResolver;
  /**
   * Several nodes on PostgreSQL: no lock file (the lease decides who owns the session), and until own()
   * this node only mirrors the row the owner writes.
   */
  cluster?: boolean;
}

export function createSessionManager(deps: SessionManagerDeps): SessionManager {
  const { port, sessionsDir, logger } = deps;
  const repository = createSessionRepository(deps.db);
  const store = createSessionStatusStore({
    repository,
    events: deps.events,
    logger,
    heartbeatMs: deps.heartbeatMs,
  });
  const credentials = createCredentialStore(sessionsDir, deps.credentials);
  const supervisor = createConnectionSupervisor({
    port,
    store,
    credentials,
    logger,
    reconnect: deps.reconnect,
    ...(deps.timers ? { timers: deps.timers } : {}),
    ...(deps.versions ? { versions: deps.versions } : {}),
  });
  const defaultCountry = deps.defaultCountry ?? (() => DEFAULT_COUNTRY);
  let lock: SessionLock | null = null;
  const mirror = deps.cluster ? createFollowerMirror({ repository, store, logger }) : null;
  let holding: Promise<void> | null = null;
  let isClosed = false;

  /** Lock first, then load: a second process must refuse before it touches the row or the folder. */
  function hold(): Promise<void> {
    holding ??= (async () => {
      if (deps.cluster) store.setWriter(false);
      else lock = acquireSessionLock(sessionsDir, { logger, ...deps.lock });
      const stored = await repository.findTheOne();
      store.set({
        session: stored?.record ?? null,
        linkedNumber: stored?.linkedNumber ?? null,
        lastConnectedAt: stored?.lastConnectedAt ?? null,
        lastDisconnectAt: stored?.lastDisconnectAt ?? null,
        lastDisconnectReason: stored?.lastDisconnectReason ?? null,
        lastDisconnectCode: stored?.lastDisconnectCode ?? null,
      });
      store.startHeartbeat();
      mirror?.start();
    })().catch((error: unknown) => {
      // Let a later call try again from scratch, not refuse on the lock this failed attempt took.
      lock?.release();
      lock = null;
      holding = null;
      throw error;
    });
    return holding;
  }

  async function requireSession(): Promise<void> {
    await hold();
    // several nodes: the session may have been created through another node since this one loaded it
    if (deps.cluster && !store.current().session) await reloadRecord();
    if (!store.current().session) throw new SessionNotFoundError();
  }

  async function reloadRecord(): Promise<void> {
    const stored = await repository.findTheOne();
    if (stored && store.current().session?.updatedAt !== stored.record.updatedAt) {
      store.set({ session: stored.record });
    }
  }

  function pairingNumber(phoneNumber: string | undefined): string | null {
    if (phoneNumber === undefined) return null;
    return normalizePhoneNumber(phoneNumber, defaultCountry(), "phoneNumber");
  }

  return {
    async start() {
      await hold();
      // several nodes: the socket opens only once this node owns the session (own())
      if (!deps.cluster) await supervisor.restore();
    },
    async own() {
      await hold();
      mirror?.stop();
      store.setWriter(true);
      await reloadRecord();
      supervisor.unfence();
      await supervisor.restore();
    },
    async fence() {
      // first: nothing this node does from now on may overwrite what the new owner writes
      store.setWriter(false);
      // then, here only: not connected, so the worker aborts what is in flight and claims nothing more
      // (the mirror shows the new owner's status within a second)
      store.set({ state: "disconnected", reason: NOT_OWNER, reasonCode: null, qr: null, pairingCode: null });
      await supervisor.fence();
      mirror?.start();
    },
    activeSessionId: () => store.current().session?.sessionId ?? null,
    onStatus: (listener) => store.onStatus(listener),
    setOutboxPaused(reason) {
      const detail = reason?.detail ?? null;
      if (store.current().outboxPausedReason === detail) return;
      store.set({
        outboxPausedReason: detail,
        outboxPausedCode: reason?.code ?? null,
        outboxPausedParams: reason?.params ?? null,
      });
    },
    list: () => repository.list(),
    async get() {
      return (await repository.findTheOne())?.record ?? null;
    },
    async create(input) {
      const record = await createSession({ repository, sessionsDir, defaultCountry }, input);
      if (lock || deps.cluster) store.set({ session: record });
      return record;
    },
    async update(input) {
      const record = await updateSession({ repository, sessionsDir, credentials, defaultCountry }, input);
      if ((lock || deps.cluster) && store.current().session?.id === record.id) store.set({ session: record });
      return record;
    },
    delete: (id) => deleteSession({ repository }, id),
    status: () => store.current(),
    async connect(input = {}) {
      const { phoneNumber } = parseInput(connectSessionInput, input);
      const pairingPhoneNumber = pairingNumber(phoneNumber);
      await requireSession();
      return supervisor.connect({ pairingPhoneNumber });
    },
    async refreshQr() {
      await requireSession();
      return supervisor.refreshQr();
    },
    async requestPairingCode(input) {
      const pairingPhoneNumber = pairingNumber(input.phoneNumber);
      await requireSession();
      return supervisor.connect({ pairingPhoneNumber });
    },
    async disconnect() {
      await requireSession();
      return supervisor.disconnect();
    },
    async takeOver() {
      await requireSession();
      return supervisor.takeOver();
    },
    async logout() {
      await requireSession();
      return supervisor.logout();
    },
    async close() {
      if (isClosed) return;
      isClosed = true;
      mirror?.stop();
      await supervisor.close();
      store.stopHeartbeat();
      if (lock) {
        store.set({ state: "disconnected", ...because("server_stopped"), qr: null, pairingCode: null });
        await store.flush();
        lock.release();
        lock = null;
      }
    },
  };
}
