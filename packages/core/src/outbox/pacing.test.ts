import { describe, expect, it } from "vitest";
import { decidePacing, drawGapMs, startOfDay, startOfNextDay } from "./pacing.js";

const base = {
  now: 10_000,
  settings: { perRecipientGapMs: 5_000, dailyCap: 3 },
  globalNextAt: 0,
  lastToRecipientAt: null,
  sentToday: 0,
  startOfTomorrow: 86_400_000,
};

describe("pacing", () => {
  it("sends when every gap has passed", () => {
    expect(decidePacing(base)).toEqual({ kind: "send" });
  });

  it("waits for the global gap", () => {
    expect(decidePacing({ ...base, globalNextAt: 12_000 })).toEqual({
      kind: "wait",
      until: 12_000,
      reason: "gap",
    });
  });

  it("waits for the per-recipient gap when it ends later", () => {
    expect(decidePacing({ ...base, globalNextAt: 11_000, lastToRecipientAt: 8_000 })).toEqual({
      kind: "wait",
      until: 13_000,
      reason: "recipient_gap",
    });
  });

  it("holds everything until tomorrow once the daily cap is reached, and 0 means no cap", () => {
    expect(decidePacing({ ...base, sentToday: 3 })).toEqual({
      kind: "wait",
      until: 86_400_000,
      reason: "daily_cap",
    });
    expect(decidePacing({ ...base, sentToday: 3, settings: { ...base.settings, dailyCap: 0 } })).toEqual({
      kind: "send",
    });
  });

  it("draws gaps within the configured range", () => {
    const settings = { minGapMs: 1000, maxGapMs: 3000 };
    expect(drawGapMs(settings, () => 0)).toBe(1000);
    expect(drawGapMs(settings, () => 0.5)).toBe(2000);
    expect(drawGapMs(settings, () => 0.999_999)).toBe(3000);
    expect(drawGapMs({ minGapMs: 0, maxGapMs: 0 }, Math.random)).toBe(0);
  });

  it("counts days in the organisation's time zone, not the server's", () => {
    // 20:30 UTC on 25 November is already 03:30 on the 26th in Jakarta (UTC+7).
    const evening = Date.UTC(2026, 10, 25, 20, 30);
    expect(startOfDay(evening, "Asia/Jakarta")).toBe(Date.UTC(2026, 10, 25, 17, 0));
    expect(startOfNextDay(evening, "Asia/Jakarta")).toBe(Date.UTC(2026, 10, 26, 17, 0));
    expect(startOfDay(evening, "UTC")).toBe(Date.UTC(2026, 10, 25));
  });
});
