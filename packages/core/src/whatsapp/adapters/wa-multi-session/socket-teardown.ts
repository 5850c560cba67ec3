/**
 * Ending a Baileys socket cleanly. Baileys keeps working after end(): async handlers still running
 * (an app-state sync, a decrypt) send queries on the dead socket, and each query waits for the
 * socket's "close" — which Baileys' WebSocket wrapper still forwards — or a 60 s timeout, then rejects
 * where nothing catches it. Node ends the process on an unhandled rejection.
 */
import type { EventEmitter } from "node:events";
import type { WASocket } from "@whiskeysockets/baileys";
import type { Logger } from "pino";

const CLOSE_HANDSHAKE_TIMEOUT_MS = 2_000;

/** The `ws` WebSocket inside Baileys' wrapper; read it before end(), which drops the reference. */
export function rawWebSocketOf(socket: WASocket): EventEmitter | null {
  const inner: unknown = (socket.ws as unknown as { socket?: unknown }).socket;
  return typeof inner === "object" && inner !== null && "once" in inner ? (inner as EventEmitter) : null;
}

/**
 * After end(): stop the wrapper from forwarding the final "close" (the late queries' rejection) and
 * resolve once the close handshake is over (bounded), so a stop() really is a stop and the next
 * start() never overlaps a half-open socket.
 */
export function afterSocketEnd(raw: EventEmitter | null): Promise<void> {
  if (!raw) return Promise.resolve();
  raw.removeAllListeners("close");
  raw.removeAllListeners("message");
  const state = (raw as unknown as { readyState?: number }).readyState;
  // 3 = CLOSED in the ws library: nothing left to wait for.
  if (state === 3) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, CLOSE_HANDSHAKE_TIMEOUT_MS);
    timer.unref();
    raw.once("close", () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

let isSafetyNetInstalled = false;

/**
 * The 60 s timeouts of queries sent after end() cannot be silenced at the source, so their
 * rejections (a WebSocket close code, or Baileys' "Timed Out"/"Connection Closed") are logged
 * instead of ending the process. Anything else keeps Node's default: when no other handler is
 * installed, it is rethrown and ends the process as before.
 */
export function installDanglingQuerySafetyNet(logger: Logger): void {
  if (isSafetyNetInstalled) return;
  isSafetyNetInstalled = true;
  process.on("unhandledRejection", (reason) => {
    if (isDanglingQueryRejection(reason)) {
      logger.warn({ reason: String(reason) }, "a WhatsApp query on a closed socket was abandoned");
      return;
    }
    if (process.listenerCount("unhandledRejection") === 1) throw reason;
  });
}

export function isDanglingQueryRejection(reason: unknown): boolean {
  if (typeof reason === "number") return reason >= 1000 && reason < 5000;
  if (!(reason instanceof Error) || !("isBoom" in reason)) return false;
  return reason.message === "Timed Out" || reason.message === "Connection Closed";
}

/** Baileys' prefix for the event a query's answer arrives on (`Defaults.DEF_TAG_PREFIX`). */
const QUERY_ANSWER_PREFIX = "TAG:";

/**
 * Baileys' end() removes the wrapper's "close" listeners, through which a waiting query would learn
 * that its socket died; after a dropped or half-open socket each such query then waits its full 60 s
 * timeout while holding a send and its key-store transaction, stalling every send after reconnect.
 * Answering each with an error, as the server would, makes it fail now (a Boom "Connection Closed",
 * which send() treats as transient and the outbox re-sends with the same id).
 */
export function failPendingQueries(socket: WASocket): number {
  const wrapper = socket.ws as unknown as EventEmitter;
  const waiting = wrapper
    .eventNames()
    .filter((name): name is string => typeof name === "string" && name.startsWith(QUERY_ANSWER_PREFIX));
  for (const name of waiting) {
    const id = name.slice(QUERY_ANSWER_PREFIX.length);
    wrapper.emit(name, {
      tag: "iq",
      attrs: { id, type: "error" },
      content: [{ tag: "error", attrs: { code: "428", text: "Connection Closed" } }],
    });
  }
  return waiting.length;
}
