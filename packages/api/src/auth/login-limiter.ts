/**
 * Slows password guessing without letting anyone lock the admin out. Only failures count: per
 * address, at most `perAddressPerMinute` wrong passwords a minute; and per account (there is one
 * admin), after ACCOUNT_FREE_FAILURES wrong passwords in a row from anywhere, each further attempt
 * waits a backoff that doubles up to MAX_ACCOUNT_BACKOFF_MS. A right password resets the account.
 * In memory on purpose: one process, and a restart forgetting the counts is harmless.
 */
const WINDOW_MS = 60_000;
export const ACCOUNT_FREE_FAILURES = 20;
export const MAX_ACCOUNT_BACKOFF_MS = 60_000;

export type LoginVerdict = { allowed: true } | { allowed: false; retryAfterSeconds: number };

export class LoginLimiter {
  private readonly failuresByAddress = new Map<string, number[]>();
  private accountFailures = 0;
  private accountBlockedUntil = 0;

  constructor(
    private readonly perAddressPerMinute: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Whether an attempt from this address may be checked now (counts nothing). */
  check(address: string): LoginVerdict {
    const now = this.now();
    const recent = this.recentFailures(address, now);
    if (recent.length >= this.perAddressPerMinute) {
      const oldest = recent[0] ?? now;
      return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((oldest + WINDOW_MS - now) / 1000)) };
    }
    if (now < this.accountBlockedUntil) {
      return {
        allowed: false,
        retryAfterSeconds: Math.max(1, Math.ceil((this.accountBlockedUntil - now) / 1000)),
      };
    }
    return { allowed: true };
  }

  recordFailure(address: string): void {
    const now = this.now();
    this.prune(now);
    this.failuresByAddress.set(address, [...this.recentFailures(address, now), now]);
    this.accountFailures += 1;
    const overFree = this.accountFailures - ACCOUNT_FREE_FAILURES;
    if (overFree >= 0) {
      this.accountBlockedUntil = now + Math.min(1_000 * 2 ** Math.min(overFree, 16), MAX_ACCOUNT_BACKOFF_MS);
    }
  }

  recordSuccess(): void {
    this.accountFailures = 0;
    this.accountBlockedUntil = 0;
  }

  private recentFailures(address: string, now: number): number[] {
    return (this.failuresByAddress.get(address) ?? []).filter((at) => now - at < WINDOW_MS);
  }

  private prune(now: number): void {
    for (const [address, times] of this.failuresByAddress) {
      if (times.every((at) => now - at >= WINDOW_MS)) this.failuresByAddress.delete(address);
    }
  }
}
