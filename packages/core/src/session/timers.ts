/**
 * The timers the connection supervisor waits with. Injectable so tests can assert "no attempt in
 * the next 10 minutes" with a fake clock while the real library and simulator run in real time.
 */
export interface Timers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemTimers: Timers = {
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};
