/**
 * Hand-off: an accepted message goes straight to an idle worker, in memory, instead of being read
 * back from the queue. The row is inserted already claimed ("sending", outbox-insert-store.ts), so
 * the path is one commit → send → the ack's write: no queue read and no claim write in between,
 * which under load were two round trips through one SQLite connection (BENCHMARKS.md, figure 8b).
 *
 * Only when nothing could go before it or hold it back: the worker idles and knows the queue empty
 * (no queued, held or sending row for anyone, so per-recipient order cannot be broken), the session
 * is connected, no pause, the global gap is over, and no setting needs a database read or a fetch
 * before the send (per-recipient gap, daily cap, the "on WhatsApp" check, link previews). Otherwise
 * the message is queued and the worker reads it as before.
 */
import type { OutboxRow } from "./outbox-row.js";

/** Given to the accept path when the worker reserved itself for its message. */
export interface HandOff {
  /**
   * The row is committed (as "sending"): the worker sends it now. `timeline`: its lines, when they
   * are still being written (resolves to their error or null; awaited before settling).
   */
  handOver(row: OutboxRow, timeline?: Promise<unknown>): void;
  /** The row was not inserted (a duplicate key, a failed commit): the worker looks at the queue. */
  release(): void;
}

export interface HandOffSettings {
  dailyCap: number;
  perRecipientGapMs: number;
  checkOnWhatsApp: boolean;
  linkPreviews: boolean;
}

/** Settings under which the worker can decide to send without reading the database. */
export function handOffAllowed(settings: HandOffSettings, globalNextAt: number, now: number): boolean {
  return (
    settings.dailyCap <= 0 &&
    settings.perRecipientGapMs <= 0 &&
    !settings.checkOnWhatsApp &&
    !settings.linkPreviews &&
    globalNextAt <= now
  );
}

export interface Handed {
  row: OutboxRow;
  timeline: Promise<unknown> | null;
}

/** One reservation: settles once, with the committed row or null; `settled` runs after either. */
export function createReservation(settled: () => void): { handOff: HandOff; handed: Promise<Handed | null> } {
  let resolveHanded: (handed: Handed | null) => void = () => {};
  const handed = new Promise<Handed | null>((resolve) => {
    resolveHanded = resolve;
  });
  let done = false;
  const settle = (value: Handed | null) => {
    if (done) return;
    done = true;
    resolveHanded(value);
    settled();
  };
  return {
    handOff: {
      handOver: (row, timeline) => settle({ row, timeline: timeline ?? null }),
      release: () => settle(null),
    },
    handed,
  };
}
