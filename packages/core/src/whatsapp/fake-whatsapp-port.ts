/**
 * An in-memory WhatsAppPort for unit tests of core logic (ordering, retries, pacing). It knows
 * nothing of the protocol; the simulator covers that. Each send can be scripted to be acked,
 * ignored, refused or to fail transiently.
 */
import type { Described } from "../outbox/detail-codes.js";
import type { SessionRecord, SessionState, SessionStatus } from "../contract.js";
import {
  type AckStatus,
  type OutgoingMedia,
  type OutgoingText,
  type WhatsAppPort,
  type WhatsAppPortEventName,
  type WhatsAppPortEvents,
  WhatsAppSendError,
} from "./port.js";

export type FakeSendBehaviour =
  /** Server ack right after the send (the default). */
  | "ack"
  /** Handed to the socket, then silence: exercises the ack timeout. */
  | "no_ack"
  /** sendText rejects with a transient error (socket gone). */
  | "transient_error"
  /** The server answers 463 (no privacy token for this recipient), reported as a sendError event. */
  | "restricted"
  /** sendText throws a TypeError, as a bug inside the library does: the same on every attempt. */
  | "library_bug"
  /** The socket closes during the send, which then rejects with a transient error. */
  | "drop_during_send";

export interface FakeSend {
  sessionId: string;
  messageId: string;
  to: string;
  text: string | null;
  media: Omit<OutgoingMedia, "to" | "messageId"> | null;
  /** Date.now() when the port received it. */
  at: number;
}

export const FAKE_LINKED_NUMBER = "6281200000000";

type Listeners = { [E in WhatsAppPortEventName]: Set<(payload: WhatsAppPortEvents[E]) => void> };

export class FakeWhatsAppPort implements WhatsAppPort {
  readonly sends: FakeSend[] = [];
  /** Consumed one per send; "ack" once empty. */
  readonly script: FakeSendBehaviour[] = [];
  private readonly notOnWhatsApp = new Set<string>();
  onWhatsAppLookups = 0;
  private readonly listeners: Listeners = {
    qr: new Set(),
    pairingCode: new Set(),
    connecting: new Set(),
    open: new Set(),
    close: new Set(),
    ack: new Set(),
    sendError: new Set(),
    incoming: new Set(),
    privacyToken: new Set(),
    storage: new Set(),
  };

  async start(sessionId: string): Promise<void> {
    this.emit("connecting", { sessionId });
  }
  async stop(sessionId: string): Promise<void> {
    this.emit("close", { sessionId, kind: "connection_closed", statusCode: 428, detail: "stopped" });
  }
  async logout(sessionId: string): Promise<void> {
    this.emit("close", { sessionId, kind: "logged_out", statusCode: 401, detail: "logged out" });
  }
  async close(): Promise<void> {}

  async sendText(sessionId: string, message: OutgoingText): Promise<{ messageId: string }> {
    return this.record(sessionId, message.messageId, message.to, message.text, null);
  }

  async sendMedia(sessionId: string, message: OutgoingMedia): Promise<{ messageId: string }> {
    const { to, messageId, ...media } = message;
    return this.record(sessionId, messageId, to, null, media);
  }

  async isOnWhatsApp(_sessionId: string, number: string): Promise<boolean> {
    this.onWhatsAppLookups += 1;
    return !this.notOnWhatsApp.has(number);
  }

  setNotOnWhatsApp(number: string): void {
    this.notOnWhatsApp.add(number);
  }

  /** Distinct WhatsApp ids received, the way a recipient would count messages. */
  distinctMessageIds(): string[] {
    return [...new Set(this.sends.map((send) => send.messageId))];
  }

  on<E extends WhatsAppPortEventName>(
    event: E,
    listener: (payload: WhatsAppPortEvents[E]) => void,
  ): () => void {
    const set: Set<(payload: WhatsAppPortEvents[E]) => void> = this.listeners[event];
    set.add(listener);
    return () => set.delete(listener);
  }

