import type { BinaryNode, WAMessage } from "@whiskeysockets/baileys";
import type { IncomingMessage, IncomingMessageType } from "../../port.js";
import { baileys } from "./library-modules.js";

/** Enough to cover an offline flush and a busy minute; older entries are only a fallback anyway. */
const MAX_REMEMBERED = 5_000;

interface StanzaFacts {
  /** Phone number (digits) from the stanza's `sender_pn`, when WhatsApp addressed it by LID. */
  senderPhone: string | null;
  isOffline: boolean;
}

/**
 * What Baileys 6.17.16 drops between the stanza and `messages.upsert`: a LID-addressed message's
 * `sender_pn` (it keeps `<lid>@lid` as the chat id, Utils/decode-wa-message.js) and the `offline`
 * attribute of what the server flushes at login. We read both off the raw stanza — our listener on
 * the socket runs right after Baileys' own starts its asynchronous decrypt, so before the upsert —
 * and keep LID → phone pairs per session, across sockets.
 */
export class StanzaDirectory {
  private readonly byMessageId = new Map<string, StanzaFacts>();
  private readonly phoneByLid = new Map<string, string>();

  learn(node: BinaryNode): void {
    const { id, from, sender_pn: senderPn, offline } = node.attrs;
    const lid = from && isLidJid(from) ? userOf(from) : null;
    const phone = senderPn && isPhoneJid(senderPn) ? userOf(senderPn) : null;
    if (lid && phone) remember(this.phoneByLid, lid, phone);
    if (node.tag === "message" && id) {
      remember(this.byMessageId, id, { senderPhone: phone, isOffline: offline !== undefined });
    }
  }

  facts(messageId: string): StanzaFacts | undefined {
    return this.byMessageId.get(messageId);
  }

  phoneOf(lid: string): string | null {
    return this.phoneByLid.get(lid) ?? null;
  }
}

function remember<V>(map: Map<string, V>, key: string, value: V): void {
  map.delete(key);
  map.set(key, value);
  if (map.size > MAX_REMEMBERED) {
    const oldest = map.keys().next().value;
    if (oldest !== undefined) map.delete(oldest);
  }
}

function isLidJid(jid: string): boolean {
  return baileys.isLidUser(jid) === true;
}

function isPhoneJid(jid: string): boolean {
  return baileys.isJidUser(jid) === true;
}

function userOf(jid: string): string | null {
  return baileys.jidDecode(jid)?.user ?? null;
}

/**
 * A contact's message as the port reports it, or null for what is not one: our own messages, group
 * and status traffic, protocol messages, and copies Baileys could not decrypt (it asks the sender
 * for a retry; the copy that decrypts comes as a new upsert with the same id).
 */
export function toIncoming(
  message: WAMessage,
  directory: StanzaDirectory,
  sessionId: string,
): IncomingMessage | null {
  const { key } = message;
  const remoteJid = key.remoteJid ?? "";
  if (key.fromMe || !key.id || !remoteJid) return null;
  const isLid = isLidJid(remoteJid);
  if (!isLid && !isPhoneJid(remoteJid)) return null;
  const content = baileys.normalizeMessageContent(message.message);
  if (!content || content.protocolMessage || content.reactionMessage) return null;
  const chatUser = userOf(remoteJid);
  if (!chatUser) return null;
  const facts = directory.facts(key.id);
  const fromLid = isLid ? chatUser : null;
  // a LID is never a phone number: without a mapping the number stays unknown
  const from = isLid ? (facts?.senderPhone ?? directory.phoneOf(chatUser)) : chatUser;
  const seconds = Number(message.messageTimestamp ?? 0);
  return {
    sessionId,
    messageId: key.id,
    from,
    fromLid,
    ...describeContent(content),
    at: seconds > 0 ? new Date(seconds * 1000) : new Date(),
    isOffline: facts?.isOffline ?? false,
  };
}

type Content = NonNullable<ReturnType<typeof baileys.normalizeMessageContent>>;

function describeContent(content: Content): {
  type: IncomingMessageType;
  text: string | null;
  caption: string | null;
  mimeType: string | null;
} {
  // decoded protobuf strings default to "" rather than undefined, so `||` and not `??`
  const text = content.conversation || content.extendedTextMessage?.text || null;
  if (text !== null) return { type: "text", text, caption: null, mimeType: null };
  if (content.imageMessage) {
    const { caption, mimetype } = content.imageMessage;
    return { type: "image", text: null, caption: caption || null, mimeType: mimetype || null };
  }
  const document = content.documentMessage ?? content.documentWithCaptionMessage?.message?.documentMessage;
  if (document) {
    return {
      type: "document",
      text: null,
      caption: document.caption || null,
      mimeType: document.mimetype || null,
    };
  }
  return { type: "other", text: null, caption: null, mimeType: null };
}
