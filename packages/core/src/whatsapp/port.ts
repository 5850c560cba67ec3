/**
 * The one port through which core reaches WhatsApp. The wa-multi-session adapter is its only
 * production implementation and the only module that imports wa-multi-session or Baileys;
 * nothing from those libraries crosses this boundary.
 */

/** Why a socket closed, as core needs to decide what to do next. */
export type DisconnectKind =
  /** The socket dropped or the server closed it (428): reconnect with backoff. */
  | "connection_closed"
  /** Keep-alive missed (408 while logged in): reconnect with backoff. */
  | "connection_lost"
  /** Server asked for a restart (515), e.g. right after pairing: reconnect at once. */
  | "restart_required"
  /** Another client took over the session (440). */
  | "connection_replaced"
  /** WhatsApp refused the announced client version at login (405): a newer version is needed. */
  | "client_too_old"
  /** WhatsApp refused the account at login (403: banned or locked): retrying cannot help. */
  | "banned"
  /** WhatsApp is unavailable (503, as a login failure or a stream error): reconnect with backoff. */
  | "service_unavailable"
  /** The phone removed this device, or the credentials were rejected (401): needs a new link. */
  | "logged_out"
  /** The QR codes ran out without a scan (408 before login): stop, no reconnect loop. */
  | "qr_expired"
  /** Bad session (500) or anything unknown: reconnect with backoff. */
  | "other";

export type AckStatus = "server_ack" | "delivered" | "read";

export interface WhatsAppPortEvents {
  qr: { sessionId: string; qr: string; expiresAt: Date };
  pairingCode: { sessionId: string; code: string };
  connecting: { sessionId: string };
  open: { sessionId: string; linkedNumber: string };
  close: { sessionId: string; kind: DisconnectKind; statusCode: number | null; detail: string };
  /** Status reports for messages this device sent, by WhatsApp message id. */
  ack: { sessionId: string; messageId: string; status: AckStatus };
  /** The server refused a send in its ack (e.g. 463: no privacy token for that recipient). */
  sendError: { sessionId: string; messageId: string; code: number; detail: string };
  /**
   * The credential folder refuses writes (read-only, full, permissions): `problem` says which folder
   * and the OS error code, and the updates are kept in memory, so a crash now may unlink the device.
   * Null again once every kept write has landed.
   */
  storage: { sessionId: string; problem: string | null };
  /** A message from someone else arrived: live, or held by the server and flushed at login. */
  incoming: IncomingMessage;
  /**
   * A contact shared their privacy token with us (WhatsApp's `privacy_token` notification, which
   * Baileys surfaces as a chats.update with tcToken): messages to them no longer get 463.
   */
  privacyToken: { sessionId: string; from: string };
}

export type WhatsAppPortEventName = keyof WhatsAppPortEvents;

export type IncomingMessageType = "text" | "image" | "document" | "other";

export interface IncomingMessage {
  sessionId: string;
  /** WhatsApp's id of the message: the same message flushed twice carries the same id. */
  messageId: string;
  /**
   * The sender's phone number, international digits — never a LID. Null when WhatsApp addressed the
   * chat by LID and gave no phone number for it (then `fromLid` says who it was).
   */
  from: string | null;
  /** The sender's LID (digits) when the chat came addressed by LID (`…@lid`). */
  fromLid: string | null;
  type: IncomingMessageType;
  /** The text of a text message. */
  text: string | null;
  /** The caption of an image or document. */
  caption: string | null;
  mimeType: string | null;
  /** When the sender sent it (WhatsApp's timestamp). */
  at: Date;
  /** True when the server held it while this device was away and delivered it at login. */
  isOffline: boolean;
}

export interface OutgoingText {
  /** Recipient as international digits, e.g. 6281234567890. */
  to: string;
  text: string;
  /** Core fixes the id before the first attempt so a retry is the same message for the recipient. */
  messageId: string;
  /**
   * The link preview to attach, built by core from a host it checked; null: none. The adapter never
   * lets the library fetch a URL of a text by itself.
   */
  linkPreview?: LinkPreview | null;
}

export interface LinkPreview {
  /** The URL as it appears in the text. */
  matchedText: string;
  canonicalUrl: string;
  title: string;
  description?: string;
}

export interface OutgoingMedia {
  to: string;
  type: "image" | "document";
  data: Uint8Array;
  fileName: string;
  mimeType: string;
  caption?: string;
  messageId: string;
}

/** A sent message's content as the outbox keeps it: a text, or media with its bytes. */
export type SentContent = { text: string } | { media: Omit<OutgoingMedia, "to" | "messageId"> };

/**
 * The content of a message this device sent, by WhatsApp id, for re-sending it when the recipient
 * could not decrypt a copy (a retry receipt). Null when unknown. For media the adapter re-uses the
 * upload of the first copy when it still has it, and uploads the bytes again when it does not.
 */
export type MessageLookup = (messageId: string) => Promise<SentContent | null>;

export interface WhatsAppPort {
  /**
   * Opens a socket for the session using the credentials in its folder (QR or pairing code
   * when there are none). Resolves once the socket is started, not when it is open: watch
   * the events. The adapter never reconnects by itself; core decides after each "close".
   */
  start(
    sessionId: string,
    options?: { pairingPhoneNumber?: string; waWebVersion?: [number, number, number] },
  ): Promise<void>;
  /** The WhatsApp Web version the library ships with: the last fallback of version resolution. */
  bundledWaWebVersion?(): [number, number, number];
  /** Closes the socket and keeps the credentials. */
  stop(sessionId: string): Promise<void>;
  /** Unlinks the device on WhatsApp's side too; the caller handles the credential folder. */
  logout(sessionId: string): Promise<void>;
  /**
   * Rejects with a WhatsAppSendError (code, e.g. 463) when the server refuses. Resolves when handed
   * to the socket. Sends of one session never overlap: each starts after the previous one settled.
   */
  sendText(sessionId: string, message: OutgoingText): Promise<{ messageId: string }>;
  sendMedia(sessionId: string, message: OutgoingMedia): Promise<{ messageId: string }>;
  isOnWhatsApp(sessionId: string, number: string): Promise<boolean>;
  /** Where the adapter reads a sent message again when a recipient asks for a retry; optional for fakes. */
  setMessageLookup?(lookup: MessageLookup | null): void;
  on<E extends WhatsAppPortEventName>(
    event: E,
    listener: (payload: WhatsAppPortEvents[E]) => void,
  ): () => void;
  /** Closes every socket; the credentials stay. */
  close(): Promise<void>;
}

export class WhatsAppSendError extends Error {
  constructor(
    readonly code: number | null,
    message: string,
    /** True for failures worth retrying (socket gone, timeout); false for a refusal like 463. */
    readonly isTransient: boolean,
  ) {
    super(message);
    this.name = "WhatsAppSendError";
  }
}
