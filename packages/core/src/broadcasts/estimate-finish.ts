/**
 * When a broadcast's last message should go out, from what the outbox will do: one message per
 * average pacing gap, and no more than the daily cap per calendar day of the organisation. The
 * per-recipient gap does not slow a broadcast (one message per number), so it is not counted.
 */
import type { Settings } from "../contract.js";
import { startOfNextDayIn } from "../settings/time-zone.js";

export interface EstimateInput {
  now: number;
  /** Messages still to send: rows not yet fed plus those queued in the outbox. */
  remaining: number;
  /** Messages the outbox already sent today (organisation's day). */
  sentToday: number;
  settings: Pick<Settings, "minGapMs" | "maxGapMs" | "dailyCap" | "timeZone">;
}

/** The expected instant of the last send, or null when nothing remains. */
export function estimateFinish(input: EstimateInput): number | null {
  const { now, remaining, settings } = input;
  if (remaining <= 0) return null;
  const gap = (settings.minGapMs + settings.maxGapMs) / 2;
  if (settings.dailyCap <= 0) return Math.round(now + remaining * gap);
  const leftToday = Math.max(0, settings.dailyCap - input.sentToday);
  if (remaining <= leftToday) return Math.round(now + remaining * gap);
  // the rest goes out day by day from each midnight, a full cap per day
  let left = remaining - leftToday;
  let dayStart = startOfNextDayIn(now, settings.timeZone);
  while (left > settings.dailyCap) {
    left -= settings.dailyCap;
    dayStart = startOfNextDayIn(dayStart, settings.timeZone);
  }
  return Math.round(dayStart + left * gap);
}
