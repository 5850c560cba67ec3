/**
 * "What may go next": the worker's whole scheduling decision as a pure function over plain data,
 * so per-recipient order, gaps, backoffs and the daily cap are tested without a database or a clock.
 */
import type { Settings } from "../contract.js";
import { decidePacing } from "./pacing.js";

/** The oldest unfinished message of one recipient, when it is queued (not held, not in flight). */
export interface QueuedHead {
  id: string;
  to: string;
  seq: number;
  /** Backoff after a transient error, or the daily cap's wait, recorded on the row. */
  nextAttemptAt: number;
}

export interface NextSendInput {
  now: number;
  settings: Pick<Settings, "perRecipientGapMs" | "dailyCap">;
  /** Earliest time the global gap (drawn after the last send) allows any send. */
  globalNextAt: number;
  heads: readonly QueuedHead[];
  /** Last attempt or server ack per recipient, for the per-recipient gap. */
  lastToRecipientAt: ReadonlyMap<string, number>;
  sentToday: number;
  startOfTomorrow: number;
}

export type NextSend =
  | { kind: "send"; head: QueuedHead }
  /** Nothing may go before `until`; null: nothing is queued, wait for a wake. */
  | { kind: "wait"; until: number | null }
  /** The daily cap is reached: `head` is the message to mark as waiting for tomorrow. */
  | { kind: "daily_cap"; until: number; head: QueuedHead };

/**
 * Of the recipients' heads, the oldest one that may go now. A head held back by its recipient's gap
 * or its own backoff never delays another recipient's; the global gap and the daily cap hold all.
 */
export function decideNextSend(input: NextSendInput): NextSend {
  const ordered = [...input.heads].sort((a, b) => a.seq - b.seq);
  const oldest = ordered[0];
  if (!oldest) return { kind: "wait", until: null };
  let earliest = Number.POSITIVE_INFINITY;
  for (const head of ordered) {
    const pacing = decidePacing({
      now: input.now,
      settings: input.settings,
      globalNextAt: input.globalNextAt,
      lastToRecipientAt: input.lastToRecipientAt.get(head.to) ?? null,
      sentToday: input.sentToday,
      startOfTomorrow: input.startOfTomorrow,
    });
    if (pacing.kind === "wait" && pacing.reason === "daily_cap") {
      return { kind: "daily_cap", until: pacing.until, head: oldest };
    }
    const readyAt = Math.max(head.nextAttemptAt, pacing.kind === "wait" ? pacing.until : input.now);
    // Heads are in seq order: the first that may go now is the oldest that may.
    if (readyAt <= input.now) return { kind: "send", head };
    earliest = Math.min(earliest, Math.max(readyAt, input.globalNextAt));
  }
  return { kind: "wait", until: earliest };
}
