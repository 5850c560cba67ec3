/**
 * Several nodes: a follower has no socket, so its status is the owner's, read from the WhatsAppSession
 * row the owner writes (state, reason, linked number, last disconnect) once a second. The QR and the
 * pairing code are not in the row: the cluster event bus carries them.
 */
import type { Logger } from "pino";
import type { SessionState } from "../contract.js";
import type { SessionRepository } from "./session-repository.js";
import type { SessionStatusStore } from "./session-status-store.js";

export const MIRROR_INTERVAL_MS = 1_000;

export function createFollowerMirror(deps: {
  repository: SessionRepository;
  store: SessionStatusStore;
  logger: Logger;
  intervalMs?: number;
}) {
  const { repository, store, logger } = deps;
  let timer: NodeJS.Timeout | null = null;
  let reading = false;

  async function read(): Promise<void> {
    if (reading) return;
    reading = true;
    try {
      const live = await repository.findLive();
      if (timer === null) return;
      const current = store.current();
      const state = toState(live?.state);
      const same =
        current.session?.updatedAt === live?.record.updatedAt &&
        current.state === state &&
        current.reason === (live?.stateReason ?? null) &&
        current.linkedNumber === (live?.linkedNumber ?? null) &&
        current.lastDisconnectAt === (live?.lastDisconnectAt ?? null);
      if (same) return;
      store.set({
        session: live?.record ?? null,
        state,
        reason: live?.stateReason ?? null,
        reasonCode: null,
        linkedNumber: live?.linkedNumber ?? null,
        lastConnectedAt: live?.lastConnectedAt ?? null,
        lastDisconnectAt: live?.lastDisconnectAt ?? null,
        lastDisconnectReason: live?.lastDisconnectReason ?? null,
        lastDisconnectCode: live?.lastDisconnectCode ?? null,
        reconnectAttempts: live?.reconnectAttempts ?? 0,
        ...(state === "waiting_qr" ? {} : { qr: null }),
        ...(state === "waiting_pairing_code" ? {} : { pairingCode: null }),
      });
    } catch (error) {
      logger.warn({ err: error }, "could not read the owner's session status");
    } finally {
      reading = false;
    }
  }

  return {
    start(): void {
      if (timer !== null) return;
      timer = setInterval(() => void read(), deps.intervalMs ?? MIRROR_INTERVAL_MS);
      timer.unref();
      void read();
    },
    stop(): void {
      if (timer !== null) clearInterval(timer);
      timer = null;
    },
  };
}

// Every state, so a state added to the contract must be added here too (the compiler says so).
const STATES: Record<SessionState, true> = {
  disconnected: true,
  connecting: true,
  waiting_qr: true,
  waiting_pairing_code: true,
  connected: true,
  logged_out: true,
  client_too_old: true,
  banned: true,
  replaced: true,
};

function toState(value: string | undefined): SessionState {
  return value !== undefined && Object.hasOwn(STATES, value) ? (value as SessionState) : "disconnected";
}
