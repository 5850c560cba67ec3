import type { BinaryNode, WAMessageUpdate, WASocket } from "@whiskeysockets/baileys";
import type { AckStatus, DisconnectKind } from "../../port.js";
import type { PortEventEmitter } from "../port-event-emitter.js";
import { classifyDisconnect } from "./classify-disconnect.js";
import { type StanzaDirectory, toIncoming } from "./incoming-messages.js";
import { baileys } from "./library-modules.js";

export interface SocketContext {
  sessionId: string;
  events: PortEventEmitter;
  stanzas: StanzaDirectory;
  /** Set when the session links by pairing code: the code is asked for instead of showing QRs. */
  pairingPhoneNumber: string | null;
  /** Baileys' QR lifetimes: the first QR, then each later one. */
  qrLifetimesMs: { first: number; next: number };
  /** True while this socket is still the session's current one; stale sockets stay silent. */
  isCurrent: () => boolean;
  /** The socket closed. `isDeliberate` when we ended it (stop/logout): no "close" event then. */
  onClosed: (kind: DisconnectKind) => void;
  isDeliberateClose: () => boolean;
  onOpen: () => void;
  logError: (error: unknown, what: string) => void;
}

/**
 * Translates one Baileys socket's events into port events. We listen on the socket itself, not on
 * wa-multi-session's callbacks, which forward only the first entry of each batch.
 */
export function bindSocketEvents(socket: WASocket, context: SocketContext): void {
  const { sessionId, events } = context;
  let qrCount = 0;
  let hasRequestedPairingCode = false;

  socket.ev.process((batch) => {
    if (!context.isCurrent()) return;
    const update = batch["connection.update"];
    if (update?.qr) {
      if (context.pairingPhoneNumber === null) {
        const lifetime = qrCount === 0 ? context.qrLifetimesMs.first : context.qrLifetimesMs.next;
        qrCount += 1;
        events.emit("qr", { sessionId, qr: update.qr, expiresAt: new Date(Date.now() + lifetime) });
      } else if (!hasRequestedPairingCode) {
        // Baileys can only ask for a code once the socket is up and waiting to be linked: the first QR.
        hasRequestedPairingCode = true;
        requestPairingCode(socket, context.pairingPhoneNumber, context);
      }
    }
    if (update?.connection === "connecting") events.emit("connecting", { sessionId });
    if (update?.connection === "open") {
      context.onOpen();
      const linkedNumber = baileys.jidDecode(socket.user?.id ?? "")?.user ?? "";
      events.emit("open", { sessionId, linkedNumber });
    }
    if (update?.connection === "close") {
      const classified = classifyDisconnect(update.lastDisconnect?.error);
      const isDeliberate = context.isDeliberateClose();
      context.onClosed(classified.kind);
      if (!isDeliberate) events.emit("close", { sessionId, ...classified });
    }
    for (const entry of batch["messages.update"] ?? []) emitAck(entry, context);
    // Baileys turns a `privacy_token` notification into a chats.update carrying tcToken
    // (processNotification in Socket/messages-recv.js); the token is what a 463 says we lack.
    for (const chat of batch["chats.update"] ?? []) {
      const from = chat.tcToken && chat.id ? baileys.jidDecode(chat.id)?.user : undefined;
      if (from) events.emit("privacyToken", { sessionId, from });
    }
    // "notify" for live messages, "append" for what the server flushes at login (offline) — and a
    // buffered batch takes the type of its first entry, so both must be read.
    for (const message of batch["messages.upsert"]?.messages ?? []) {
      const incoming = toIncoming(message, context.stanzas, sessionId);
      if (incoming) events.emit("incoming", incoming);
    }
  });

  // Registered after Baileys' own listeners: they start decrypting, we note what the upsert loses.
  socket.ws.on("CB:message", (node: BinaryNode) => context.stanzas.learn(node));
  socket.ws.on("CB:receipt", (node: BinaryNode) => context.stanzas.learn(node));

  // The server's <ack class="message"> is the "sent" moment; Baileys turns only failed ones into
  // events (status ERROR), so we read the ack itself: server_ack, or a refusal such as 463.
  socket.ws.on("CB:ack,class:message", (node: BinaryNode) => {
    if (!context.isCurrent()) return;
    const messageId = node.attrs.id;
    if (!messageId) return;
    const error = node.attrs.error;
    if (error === undefined) {
      events.emit("ack", { sessionId, messageId, status: "server_ack" });
      return;
    }
    const code = Number(error);
    events.emit("sendError", {
      sessionId,
      messageId,
      code: Number.isFinite(code) ? code : 0,
      detail:
        code === 463
          ? "WhatsApp answered 463: no privacy token for this recipient"
          : `WhatsApp error ${error}`,
    });
  });
}

function requestPairingCode(socket: WASocket, phoneNumber: string, context: SocketContext): void {
  socket
    .requestPairingCode(phoneNumber)
    .then((code) => {
      if (context.isCurrent()) context.events.emit("pairingCode", { sessionId: context.sessionId, code });
    })
    .catch((error: unknown) => context.logError(error, "requesting a pairing code"));
}

const STATUS_TO_ACK = new Map<number, AckStatus>([
  [baileys.WAMessageStatus.DELIVERY_ACK, "delivered"],
  [baileys.WAMessageStatus.READ, "read"],
  [baileys.WAMessageStatus.PLAYED, "read"],
]);

function emitAck(entry: WAMessageUpdate, context: SocketContext): void {
  const messageId = entry.key.id;
  const status = entry.update.status;
  if (!entry.key.fromMe || !messageId || typeof status !== "number") return;
  const ack = STATUS_TO_ACK.get(status);
  if (ack) context.events.emit("ack", { sessionId: context.sessionId, messageId, status: ack });
}
