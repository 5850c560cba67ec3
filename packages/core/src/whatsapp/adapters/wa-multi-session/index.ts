/**
 * The production WhatsAppPort: wa-multi-session@3.8.3 (Baileys 6.17.16) with core's policy.
 *
 * Credentials: `<sessionsDir>/<sessionId>/` (Baileys' multi-file auth state), or on PostgreSQL the
 * `WhatsAppCredential` table (same names and contents, fenced by the lease). wa-multi-session's own
 * `<dir>/<id>_credentials` is redirected there by the library bridge; its dir is set to
 * `<sessionsDir>/.wa-multi-session`, which is never created, so nothing of its own can be deleted.
 * The adapter never reconnects and never deletes: it reports each close and core decides.
 */
import path from "node:path";
import type { AnyMessageContent, WASocket } from "@whiskeysockets/baileys";
import type { Logger } from "pino";
import {
  type MessageLookup,
  type OutgoingMedia,
  type OutgoingText,
  WhatsAppSendError,
  type WhatsAppPort,
  type WhatsAppPortEventName,
  type WhatsAppPortEvents,
} from "../../port.js";
import { PortEventEmitter } from "../port-event-emitter.js";
import { statusCodeOf } from "./classify-disconnect.js";
import { type CredentialLocation, credentialStorages } from "./database-auth-state.js";
import {
  closeAuthStorage,
  installLibraryHooks,
  library,
  bundledWaWebVersion,
  registerSessionOwner,
} from "./library-bridge.js";
import { type MediaRouting, mediaSocketConfig } from "./media-routing.js";
import { createRetryCounts, mediaContent, messageRetryConfig } from "./message-retry.js";
import { createSendQueue, type SendQueue } from "./send-queue.js";
import { type KeyStoreLanes, serializeKeyTransactions } from "./serial-transactions.js";
import { StanzaDirectory } from "./incoming-messages.js";
import { bindSocketEvents } from "./socket-events.js";
import { afterSocketEnd, failPendingQueries, rawWebSocketOf } from "./socket-teardown.js";

export interface WaMultiSessionPortOptions {
  sessionsDir: string;
  /** WHATSAPP_WS_URL: a simulator's ws:// URL instead of WhatsApp's. */
  wsUrl?: string;
  logger: Logger;
  /**
   * Baileys pings this often and gives up (408) after interval + 5 s without a frame, checked once per
   * interval: a half-open socket is noticed within 2 × interval + 5 s. Default 15 s (≤ 35 s), where
   * Baileys' own 30 s could take 65 s.
   */
  keepAliveIntervalMs?: number;
  /** Lifetime of every QR; default Baileys' 60 s for the first and 20 s for each later one. */
  qrTimeoutMs?: number;
  /** Level of Baileys' own log lines; default "warn", or the logger's own level when that is quieter. */
  baileysLogLevel?: string;
  /** A key-store transaction still running after this long is abandoned; default 30 s. */
  keyTransactionDeadlineMs?: number;
  /** WHATSAPP_MEDIA_URL / WHATSAPP_EXTRA_CA: where WhatsApp's media hosts are reached, and what to trust. */
  media?: MediaRouting;
  /** Where the credentials live; default the folder `<sessionsDir>/<sessionId>/`. */
  credentials?: CredentialLocation;
}

interface SessionEntry {
  sessionId: string;
  socket: WASocket | null;
  isOpen: boolean;
  isDeliberateClose: boolean;
  pairingPhoneNumber: string | null;
  /** What the next socket announces; core resolves it before every start. */
  waWebVersion: [number, number, number] | null;
  starting: Promise<unknown> | null;
  /** Every library send of this session, one at a time (see send-queue.ts). */
  sendQueue: SendQueue;
  /** LID → phone pairs and offline flags read off raw stanzas, kept across this session's sockets. */
  stanzas: StanzaDirectory;
  /** Baileys' key-store transactions of this session, across its sockets, one at a time per lane. */
  transactionLanes: KeyStoreLanes;
  unregister: () => void;
}

export const WA_MULTI_SESSION_PRIVATE_DIR = ".wa-multi-session";
export const DEFAULT_KEEP_ALIVE_INTERVAL_MS = 15_000;

