/**
 * An in-memory Kabar of core's contract, for fast caller and REST tests of the API's own wiring
 * (auth, validation, error mapping, HTTP). It proves nothing about WhatsApp: the tests in
 * test/real use createKabar with the simulator for that.
 */
import { randomUUID } from "node:crypto";
import {
  assertSupportedCountry,
  dayWindows,
  DEFAULT_SETTINGS,
  DefaultSessionUndeletableError,
  InMemoryEventBus,
  createSingleProcessChangeFeed,
  initialStatus,
  KabarError,
  MessageNotCancellableError,
  MessageNotFoundError,
  normalizePhoneNumber,
  type OnWhatsAppAnswer,
  type MessageStatus,
  OptedOutError,
  phoneSearchDigits,
  SEND_LATENCY_BUCKETS_MS,
  SessionAlreadyExistsError,
  SessionNotFoundError,
} from "@kabar/core";
import type {
  ClusterInfo,
  DashboardStats,
  InboundMessageRecord,
  Kabar,
  MessageRecord,
  SessionRecord,
  SessionStatus,
  Settings,
} from "../kabar.js";

import { createFakeBroadcasts } from "./fake-broadcasts.js";
import { createFakeInbox } from "./fake-inbox.js";

const now = () => new Date().toISOString();

export class FakeKabar implements Kabar {
  readonly events = new InMemoryEventBus();
  readonly changes = createSingleProcessChangeFeed();
  private session: SessionRecord | null = null;
  private current: SessionStatus = initialStatus();
  private readonly messagesById = new Map<string, MessageRecord>();
  /** What `messages.inbound` answers; tests push records here. */
  readonly inbound: InboundMessageRecord[] = [];
  private readonly latencies: number[] = [];
  private currentSettings: Settings = {
    ...DEFAULT_SETTINGS,
    minGapMs: 0,
    maxGapMs: 0,
    perRecipientGapMs: 0,
  };
  private pausedByHand: string | null = null;
  private pausedByHandReason: string | null = null;
  /** On-WhatsApp answers by number, as the worker would have cached them. */
  readonly onWhatsAppAnswers = new Map<string, OnWhatsAppAnswer>();
  reconnects = 0;
  isDatabaseUp = true;
  /** What `cluster()` answers: one node on its own unless a test says otherwise. */
  clusterInfo: ClusterInfo = {
    mode: "single",
    nodeId: "fake-node:0",
    isOwner: true,
    ownerNodeId: "fake-node:0",
    ownerSince: new Date(),
    leaseExpiresAt: null,
  };

  private setState(patch: Partial<SessionStatus>): SessionStatus {
    this.current = { ...this.current, session: this.session, ...patch, changedAt: now() };
    this.events.publish({ type: "session.state", status: this.current });
    return this.current;
  }

  private requireSession(): SessionRecord {
    if (!this.session) throw new SessionNotFoundError();
    return this.session;
  }

  readonly sessions: Kabar["sessions"] = {
    list: async () => (this.session ? [this.session] : []),
    get: async () => this.session,
    create: async (input) => {
      // Bad input is refused before the one-session rule, as in core.
      const phoneNumber = this.sessionNumber(input.phoneNumber) ?? null;
      if (this.session) throw new SessionAlreadyExistsError(this.session);
      const at = now();
      this.session = {
        id: randomUUID(),
        name: input.name.trim(),
        sessionId: input.sessionId,
        phoneNumber,
        description: input.description ?? null,
        isActive: true,
        isDefault: true,
        createdAt: at,
        updatedAt: at,
      };
      this.current = { ...this.current, session: this.session };
      return this.session;
    },
    update: async (input) => {
      const existing = this.requireSession();
      if (existing.id !== input.id)
        throw new SessionNotFoundError(`No WhatsApp session with id "${input.id}".`);
      this.session = {
        ...existing,
        ...(input.name === undefined ? {} : { name: input.name }),
        ...(input.sessionId === undefined ? {} : { sessionId: input.sessionId }),
        ...(input.phoneNumber === undefined ? {} : { phoneNumber: this.sessionNumber(input.phoneNumber) }),
        ...(input.description === undefined ? {} : { description: input.description }),
        updatedAt: now(),
      };
      return this.session;
    },
    delete: async (id) => {
      const existing = this.requireSession();
      if (existing.id !== id && existing.sessionId !== id)
        throw new SessionNotFoundError(`No WhatsApp session with id or sessionId "${id}".`);
      throw new DefaultSessionUndeletableError(existing.name);
    },
    status: () => this.current,
    connect: async (input) => {
      this.requireSession();
      if (input?.phoneNumber) return this.sessions.requestPairingCode({ phoneNumber: input.phoneNumber });
      return this.setState({ state: "waiting_qr", qr: nextQr(), reason: "scan the QR" });
    },
    refreshQr: async () => this.setState({ state: "waiting_qr", qr: nextQr() }),
    requestPairingCode: async ({ phoneNumber }) => {
      this.requireSession();
      return this.setState({
        state: "waiting_pairing_code",
        pairingCode: { code: "ABCD-EFGH", phoneNumber },
      });
    },
    disconnect: async () =>
      this.setState({ state: "disconnected", qr: null, reason: "disconnected by the admin" }),
    takeOver: async () => {
      this.requireSession();
      return this.setState({ state: "connected", reason: "taken over on this server" });
    },
    logout: async () =>
      this.setState({
        state: "logged_out",
        qr: null,
        linkedNumber: null,
        lastDisconnectReason: "logged out",
        lastDisconnectCode: "logged_out",
      }),
  };