  emit<E extends WhatsAppPortEventName>(event: E, payload: WhatsAppPortEvents[E]): void {
    const set: Set<(payload: WhatsAppPortEvents[E]) => void> = this.listeners[event];
    for (const listener of [...set]) listener(payload);
  }

  ack(sessionId: string, messageId: string, status: AckStatus): void {
    this.emit("ack", { sessionId, messageId, status });
  }

  private async record(
    sessionId: string,
    messageId: string,
    to: string,
    text: string | null,
    media: FakeSend["media"],
  ): Promise<{ messageId: string }> {
    const behaviour = this.script.shift() ?? "ack";
    if (behaviour === "transient_error") throw new WhatsAppSendError(null, "Connection Closed", true);
    if (behaviour === "library_bug")
      throw new TypeError("Cannot read properties of undefined (reading 'attrs')");
    if (behaviour === "drop_during_send") {
      this.emit("close", { sessionId, kind: "connection_closed", statusCode: 428, detail: "dropped" });
      throw new WhatsAppSendError(428, "Connection Closed", true);
    }
    this.sends.push({ sessionId, messageId, to, text, media, at: Date.now() });
    // Like Baileys, the answer comes from the server after sendMessage has resolved.
    if (behaviour === "ack") setImmediate(() => this.ack(sessionId, messageId, "server_ack"));
    if (behaviour === "restricted") {
      setImmediate(() => this.emit("sendError", { sessionId, messageId, code: 463, detail: "restricted" }));
    }
    return { messageId };
  }
}

/**
 * The slice of the session manager the outbox needs, driven by the fake port's open/close
 * events, so outbox tests do not depend on the session side.
 */
export class FakeSessionLink {
  private state: SessionState = "disconnected";
  private readonly listeners = new Set<(status: SessionStatus) => void>();
  outboxPausedReason: string | null = null;
  outboxPaused: Described | null = null;

  constructor(
    readonly port: FakeWhatsAppPort,
    readonly sessionId = "kabar_test",
  ) {
    port.on("open", () => this.setState("connected"));
    port.on("close", (event) => this.setState(event.kind === "logged_out" ? "logged_out" : "disconnected"));
  }

  connect(): void {
    this.port.emit("open", { sessionId: this.sessionId, linkedNumber: FAKE_LINKED_NUMBER });
  }

  drop(): void {
    this.port.emit("close", {
      sessionId: this.sessionId,
      kind: "connection_closed",
      statusCode: 428,
      detail: "dropped",
    });
  }

  activeSessionId(): string | null {
    return this.sessionId;
  }

  async get(): Promise<SessionRecord> {
    const at = new Date(0).toISOString();
    return {
      id: "fake",
      name: "Kabar test",
      sessionId: this.sessionId,
      phoneNumber: null,
      description: null,
      isActive: true,
      isDefault: true,
      createdAt: at,
      updatedAt: at,
    };
  }

  status(): SessionStatus {
    const now = new Date().toISOString();
    return {
      session: null,
      state: this.state,
      reason: null,
      reasonCode: null,
      qr: null,
      pairingCode: null,
      linkedNumber: this.state === "connected" ? FAKE_LINKED_NUMBER : null,
      lastConnectedAt: null,
      lastDisconnectAt: null,
      lastDisconnectReason: null,
      lastDisconnectCode: null,
      reconnectAttempts: 0,
      outboxPausedReason: this.outboxPausedReason,
      outboxPausedCode: this.outboxPaused?.code ?? null,
      outboxPausedParams: this.outboxPaused?.params ?? null,
      storageProblem: null,
      waWebVersion: null,
      changedAt: now,
    };
  }

  onStatus(listener: (status: SessionStatus) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Tells status listeners, as the session manager's status store does. */
  setOutboxPaused(reason: Described | null): void {
    this.outboxPaused = reason;
    this.outboxPausedReason = reason?.detail ?? null;
    this.setState(this.state);
  }

  private setState(state: SessionState): void {
    this.state = state;
    const status = this.status();
    for (const listener of this.listeners) listener(status);
  }
}
