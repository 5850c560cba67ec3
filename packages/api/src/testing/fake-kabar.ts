/**
 * An in-memory Kabar of core's contract, for fast caller and REST tests of the API's own wiring
 * (auth, validation, error mapping, HTTP). It proves nothing about WhatsApp: the tests in
 * test/real use createKabar with the simulator for that.
 */
import { randomUUID } from "node:crypto";
import {
  DEFAULT_SETTINGS,
  DefaultSessionUndeletableError,
  InMemoryEventBus,
  initialStatus,
  KabarError,
  MessageNotFoundError,
  type MessageStatus,
  OptedOutError,
  SessionAlreadyExistsError,
  SessionNotFoundError,
} from "@kabar/core";
import type {
  InboundMessageRecord,
  Kabar,
  MessageRecord,
  SessionRecord,
  SessionStatus,
  Settings,
} from "../kabar.js";

import { createFakeInbox } from "./fake-inbox.js";

const now = () => new Date().toISOString();

export class FakeKabar implements Kabar {
  readonly events = new InMemoryEventBus();
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
  reconnects = 0;
  isDatabaseUp = true;

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
      if (this.session) throw new SessionAlreadyExistsError(this.session);
      const at = now();
      this.session = {
        id: randomUUID(),
        name: input.name.trim(),
        sessionId: input.sessionId,
        phoneNumber: input.phoneNumber ?? null,
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
        ...(input.phoneNumber === undefined ? {} : { phoneNumber: input.phoneNumber }),
        ...(input.description === undefined ? {} : { description: input.description }),
        updatedAt: now(),
      };
      return this.session;
    },
    delete: async (id) => {
      const existing = this.requireSession();
      if (existing.id !== id) throw new SessionNotFoundError(`No WhatsApp session with id "${id}".`);
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
    logout: async () =>
      this.setState({
        state: "logged_out",
        qr: null,
        linkedNumber: null,
        lastDisconnectReason: "logged out",
      }),
  };

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
      const to = input.to.replace(/\D/g, "").replace(/^0/, "62");
      if (to.length < 8)
        throw new KabarError("INVALID_INPUT", `to: "${input.to}" is not a phone number`, "to");
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
        createdAt: at,
        updatedAt: at,
        sentAt: null,
        deliveredAt: null,
        readAt: null,
        failedAt: null,
        events: [{ status: "queued", detail: null, at }],
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
          (!input.to || message.to === input.to),
      );
      return { items: items.slice(0, input.limit ?? 25), nextCursor: null };
    },
    resend: async (id) => {
      const message = this.messagesById.get(id);
      if (!message) throw new MessageNotFoundError(id);
      if (message.status !== "failed")
        throw new KabarError("MESSAGE_NOT_RESENDABLE", "Only a failed message can be resent.");
      return this.setMessageStatus(id, "queued");
    },
    inbound: async (input) => ({ items: this.inbound.slice(0, input.limit ?? 25), nextCursor: null }),
    countByStatus: async () => {
      const counts: Record<MessageStatus, number> = {
        queued: 0,
        sending: 0,
        sent: 0,
        delivered: 0,
        read: 0,
        failed: 0,
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

  readonly settings: Kabar["settings"] = {
    get: async () => this.currentSettings,
    update: async (input) => {
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
    };
  }

  stats() {
    return {
      reconnects: this.reconnects,
      sendLatencyMs: [...this.latencies],
      lastDisconnectReason: this.current.lastDisconnectReason,
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
