import { describe, expect, it } from "vitest";
import {
  dayKeyIn,
  isKnownTimeZone,
  startOfDayIn,
  startOfNextDayIn,
  zonedTimeToInstant,
} from "./time-zone.js";

describe("days in the organisation's time zone", () => {
  it("knows IANA names and refuses others", () => {
    expect(isKnownTimeZone("Asia/Jakarta")).toBe(true);
    expect(isKnownTimeZone("Asia/Makassar")).toBe(true);
    expect(isKnownTimeZone("Mars/Olympus")).toBe(false);
    expect(isKnownTimeZone("")).toBe(false);
  });

  it("turns Jakarta wall-clock times into instants", () => {
    const local = { year: 2026, month: 12, day: 24, hour: 6, minute: 0 };
    expect(zonedTimeToInstant(local, "Asia/Jakarta")).toBe(Date.UTC(2026, 11, 23, 23, 0));
  });

  it("names the day a UTC evening falls on in Jakarta", () => {
    expect(dayKeyIn(Date.UTC(2026, 11, 31, 18, 0), "Asia/Jakarta")).toBe("2027-01-01");
    expect(dayKeyIn(Date.UTC(2026, 11, 31, 18, 0), "UTC")).toBe("2026-12-31");
  });

  it("keeps a day 23 or 25 hours long across daylight-saving changes", () => {
    // Europe/Amsterdam springs forward on 29 March 2026 and falls back on 25 October 2026.
    const spring = Date.UTC(2026, 2, 29, 12);
    expect(startOfNextDayIn(spring, "Europe/Amsterdam") - startOfDayIn(spring, "Europe/Amsterdam")).toBe(
      23 * 3_600_000,
    );
    const autumn = Date.UTC(2026, 9, 25, 12);
    expect(startOfNextDayIn(autumn, "Europe/Amsterdam") - startOfDayIn(autumn, "Europe/Amsterdam")).toBe(
      25 * 3_600_000,
    );
  });
});
