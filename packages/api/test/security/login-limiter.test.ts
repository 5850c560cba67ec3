/** The login limit counts wrong passwords only, per address, and backs the account off without locking it. */
import { describe, expect, it } from "vitest";
import { ACCOUNT_FREE_FAILURES, LoginLimiter, MAX_ACCOUNT_BACKOFF_MS } from "../../src/auth/login-limiter.js";

function limiter(perMinute = 3) {
  const clock = { now: 1_000_000 };
  return { clock, limit: new LoginLimiter(perMinute, () => clock.now) };
}

describe("LoginLimiter", () => {
  it("never counts successes: the admin logging in often is never limited", () => {
    const { limit } = limiter();
    for (let index = 0; index < 100; index += 1) {
      expect(limit.check("203.0.113.7")).toEqual({ allowed: true });
      limit.recordSuccess();
    }
  });

  it("limits one address after its failures, leaving other addresses alone, for a minute", () => {
    const { clock, limit } = limiter();
    for (let index = 0; index < 3; index += 1) limit.recordFailure("6.6.6.6");
    expect(limit.check("6.6.6.6")).toMatchObject({ allowed: false });
    expect(limit.check("203.0.113.7")).toEqual({ allowed: true });
    clock.now += 60_000;
    expect(limit.check("6.6.6.6")).toEqual({ allowed: true });
  });

  it("backs the account off after many failures from many addresses, capped, and a success resets it", () => {
    const { clock, limit } = limiter(1_000);
    for (let index = 0; index < ACCOUNT_FREE_FAILURES - 1; index += 1) limit.recordFailure(`10.0.0.${index}`);
    expect(limit.check("203.0.113.7")).toEqual({ allowed: true });
    limit.recordFailure("10.0.1.1");
    expect(limit.check("203.0.113.7")).toEqual({ allowed: false, retryAfterSeconds: 1 });
    for (let index = 0; index < 30; index += 1) limit.recordFailure("10.0.1.2");
    const verdict = limit.check("203.0.113.7");
    expect(verdict).toEqual({ allowed: false, retryAfterSeconds: MAX_ACCOUNT_BACKOFF_MS / 1000 });
    clock.now += MAX_ACCOUNT_BACKOFF_MS;
    expect(limit.check("203.0.113.7")).toEqual({ allowed: true });
    limit.recordSuccess();
    limit.recordFailure("10.0.1.3");
    expect(limit.check("203.0.113.7")).toEqual({ allowed: true });
  });
});
