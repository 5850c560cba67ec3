import { startOfDayIn, startOfNextDayIn } from "../settings/time-zone.js";
import type { Settings } from "../contract.js";

export interface PacingInput {
  now: number;
  settings: Pick<Settings, "perRecipientGapMs" | "dailyCap">;
  /** Earliest time the global gap (with its jitter, drawn after the last send) allows. */
  globalNextAt: number;
  /** Last attempt or server ack to this recipient, if any. */
  lastToRecipientAt: number | null;
  /** Messages that reached "sent" since the start of today. */
  sentToday: number;
  /** Start of tomorrow in the same clock, for the daily cap. */
  startOfTomorrow: number;
}

export type PacingDecision =
  | { kind: "send" }
  | { kind: "wait"; until: number; reason: "gap" | "recipient_gap" }
  /** The daily cap is reached: the wait is long enough to record on the message. */
  | { kind: "wait"; until: number; reason: "daily_cap" };

/** Decides whether the next message may go now, and if not, until when it waits and why. */
export function decidePacing(input: PacingInput): PacingDecision {
  const { now, settings } = input;
  // 0 means "no cap": a cap of zero messages a day would be an outbox that never sends.
  if (settings.dailyCap > 0 && input.sentToday >= settings.dailyCap) {
    return { kind: "wait", until: input.startOfTomorrow, reason: "daily_cap" };
  }
  const recipientNextAt =
    input.lastToRecipientAt === null
      ? Number.NEGATIVE_INFINITY
      : input.lastToRecipientAt + settings.perRecipientGapMs;
  if (recipientNextAt > now && recipientNextAt >= input.globalNextAt) {
    return { kind: "wait", until: recipientNextAt, reason: "recipient_gap" };
  }
  if (input.globalNextAt > now) return { kind: "wait", until: input.globalNextAt, reason: "gap" };
  return { kind: "send" };
}

/** The jittered gap after a send: uniform in [minGapMs, maxGapMs], so the rhythm never looks scripted. */
export function drawGapMs(settings: Pick<Settings, "minGapMs" | "maxGapMs">, random: () => number): number {
  const low = Math.min(settings.minGapMs, settings.maxGapMs);
  const high = Math.max(settings.minGapMs, settings.maxGapMs);
  return Math.round(low + (high - low) * random());
}

/** Midnight after `now` in the organisation's time zone: the daily cap counts the organiser's calendar day. */
export function startOfNextDay(now: number, timeZone: string): number {
  return startOfNextDayIn(now, timeZone);
}

export function startOfDay(now: number, timeZone: string): number {
  return startOfDayIn(now, timeZone);
}
