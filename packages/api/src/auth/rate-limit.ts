/**
 * Fixed-window counter per key (the client IP). In memory on purpose: there is one process,
 * and a restart forgetting the counts is harmless.
 */
export class RateLimiter {
  private readonly windows = new Map<string, { startedAt: number; count: number }>();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Counts one attempt; says whether it may go ahead and, if not, in how many seconds to retry. */
  attempt(key: string): { allowed: true } | { allowed: false; retryAfterSeconds: number } {
    const now = this.now();
    const current = this.windows.get(key);
    if (!current || now - current.startedAt >= this.windowMs) {
      this.prune(now);
      this.windows.set(key, { startedAt: now, count: 1 });
      return { allowed: true };
    }
    current.count += 1;
    if (current.count <= this.limit) return { allowed: true };
    return { allowed: false, retryAfterSeconds: Math.ceil((current.startedAt + this.windowMs - now) / 1000) };
  }

  private prune(now: number): void {
    for (const [key, window] of this.windows) {
      if (now - window.startedAt >= this.windowMs) this.windows.delete(key);
    }
  }
}