export function createWaMultiSessionPort(options: WaMultiSessionPortOptions): WhatsAppPort {
  const { sessionsDir, logger } = options;
  const events = new PortEventEmitter((error) =>
    logger.error({ err: error }, "WhatsApp port listener failed"),
  );
  const entries = new Map<string, SessionEntry>();
  let messageLookup: MessageLookup | null = null;
  // Baileys logs every frame at info; keep it at warn, but never louder than the logger we were given.
  const quietLevel = logger.levelVal > (logger.levels.values.warn ?? 40) ? logger.level : "warn";
  const baileysLogger = logger.child({ module: "baileys" }, { level: options.baileysLogLevel ?? quietLevel });
  const qrLifetimesMs = { first: options.qrTimeoutMs ?? 60_000, next: options.qrTimeoutMs ?? 20_000 };
  // Hooks first: nothing may reach wa-multi-session (or its version lookup) unpatched. The process
  // itself (console, unhandledRejection) is left alone: see process-guards.ts.
  installLibraryHooks();
  const mediaConfig = mediaSocketConfig(options.media);
  const storageOf = credentialStorages(sessionsDir, options.credentials);

  function entryFor(sessionId: string): SessionEntry {
    const existing = entries.get(sessionId);
    if (existing) return existing;
    const storage = storageOf(sessionId);
    const entry: SessionEntry = {
      sessionId,
      socket: null,
      isOpen: false,
      isDeliberateClose: false,
      pairingPhoneNumber: null,
      waWebVersion: null,
      starting: null,
      sendQueue: createSendQueue(),
      stanzas: new StanzaDirectory(),
      transactionLanes: { signal: createSendQueue(), appState: createSendQueue() },
      unregister: () => {},
    };
    const retryCounts = createRetryCounts();
    entry.unregister = registerSessionOwner(sessionId, {
      storage,
      socketConfig: () => ({
        logger: baileysLogger,
        ...mediaConfig,
        // Per socket, not Baileys' shared DEFAULT_CONNECTION_CONFIG: another Baileys user in the
        // same process keeps WhatsApp's own URL.
        ...(options.wsUrl ? { waWebSocketUrl: options.wsUrl } : {}),
        keepAliveIntervalMs: options.keepAliveIntervalMs ?? DEFAULT_KEEP_ALIVE_INTERVAL_MS,
        ...(entry.waWebVersion ? { version: entry.waWebVersion } : {}),
        ...(options.qrTimeoutMs === undefined ? {} : { qrTimeout: options.qrTimeoutMs }),
        ...messageRetryConfig(
          {
            lookup: () => messageLookup,
            socket: () => entry.socket,
            onLookupError: (error, messageId) =>
              logger.warn({ err: error, sessionId, messageId }, "could not look up a message to re-send"),
          },
          retryCounts,
        ),
      }),
      onSocket: (socket) => attachSocket(entry, socket, storage.location),
      onStorageError: (error) =>
        logger.warn({ err: error, sessionId }, "could not save WhatsApp credentials"),
      onCredentialsUnwritable: (error) => {
        logger.warn({ err: error, sessionId }, "could not save WhatsApp credentials");
        events.emit("storage", { sessionId, problem: error.message });
      },
      onCredentialsWritable: () => {
        logger.info({ sessionId }, "WhatsApp credentials saved again; nothing is held in memory any more");
        events.emit("storage", { sessionId, problem: null });
      },
      onCredentialsFenced: (error) =>
        logger.warn({ err: error, sessionId }, "WhatsApp credentials not written"),
    });
    entries.set(sessionId, entry);
    return entry;
  }

  function attachSocket(entry: SessionEntry, socket: WASocket, credentialsLocation: string): void {
    entry.socket = socket;
    entry.isOpen = false;
    serializeKeyTransactions(socket, entry.transactionLanes, {
      ...(options.keyTransactionDeadlineMs === undefined
        ? {}
        : { deadlineMs: options.keyTransactionDeadlineMs }),
      onAbandoned: (error) => logger.warn({ err: error, sessionId: entry.sessionId }, error.message),
    });
    entry.isDeliberateClose = false;
    const isCurrent = () => entry.socket === socket;
    const raw = rawWebSocketOf(socket);
    bindSocketEvents(socket, {
      sessionId: entry.sessionId,
      events,
      stanzas: entry.stanzas,
      pairingPhoneNumber: entry.pairingPhoneNumber,
      qrLifetimesMs,
      isCurrent,
      isDeliberateClose: () => entry.isDeliberateClose,
      onOpen: () => {
        entry.isOpen = true;
      },
      onClosed: (kind) => {
        // Closed by the server or the network: nothing more may be forwarded to late queries either,
        // and the queries still waiting must fail now, not after their 60 s timeout.
        void afterSocketEnd(raw);
        failPendingQueries(socket);
        // Core moves the credentials aside on a logout; nothing still in flight may write into them again.
        if (kind === "logged_out") closeAuthStorage(credentialsLocation);
        if (!isCurrent()) return;
        entry.socket = null;
        entry.isOpen = false;
      },
      logError: (error, what) =>
        logger.warn({ err: error, sessionId: entry.sessionId }, `WhatsApp: ${what} failed`),
    });
  }

  async function endSocket(entry: SessionEntry): Promise<void> {
    await entry.starting?.catch(() => {});
    const socket = entry.socket;
    if (!socket) return;
    entry.isDeliberateClose = true;
    const raw = rawWebSocketOf(socket);
    // end() emits the close synchronously; isDeliberateClose keeps it from reaching core as a drop.
    socket.end(undefined);
    failPendingQueries(socket);
    entry.socket = null;
    entry.isOpen = false;
    await afterSocketEnd(raw);
  }

  function openSocket(sessionId: string): WASocket {
    const socket = entries.get(sessionId)?.socket;
    if (!socket || !entries.get(sessionId)?.isOpen) {
      throw new WhatsAppSendError(null, "WhatsApp is not connected", true);
    }
    return socket;
  }

  function send(sessionId: string, to: string, content: AnyMessageContent, messageId: string) {
    const entry = entries.get(sessionId);
    if (!entry) return Promise.reject(new WhatsAppSendError(null, "WhatsApp is not connected", true));
    // Queued, and the socket is looked up when this send's turn comes: it may have changed meanwhile.
    return entry.sendQueue.run(async () => {
      const socket = openSocket(sessionId);
      try {
        // wa-multi-session's send helpers take no message id; the socket does, and a retry must reuse it.
        await socket.sendMessage(`${to}@s.whatsapp.net`, content, { messageId });
        return { messageId };
      } catch (error) {
        throw toSendError(error);
      }
    });
  }

  return {
    async start(sessionId, startOptions) {
      const entry = entryFor(sessionId);
      await endSocket(entry);
      entry.pairingPhoneNumber = startOptions?.pairingPhoneNumber ?? null;
      entry.waWebVersion = startOptions?.waWebVersion ?? null;
      // Module-global in wa-multi-session: point it at a folder of ours that is never created.
      library.setCredentialsDir(path.join(path.resolve(sessionsDir), WA_MULTI_SESSION_PRIVATE_DIR));
      const starting = library.startSession(sessionId, { printQR: false });
      entry.starting = starting;
      try {
        await starting;
      } finally {
        if (entry.starting === starting) entry.starting = null;
      }
    },
    async stop(sessionId) {
      const entry = entries.get(sessionId);
      if (entry) await endSocket(entry);
    },
    async logout(sessionId) {
      const entry = entries.get(sessionId);
      if (!entry) return;
      await entry.starting?.catch(() => {});
      const socket = entry.socket;
      if (socket && entry.isOpen) {
        entry.isDeliberateClose = true;
        // Tells WhatsApp to remove this device; Baileys then ends the socket with 401.
        await socket
          .logout()
          .catch((error: unknown) => logger.warn({ err: error, sessionId }, "logout request failed"));
      }
      await endSocket(entry);
      // The caller moves the credentials aside next; nothing still in flight may write to them.
      closeAuthStorage(storageOf(sessionId).location);
    },
    sendText: (sessionId, message: OutgoingText) =>
      send(sessionId, message.to, textContent(message), message.messageId),
    sendMedia: (sessionId, message: OutgoingMedia) =>
      send(sessionId, message.to, mediaContent(message), message.messageId),
    bundledWaWebVersion,
    setMessageLookup(lookup) {
      messageLookup = lookup;
    },
    async isOnWhatsApp(sessionId, number) {
      const socket = openSocket(sessionId);
      const [result] = (await socket.onWhatsApp(`${number}@s.whatsapp.net`)) ?? [];
      return result?.exists === true;
    },
    on<E extends WhatsAppPortEventName>(event: E, listener: (payload: WhatsAppPortEvents[E]) => void) {
      return events.on(event, listener);
    },
    async close() {
      for (const entry of entries.values()) {
        await endSocket(entry);
        entry.unregister();
      }
      entries.clear();
      events.clear();
    },
  };
}