  /** Core's rule for the session's own number, as createKabar applies it. */
  private sessionNumber(phoneNumber: string | null | undefined): string | null | undefined {
    return typeof phoneNumber === "string"
      ? normalizePhoneNumber(phoneNumber, this.currentSettings.defaultCountry, "phoneNumber")
      : phoneNumber;
  }

  /** What the simulator's phone does when it scans: the session opens. */
  scan(linkedNumber = "6281234567890"): SessionStatus {
    return this.setState({
      state: "connected",
      qr: null,
      pairingCode: null,
      linkedNumber,
      lastConnectedAt: now(),
    });
  }

  /** What the supervisor reports when WhatsApp refuses or replaces the session. */
  refuse(state: "client_too_old" | "banned" | "replaced", reason: string): SessionStatus {
    return this.setState({ state, reason, qr: null });
  }

  /** The version the last socket announced and where it came from. */
  setWaWebVersion(waWebVersion: SessionStatus["waWebVersion"]): SessionStatus {
    return this.setState({ waWebVersion });
  }

  /** What the adapter reports when wa_sessions/ refuses writes (a problem) and once they land (null). */
  setStorageProblem(problem: string | null): SessionStatus {
    return this.setState({ storageProblem: problem });
  }

  readonly messages: Kabar["messages"] = {
    send: async (input) => {
      const duplicate = [...this.messagesById.values()].find(
        (message) => input.idempotencyKey !== undefined && message.idempotencyKey === input.idempotencyKey,
      );
      if (duplicate) {
        return {
          id: duplicate.id,
          status: duplicate.status,
          to: duplicate.to,
          usedDefaultSession: false,
          duplicate: true,
        };
      }
      const to = normalizePhoneNumber(input.to, this.currentSettings.defaultCountry);
      if (input.force !== true && this.fakeInbox.optedOut.has(to)) throw new OptedOutError(to);
      const at = now();
      const message: MessageRecord = {
        id: randomUUID(),
        to,
        type: "text",
        text: input.message,
        fileName: null,
        status: "queued",
        idempotencyKey: input.idempotencyKey ?? null,
        waMessageId: randomUUID(),
        attempts: 0,
        lastError: null,
        lastErrorCode: null,
        lastErrorParams: null,
        holdLink: null,
        createdAt: at,
        updatedAt: at,
        sentAt: null,
        deliveredAt: null,
        readAt: null,
        failedAt: null,
        events: [{ status: "queued", detail: null, code: null, params: null, at }],
      };
      this.messagesById.set(message.id, message);
      this.publishMessage(message);
      return { id: message.id, status: message.status, to, usedDefaultSession: false, duplicate: false };
    },
    sendMedia: async () => {
      throw new KabarError("MEDIA_TOO_LARGE", "media is not faked");
    },
    get: async (id) => this.messagesById.get(id) ?? null,
    list: async (input) => {
      const items = [...this.messagesById.values()].filter(
        (message) =>
          (input.status === undefined || message.status === input.status) &&
          (!input.to ||
            message.to.includes(phoneSearchDigits(input.to, this.currentSettings.defaultCountry))),
      );
      return { items: items.slice(0, input.limit ?? 25), nextCursor: null };
    },
    resend: async (id) => {
      const message = this.messagesById.get(id);
      if (!message) throw new MessageNotFoundError(id);
      if (message.status !== "failed" && message.status !== "held")
        throw new KabarError("MESSAGE_NOT_RESENDABLE", "Only a failed or held message can be resent.");
      return this.setMessageStatus(id, "queued");
    },
    inbound: async (input) => ({ items: this.inbound.slice(0, input.limit ?? 25), nextCursor: null }),
    cancel: async (id) => {
      const message = this.messagesById.get(id);
      if (!message) throw new MessageNotFoundError(id);
      if (message.status !== "queued" && message.status !== "held")
        throw new MessageNotCancellableError(id, message.status);
      return this.setMessageStatus(id, "cancelled");
    },
    countByStatus: async () => {
      const counts: Record<MessageStatus, number> = {
        queued: 0,
        sending: 0,
        held: 0,
        sent: 0,
        delivered: 0,
        read: 0,
        failed: 0,
        cancelled: 0,
      };
      for (const message of this.messagesById.values()) counts[message.status] += 1;
      return counts;
    },
  };

