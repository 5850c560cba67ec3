/**
 * What a send's outcome does to its message: acked, re-sent with the same id (disconnect, ack timeout),
 * retried after a backoff until the attempts limit (transient), held (463), or failed (permanent).
 */
import { changeStatus, type OutboxDependencies } from "./outbox-context.js";
import type { SendOutcome } from "./attempt-send.js";
import type { OutboxRow } from "./outbox-repository.js";
import type { RecipientHolds } from "./recipient-holds.js";
import { type Described, described } from "./detail-codes.js";
import { eventFor, lastErrorFor } from "./described-columns.js";

export interface SettleOptions extends OutboxDependencies {
  ackTimeoutMs: number;
  /** Ack timeouts in a row (while connected) before a message is failed. */
  maxAckTimeouts: number;
  retryBaseDelayMs?: number;
  random: () => number;
  holds: RecipientHolds;
}

export function createSettler(options: SettleOptions) {
  // In memory: after a restart or a fresh connection, a missing ack is worth trying at once again.
  const ackTimeouts = new Map<string, number>();

  async function settle(row: OutboxRow, outcome: SendOutcome): Promise<void> {
    const now = new Date(options.clock.now());
    const requeue = (what: Described) =>
      changeStatus(options, row, {
        from: ["sending"],
        data: { status: "queued", nextAttemptAt: now, ...lastErrorFor(what) },
        event: eventFor("retry", what),
        publish: "queued",
      });
    const fail = (reason: Described, failedAttempts = row.failedAttempts) =>
      changeStatus(options, row, {
        from: ["sending"],
        data: { status: "failed", failedAt: now, failedAttempts, ...lastErrorFor(reason) },
        event: eventFor("failed", reason),
        publish: "failed",
      });
    switch (outcome.kind) {
      case "acked":
        // The "sent" write is the ack path's (apply-acks.ts); the daily cap's count waits for it.
        ackTimeouts.delete(row.id);
        return;
      case "disconnected":
        await requeue(described("disconnected_before_ack", {}));
        return;
      case "timeout": {
        const count = (ackTimeouts.get(row.id) ?? 0) + 1;
        ackTimeouts.set(row.id, count);
        if (count >= options.maxAckTimeouts) {
          ackTimeouts.delete(row.id);
          await fail(described("ack_timeout_gave_up", { count, ms: options.ackTimeoutMs }));
          return;
        }
        await requeue(described("ack_timeout_resend", { ms: options.ackTimeoutMs }));
        return;
      }
      case "transient": {
        const failures = row.failedAttempts + 1;
        const { maxAttempts } = options.settings.current();
        if (failures >= maxAttempts) {
          await fail(described("gave_up", { error: outcome.detail, attempts: failures }), failures);
          return;
        }
        const delay = retryDelayMs(failures, options.random, options.retryBaseDelayMs);
        await changeStatus(options, row, {
          from: ["sending"],
          data: {
            status: "queued",
            failedAttempts: failures,
            nextAttemptAt: new Date(now.getTime() + delay),
            ...lastErrorFor(described("send_error", { error: outcome.detail })),
          },
          event: eventFor(
            "retry",
            described("retry_backoff", {
              error: outcome.detail,
              attempt: failures,
              maxAttempts,
              seconds: Math.round(delay / 1000),
            }),
          ),
          publish: "queued",
        });
        return;
      }
      case "cold":
        await options.holds.hold(row, outcome.detail);
        return;
      case "refused":
        await fail(
          described("refused", { status: outcome.code, error: outcome.detail }),
          row.failedAttempts + 1,
        );
        return;
    }
  }

  return {
    settle,
    forgetAckTimeouts: () => ackTimeouts.clear(),
  };
}

/**
 * The wait after the n-th transient failure: base, doubling, capped at 30 min, plus up to 20 % jitter
 * (never less, so the default 8 attempts from 30 s span at least an hour: 30+60+…+1800 s = 61.5 min).
 */
export function retryDelayMs(failures: number, random: () => number, baseMs = 30_000): number {
  const base = Math.min(30 * 60_000, baseMs * 2 ** Math.max(0, failures - 1));
  return Math.round(base * (1 + 0.2 * random()));
}
