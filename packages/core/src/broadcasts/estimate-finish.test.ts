import { describe, expect, it } from "vitest";
import { estimateFinish } from "./estimate-finish.js";

const JAKARTA = "Asia/Jakarta";
// 2026-12-02 20:00 in Jakarta (UTC+7)
const EVENING = Date.parse("2026-12-02T13:00:00Z");

describe("estimateFinish", () => {
  it("is one average gap per message when the cap allows them all today", () => {
    const settings = { minGapMs: 2000, maxGapMs: 4000, dailyCap: 0, timeZone: JAKARTA };
    expect(estimateFinish({ now: EVENING, remaining: 10, sentToday: 0, settings })).toBe(EVENING + 30_000);
    expect(estimateFinish({ now: EVENING, remaining: 0, sentToday: 0, settings })).toBeNull();
  });

  it("moves what is over today's cap to the next days from the organisation's midnight", () => {
    const settings = { minGapMs: 1000, maxGapMs: 1000, dailyCap: 100, timeZone: JAKARTA };
    // 40 left today, then 100 tomorrow, then 10 the day after
    const eta = estimateFinish({ now: EVENING, remaining: 150, sentToday: 60, settings });
    expect(eta).toBe(Date.parse("2026-12-03T17:00:00Z") + 10_000);
  });
});
