/**
 * A WhatsAppPort whose socket events the test plays by hand, with the real adapter's contract:
 * start() only starts (events follow), stop()/logout() are deliberate and emit no "close".
 * For session-policy tests that must not depend on the simulator's timing.
 */
import { PortEventEmitter } from "../../src/whatsapp/adapters/port-event-emitter.js";
import type {
  DisconnectKind,
  WhatsAppPort,
  WhatsAppPortEventName,
  WhatsAppPortEvents,
} from "../../src/whatsapp/port.js";

export interface PortCall {
  method: "start" | "stop" | "logout";
  sessionId: string;
  pairingPhoneNumber?: string;
}

const STATUS_CODES: Record<DisconnectKind, number | null> = {
  connection_closed: 428,
  connection_lost: 408,
  restart_required: 515,
  connection_replaced: 440,
  logged_out: 401,
  qr_expired: 408,
  client_too_old: 405,
  banned: 403,
  service_unavailable: 503,
  other: 500,
};

export class ScriptedWhatsAppPort implements WhatsAppPort {
  readonly calls: PortCall[] = [];
  private readonly events = new PortEventEmitter((error) => {
    throw error;
  });

  starts(): number {
    return this.calls.filter((call) => call.method === "start").length;
  }

  async start(sessionId: string, options?: { pairingPhoneNumber?: string }): Promise<void> {
    this.calls.push({ method: "start", sessionId, ...options });
    this.events.emit("connecting", { sessionId });
  }
  async stop(sessionId: string): Promise<void> {
    this.calls.push({ method: "stop", sessionId });
  }
  async logout(sessionId: string): Promise<void> {
    this.calls.push({ method: "logout", sessionId });
  }
  async sendText(_sessionId: string, message: { messageId: string }) {
    return { messageId: message.messageId };
  }
  async sendMedia(_sessionId: string, message: { messageId: string }) {
    return { messageId: message.messageId };
  }
  async isOnWhatsApp(): Promise<boolean> {
    return true;
  }
  on<E extends WhatsAppPortEventName>(
    event: E,
    listener: (payload: WhatsAppPortEvents[E]) => void,
  ): () => void {
    return this.events.on(event, listener);
  }
  async close(): Promise<void> {
    this.events.clear();
  }

  /** Plays what the adapter would report. */
  emit<E extends WhatsAppPortEventName>(event: E, payload: WhatsAppPortEvents[E]): void {
    this.events.emit(event, payload);
  }
  qr(sessionId: string, qr = "ref,noise,identity,adv"): void {
    this.emit("qr", { sessionId, qr, expiresAt: new Date(Date.now() + 60_000) });
  }
  open(sessionId: string, linkedNumber = "6281200000001"): void {
    this.emit("open", { sessionId, linkedNumber });
  }
  drop(sessionId: string, kind: DisconnectKind = "connection_closed"): void {
    this.emit("close", { sessionId, kind, statusCode: STATUS_CODES[kind], detail: `scripted ${kind}` });
  }
}
