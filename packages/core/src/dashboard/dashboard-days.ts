import { dayKeyIn, startOfDayIn, startOfNextDayIn } from "../settings/time-zone.js";

/** How many calendar days the dashboard's chart covers, today included. */
export const DASHBOARD_DAYS = 14;

export interface DayWindow {
  /** YYYY-MM-DD in the time zone. */
  day: string;
  /** Inclusive start and exclusive end, epoch milliseconds. */
  start: number;
  end: number;
}

/**
 * The last `count` calendar days in `timeZone` up to and including the day of `now`, oldest first.
 * Each day runs midnight to midnight on the organiser's wall clock, so a day across a
 * daylight-saving change is 23 or 25 hours long rather than a fixed 24.
 */
export function dayWindows(now: number, timeZone: string, count = DASHBOARD_DAYS): DayWindow[] {
  let start = startOfDayIn(now, timeZone);
  // Step back one day at a time from today's midnight: the instant just before a midnight lies in
  // the previous day, whatever that day's length.
  for (let back = 1; back < count; back += 1) start = startOfDayIn(start - 1, timeZone);
  const windows: DayWindow[] = [];
  for (let index = 0; index < count; index += 1) {
    const end = startOfNextDayIn(start, timeZone);
    windows.push({ day: dayKeyIn(start, timeZone), start, end });
    start = end;
  }
  return windows;
}
