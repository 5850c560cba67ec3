/**
 * Core's reconnect policy: exponential backoff with jitter, so a fleet of clients (or one client
 * after a server restart) does not hammer WhatsApp in lock-step, and a long outage settles at one try
 * a minute instead of wa-multi-session's ten instant retries.
 */
export interface ReconnectOptions {
  /** Upper bound of the first delay; default 1 s. */
  initialDelayMs?: number;
  /** No delay is ever longer; default 60 s. */
  maxDelayMs?: number;
}

export const DEFAULT_INITIAL_DELAY_MS = 1_000;
export const DEFAULT_MAX_DELAY_MS = 60_000;

/**
 * The wait before reconnect attempt `attempt` (0 for the first): a ceiling that doubles each time up
 * to the cap, and a delay drawn from its upper half ("equal jitter"), so it never drops to zero.
 */
export function reconnectDelayMs(
  attempt: number,
  options: ReconnectOptions = {},
  random = Math.random,
): number {
  const initial = options.initialDelayMs ?? DEFAULT_INITIAL_DELAY_MS;
  const max = options.maxDelayMs ?? DEFAULT_MAX_DELAY_MS;
  // 2^31 is far past any cap; stop doubling there so the number stays finite.
  const ceiling = Math.min(max, initial * 2 ** Math.min(Math.max(attempt, 0), 31));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}