  /** Moves a message along, as the worker and receipts would. */
  setMessageStatus(id: string, status: MessageStatus, latencyMs?: number): MessageRecord {
    const message = this.messagesById.get(id);
    if (!message) throw new MessageNotFoundError(id);
    const updated = { ...message, status, updatedAt: now() };
    this.messagesById.set(id, updated);
    if (latencyMs !== undefined) this.latencies.push(latencyMs);
    this.publishMessage(updated);
    return updated;
  }

  private publishMessage(message: MessageRecord) {
    this.events.publish({
      type: "message.status",
      message: {
        id: message.id,
        to: message.to,
        status: message.status,
        detail: null,
        at: message.updatedAt,
      },
    });
  }

  private readonly fakeInbox = createFakeInbox({
    inbound: this.inbound,
    send: (input) => this.messages.send(input),
  });
  readonly inbox = this.fakeInbox.inbox;
  readonly broadcasts = createFakeBroadcasts();
  readonly optOuts = this.fakeInbox.optOuts;
  readonly autoReplies = this.fakeInbox.autoReplies;
  readonly alerts: Kabar["alerts"] = {
    open: () => [],
    test: () => {
      const alert = { kind: "test" as const, phase: "raised" as const, reason: null, at: now() };
      this.events.publish({ type: "alert", alert });
      return alert;
    },
  };

  /** What `dashboard.stats` answers; tests replace it. Core's counting is tested in core. */
  dashboardStats: DashboardStats = {
    timeZone: DEFAULT_SETTINGS.timeZone,
    days: dayWindows(Date.now(), DEFAULT_SETTINGS.timeZone).map(({ day }) => ({
      day,
      sent: 0,
      delivered: 0,
      read: 0,
      failed: 0,
    })),
    deliveryRate: null,
    medianDeliveryMs: null,
    outbox: { queued: 0, waiting: 0, held: 0, sending: 0, depth: 0 },
    runningBroadcast: null,
  };
  readonly dashboard: Kabar["dashboard"] = { stats: async () => this.dashboardStats };

  readonly outbox: Kabar["outbox"] = {
    state: () => ({
      pausedReason: this.pausedByHand,
      pausedCode: this.pausedByHand === null ? null : "paused_by_hand",
      pausedParams: this.pausedByHand === null ? null : { reason: this.pausedByHandReason },
      isPausedByHand: this.pausedByHand !== null,
    }),
    pause: async (input) => {
      this.pausedByHand = input?.reason ?? "paused by hand";
      this.pausedByHandReason = input?.reason ?? null;
      this.setState({
        outboxPausedReason: this.pausedByHand,
        outboxPausedCode: "paused_by_hand",
        outboxPausedParams: { reason: input?.reason ?? null },
      });
      return this.outbox.state();
    },
    resume: async () => {
      this.pausedByHand = null;
      this.setState({ outboxPausedReason: null, outboxPausedCode: null, outboxPausedParams: null });
      return this.outbox.state();
    },
  };

  readonly onWhatsApp: Kabar["onWhatsApp"] = {
    list: async () => [...this.onWhatsAppAnswers.values()],
    clear: async (input) => {
      const number = normalizePhoneNumber(input.number, this.currentSettings.defaultCountry);
      return { cleared: this.onWhatsAppAnswers.delete(number) };
    },
  };

  readonly settings: Kabar["settings"] = {
    get: async () => this.currentSettings,
    update: async (input) => {
      if (input.defaultCountry !== undefined) assertSupportedCountry(input.defaultCountry);
      this.currentSettings = { ...this.currentSettings, ...stripUndefined(input) };
      return this.currentSettings;
    },
  };

  async health() {
    const counts = await this.messages.countByStatus();
    return {
      ok: this.isDatabaseUp,
      database: this.isDatabaseUp,
      session: { state: this.current.state, reason: this.current.reason },
      outboxDepth: counts.queued + counts.sending,
      credentialsWritable: this.current.storageProblem === null,
      storageProblem: this.current.storageProblem,
      waWebVersion: this.current.waWebVersion,
    };
  }

  cluster(): ClusterInfo {
    return { ...this.clusterInfo };
  }

  stats() {
    return {
      reconnects: this.reconnects,
      sendLatencyMs: [...this.latencies],
      // Cumulative over every latency ever set, like core's histogram.
      sendLatency: {
        buckets: SEND_LATENCY_BUCKETS_MS.map((le) => ({
          le,
          count: this.latencies.filter((ms) => ms <= le).length,
        })),
        count: this.latencies.length,
        sum: this.latencies.reduce((sum, ms) => sum + ms, 0),
      },
      lastDisconnectReason: this.current.lastDisconnectReason,
      lastDisconnectCode: this.current.lastDisconnectCode,
    };
  }

  async close() {}
}

let qrCounter = 0;
function nextQr() {
  qrCounter += 1;
  return { value: `2@fake-qr-${qrCounter}`, expiresAt: new Date(Date.now() + 60_000).toISOString() };
}

function stripUndefined<T extends object>(input: T): Partial<T> {
  return Object.fromEntries(Object.entries(input).filter(([, value]) => value !== undefined)) as Partial<T>;
}
