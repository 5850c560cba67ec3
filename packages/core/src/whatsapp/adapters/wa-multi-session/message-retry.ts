/**
 * Recovery the way a real client does it: when a recipient cannot decrypt a copy it answers with a
 * retry receipt, and Baileys (Socket/messages-recv.js, `receipt type="retry"`) opens a fresh Signal
 * session and relays the message again under the same id — but only if the socket config's
 * `getMessage` can hand it the content. Core keeps the content in its outbox, so the adapter asks
 * core through the port's message lookup and builds the proto message itself.
 *
 * Media is uploaded again for the re-send (same bytes, new media key): one path whether the retry
 * comes a second after the first copy or after a restart, when nothing of the first upload is left
 * in memory. Retry receipts are rare, so the extra upload costs little.
 */
import type {
  AnyMessageContent,
  CacheStore,
  proto,
  UserFacingSocketConfig,
  WASocket,
} from "@whiskeysockets/baileys";
import type { MessageLookup, OutgoingMedia } from "../../port.js";
import { baileys } from "./library-modules.js";

export interface RetryConfigOptions {
  /** Read on every retry: core may set the lookup after the socket was made. */
  lookup: () => MessageLookup | null;
  /** The socket whose media connection uploads a re-sent file; null when there is none. */
  socket: () => WASocket | null;
  onLookupError: (error: unknown, messageId: string) => void;
}

/** The content Baileys builds a media message from: the same for the first copy and a re-send. */
export function mediaContent(media: Omit<OutgoingMedia, "to" | "messageId">): AnyMessageContent {
  const data = Buffer.from(media.data);
  return media.type === "image"
    ? { image: data, mimetype: media.mimeType, caption: media.caption }
    : { document: data, mimetype: media.mimeType, fileName: media.fileName, caption: media.caption };
}

/** Socket config for answering retry receipts; `retryCounts` outlives the socket (see below). */
export function messageRetryConfig(
  options: RetryConfigOptions,
  retryCounts: CacheStore,
): Pick<UserFacingSocketConfig, "getMessage" | "msgRetryCounterCache"> {
  return {
    async getMessage(key): Promise<proto.IMessage | undefined> {
      const lookup = options.lookup();
      if (!key.fromMe || !key.id || !lookup) return undefined;
      try {
        const found = await lookup(key.id);
        if (!found) return undefined;
        // The same content Baileys built for the first copy of a `{ text }` send.
        if ("text" in found)
          return baileys.proto.Message.fromObject({ extendedTextMessage: { text: found.text } });
        const socket = options.socket();
        if (!socket) return undefined;
        return await baileys.generateWAMessageContent(mediaContent(found.media), {
          upload: socket.waUploadToServer,
        });
      } catch (error) {
        options.onLookupError(error, key.id);
        return undefined;
      }
    },
    // Baileys' default counter lives and dies with one socket; a session's own survives
    // reconnects, so a recipient that keeps failing cannot make us resend forever.
    msgRetryCounterCache: retryCounts,
  };
}

/** A minimal CacheStore; retry counts are few (one entry per message and recipient device). */
export function createRetryCounts(maxEntries = 10_000): CacheStore {
  const values = new Map<string, unknown>();
  return {
    get: <T>(key: string) => values.get(key) as T | undefined,
    set<T>(key: string, value: T) {
      values.delete(key);
      values.set(key, value);
      // Oldest first out: Map keeps insertion order.
      for (const oldest of values.keys()) {
        if (values.size <= maxEntries) break;
        values.delete(oldest);
      }
    },
    del: (key: string) => {
      values.delete(key);
    },
    flushAll: () => values.clear(),
  };
}
