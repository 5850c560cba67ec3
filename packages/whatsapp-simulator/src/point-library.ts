import { baileys } from "./baileys.js";
import { mediaRedirectAgent } from "./media-agent.js";
import type { MediaHostInfo } from "./media-host.js";

const config = baileys.DEFAULT_CONNECTION_CONFIG;
const original = {
  waWebSocketUrl: config.waWebSocketUrl,
  qrTimeout: config.qrTimeout,
  options: config.options,
  fetchAgent: config.fetchAgent,
};

export interface PointLibraryOptions {
  /**
   * Overrides how long each QR lives (Baileys: 60 s for the first, 20 s after). Only for tests that
   * need QR expiry to happen quickly; it changes the library's own timer, not the simulator.
   */
  qrTimeoutMs?: number;
  /**
   * `sim.media.info()`: Baileys' media downloads (app-state blobs, history sync, media) and uploads
   * go to WhatsApp's host names; this routes them to the simulator's media host, trusting its CA.
   */
  media?: MediaHostInfo;
}

/**
 * THE hook that points Baileys (and so wa-multi-session, which passes no URL) at the simulator:
 * every socket spreads the exported DEFAULT_CONNECTION_CONFIG into its config. Call before the first
 * `startSession`. Test and simulated-mode code only; production never imports this package.
 */
export function pointLibraryAt(wsUrl: string, options: PointLibraryOptions = {}): void {
  config.waWebSocketUrl = wsUrl;
  config.qrTimeout = options.qrTimeoutMs;
  if (options.media) {
    const agent = mediaRedirectAgent(options.media);
    // downloads take `options` (axios), uploads `fetchAgent` (Utils/messages-media.js)
    config.options = { ...original.options, httpsAgent: agent };
    config.fetchAgent = agent;
  }
}

/** Restores WhatsApp's own URL and QR timing. */
export function resetLibraryPointer(): void {
  config.waWebSocketUrl = original.waWebSocketUrl;
  config.qrTimeout = original.qrTimeout;
  config.options = original.options;
  config.fetchAgent = original.fetchAgent;
}
