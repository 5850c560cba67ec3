import { EventEmitter } from "node:events";
import { existsSync, mkdtempSync, rmSync, watch } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ConnectionState, WAMessageUpdate } from "@whiskeysockets/baileys";
import {
  deleteSession,
  getSession,
  onConnected,
  onDisconnected,
  onMessageReceived,
  onMessageUpdate,
  onQRUpdated,
  setCredentialsDir,
  startSession,
} from "wa-multi-session";
import {
  pointLibraryAt,
  resetLibraryPointer,
  type StartSimulatorOptions,
  startSimulator,
  type WhatsAppSimulator,
} from "../src/index.js";

type LibraryEvents = {
  qr: [sessionId: string, qr: string];
  connected: [sessionId: string];
  disconnected: [sessionId: string];
  received: [sessionId: string, text: string, fromMe: boolean, remoteJid: string];
};

/**
 * wa-multi-session keeps ONE global listener per callback kind; this hub registers them once per test
 * file and fans them out per session id, so tests can wait on a session's events.
 */
export const library = new EventEmitter<LibraryEvents>();
onQRUpdated(({ sessionId, qr }) => library.emit("qr", sessionId, qr));
onConnected((sessionId) => library.emit("connected", sessionId));
onDisconnected((sessionId) => library.emit("disconnected", sessionId));
onMessageReceived((message) => {
  const text = message.message?.conversation || message.message?.extendedTextMessage?.text || "";
  library.emit("received", message.sessionId, text, message.key.fromMe === true, message.key.remoteJid ?? "");
});
// Its typings say (data) but it calls listener(sessionId, data); nothing here depends on it.
onMessageUpdate(() => undefined);

/** Resolves on the next library event of this kind for the session that matches; subscribe before acting. */
export function nextLibraryEvent<K extends keyof LibraryEvents>(
  event: K,
  sessionId: string,
  matches: (...args: LibraryEvents[K]) => boolean = () => true,
  timeoutMs = 15_000,
): Promise<LibraryEvents[K]> {
  // typed EventEmitter cannot check a listener for a generic key; use the untyped view of the same hub
  const hub: EventEmitter = library;
  return new Promise((resolve, reject) => {
    const listener = (...args: LibraryEvents[K]) => {
      if (args[0] !== sessionId || !matches(...args)) return;
      clearTimeout(timer);
      hub.off(event, listener);
      resolve(args);
    };
    const timer = setTimeout(() => {
      hub.off(event, listener);
      reject(new Error(`no "${event}" for ${sessionId} within ${timeoutMs} ms`));
    }, timeoutMs);
    hub.on(event, listener);
  });
}

export interface Harness {
  sim: WhatsAppSimulator;
  credentialsDir: string;
  sessionDir(sessionId: string): string;
  /** startSession, then the phone scans the first QR; resolves once the library reports connected. */
  link(sessionId: string): Promise<void>;
  /** Remembers a session started outside `link`, so cleanup deletes it. */
  track(sessionId: string): void;
  cleanup(): Promise<void>;
}

export async function createHarness(options: StartSimulatorOptions & { qrTimeoutMs?: number } = {}) {
  const sim = await startSimulator({ port: 0, ...options });
  const credentialsDir = mkdtempSync(join(tmpdir(), "kabar-sim-creds-"));
  setCredentialsDir(credentialsDir);
  pointLibraryAt(sim.wsUrl, { qrTimeoutMs: options.qrTimeoutMs, media: sim.media.info() });
  const sessions = new Set<string>();
  const harness: Harness = {
    sim,
    credentialsDir,
    sessionDir: (sessionId) => join(credentialsDir, `${sessionId}_credentials`),
    async link(sessionId) {
      sessions.add(sessionId);
      const qr = nextLibraryEvent("qr", sessionId);
      const connected = nextLibraryEvent("connected", sessionId);
      await startSession(sessionId, { printQR: false });
      await sim.phone.scan((await qr)[1]);
      await connected;
      await firstAppStateSync(sessionId);
    },
    track: (sessionId) => void sessions.add(sessionId),
    async cleanup() {
      for (const sessionId of sessions) {
        if (getSession(sessionId)) await deleteSession(sessionId);
      }
      await sim.close();
      resetLibraryPointer();
      rmSync(credentialsDir, { recursive: true, force: true });
    },
  };
  return harness;
}

/**
 * After its first login Baileys buffers message events until the phone's app-state key arrives and the
 * app-state sync completes; it flushes right after recording `accountSyncCounter`. Waiting for that keeps
 * the first send's delivered and read updates from being merged into one flushed batch.
 */
export function firstAppStateSync(sessionId: string): Promise<void> {
  const socket = getSession(sessionId);
  if (!socket) return Promise.reject(new Error(`no socket for ${sessionId}`));
  if (socket.authState.creds.accountSyncCounter > 0) return Promise.resolve();
  return new Promise((resolve) => {
    const listener = (update: { accountSyncCounter?: number }) => {
      if (!update.accountSyncCounter) return;
      socket.ev.off("creds.update", listener);
      resolve();
    };
    socket.ev.on("creds.update", listener);
  });
}

/**
 * Every status the session's socket reports, per message id, in order. Read from the socket's `ev`
 * because wa-multi-session's onMessageUpdate forwards only the first entry of each batch. Collected for
 * all ids because receipts can arrive before sendTextMessage has even returned the id.
 */
export function collectStatuses(sessionId: string) {
  const statuses = new Map<string, number[]>();
  const waiters: { id: string; status: number; resolve: () => void }[] = [];
  getSession(sessionId)?.ev.on("messages.update", (updates: WAMessageUpdate[]) => {
    for (const { key, update } of updates) {
      if (!key.id || typeof update.status !== "number") continue;
      statuses.set(key.id, [...(statuses.get(key.id) ?? []), update.status]);
      for (const waiter of waiters) {
        if (waiter.id === key.id && waiter.status === update.status) waiter.resolve();
      }
    }
  });
  return {
    of: (id: string) => statuses.get(id) ?? [],
    reached: (id: string, status: number) =>
      new Promise<void>((resolve) => {
        if (statuses.get(id)?.includes(status)) resolve();
        else waiters.push({ id, status, resolve });
      }),
  };
}

/** The status code Baileys reports when the session's current socket closes. */
export function nextCloseCode(sessionId: string): Promise<number | undefined> {
  const socket = getSession(sessionId);
  return new Promise((resolve) => {
    socket?.ev.on("connection.update", (update: Partial<ConnectionState>) => {
      if (update.connection !== "close") return;
      const error = update.lastDisconnect?.error;
      resolve(error && "output" in error ? (error.output as { statusCode?: number }).statusCode : undefined);
    });
  });
}

/**
 * wa-multi-session calls onDisconnected before its (async) deleteSession has removed the folder,
 * so tests wait for the removal itself.
 */
export function folderRemoved(path: string, timeoutMs = 10_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const parent = join(path, "..");
    const watcher = watch(parent, () => {
      if (!existsSync(path)) finish();
    });
    const timer = setTimeout(() => {
      watcher.close();
      reject(new Error(`${path} still exists after ${timeoutMs} ms`));
    }, timeoutMs);
    function finish() {
      clearTimeout(timer);
      watcher.close();
      resolve();
    }
    if (!existsSync(path)) finish();
  });
}

export { existsSync };