/**
 * `linkPreview: null` stops Baileys from fetching the first URL of the text itself
 * (generateWAMessageContent in Utils/messages.js calls getUrlInfo only when it is undefined): the
 * fetch would reach any host a caller names, internal ones included.
 */
function textContent(message: OutgoingText): AnyMessageContent {
  const preview = message.linkPreview ?? null;
  if (preview === null) return { text: message.text, linkPreview: null };
  return {
    text: message.text,
    linkPreview: {
      "canonical-url": preview.canonicalUrl,
      "matched-text": preview.matchedText,
      title: preview.title,
      ...(preview.description === undefined ? {} : { description: preview.description }),
    },
  };
}

function toSendError(error: unknown): WhatsAppSendError {
  if (error instanceof WhatsAppSendError) return error;
  const message = error instanceof Error ? error.message : String(error);
  const code = statusCodeOf(error);
  // A TypeError and its kind come from a bug in the library's handling of this message (e.g. reading
  // `attrs` of a missing media_conn answer): it fails the same way every time.
  if (error instanceof TypeError || error instanceof RangeError || error instanceof SyntaxError) {
    return new WhatsAppSendError(code, `${error.name}: ${message}`, false);
  }
  // Socket-level failures (closed, timed out), rate limits and server trouble are worth a retry;
  // any other answer from WhatsApp is not.
  const isTransient = code === null || code === 408 || code === 428 || code === 429 || code >= 500;
  return new WhatsAppSendError(code, message, isTransient);
}
