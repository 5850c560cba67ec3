/**
 * Recovery the way a real client does it: when a recipient cannot decrypt a copy it answers with a
 * retry receipt, and Baileys (Socket/messages-recv.js, `receipt type="retry"`) opens a fresh Signal
 * session and relays the message again under the same id — but only if the socket config's
 * `getMessage` can hand it the content. Core keeps the content in its outbox, so the adapter asks
 * core through the port's message lookup and builds the proto message itself.
 */
import type { CacheStore, proto, UserFacingSocketConfig } from "@whiskeysockets/baileys";
import type { MessageLookup } from "../../port.js";
import { baileys } from "./library-modules.js";

export interface RetryConfigOptions {
  /** Read on every retry: core may set the lookup after the socket was made. */
  lookup: () => MessageLookup | null;
  onLookupError: (error: unknown, messageId: string) => void;
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
        // The same content Baileys built for the first copy of a `{ text }` send.
        return found
          ? baileys.proto.Message.fromObject({ extendedTextMessage: { text: found.text } })
          : undefined;
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
