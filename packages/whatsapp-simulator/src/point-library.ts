import { baileys } from "./baileys.js";

const original = {
  waWebSocketUrl: baileys.DEFAULT_CONNECTION_CONFIG.waWebSocketUrl,
  qrTimeout: baileys.DEFAULT_CONNECTION_CONFIG.qrTimeout,
};

export interface PointLibraryOptions {
  /**
   * Overrides how long each QR lives (Baileys: 60 s for the first, 20 s after). Only for tests that
   * need QR expiry to happen quickly; it changes the library's own timer, not the simulator.
   */
  qrTimeoutMs?: number;
}

/**
 * THE hook that points Baileys (and so wa-multi-session, which passes no URL) at the simulator:
 * every socket spreads the exported DEFAULT_CONNECTION_CONFIG into its config. Call before the first
 * `startSession`. Test and simulated-mode code only; production never imports this package.
 */
export function pointLibraryAt(wsUrl: string, options: PointLibraryOptions = {}): void {
  baileys.DEFAULT_CONNECTION_CONFIG.waWebSocketUrl = wsUrl;
  baileys.DEFAULT_CONNECTION_CONFIG.qrTimeout = options.qrTimeoutMs;
}

/** Restores WhatsApp's own URL and QR timing. */
export function resetLibraryPointer(): void {
  baileys.DEFAULT_CONNECTION_CONFIG.waWebSocketUrl = original.waWebSocketUrl;
  baileys.DEFAULT_CONNECTION_CONFIG.qrTimeout = original.qrTimeout;
}
