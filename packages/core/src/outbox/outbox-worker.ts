/**
 * The single worker that delivers the outbox: one message in flight, waiting for the server ack
 * before the next. Which message goes next is decideNextSend's (next-send.ts): in order per
 * recipient, so a recipient waiting out its gap, a backoff or a hold never delays the others. One in
 * flight is what makes "same WhatsApp id on retry" cheap to reason about and keeps the rhythm
 * WhatsApp sees human.
 */
import { type Described, described } from "./detail-codes.js";
import { eventFor, lastErrorFor } from "./described-columns.js";
import {
  type OutboxDependencies,
  changeStatus,
  changeStatusBeforeTimeline,
  publishStatus,
} from "./outbox-context.js";
import { createReservation, type HandOff, type Handed, handOffAllowed } from "./hand-off.js";
import { applyAcks } from "./apply-acks.js";
import { attemptSend, outboxMessageLookup, type SendOutcome } from "./attempt-send.js";
import { createSendLatency, type LatencyHistogram } from "./send-latency.js";
import type { OutboxRow } from "./outbox-repository.js";
import { drawGapMs, startOfDay, startOfNextDay } from "./pacing.js";
import { interruptibleDelay } from "./interruptible-delay.js";
import { buildLinkPreview, type LinkPreviewOptions } from "./link-preview.js";
import { decideNextSend } from "./next-send.js";
import { OutboxPause } from "./outbox-pause.js";
import { createRecipientHolds } from "./recipient-holds.js";
import { createSettler } from "./settle-send.js";
import { isOnWhatsAppAnswerFresh } from "./on-whatsapp-answers.js";

export interface OutboxWorkerOptions extends OutboxDependencies {
  /** No server ack within this time → re-send with the same WhatsApp id. */
  ackTimeoutMs: number;
  /** How long 463s from several recipients (a restricted account) pause the outbox. */
  restrictedCooldownMs: number;
  /** The first transient failure's backoff (doubling after); default 30 s. Tests shorten it. */
  retryBaseDelayMs?: number;
  /** How link previews are fetched when the setting is on (tests trust a local certificate). */
  linkPreview?: LinkPreviewOptions;
  /** Ack timeouts in a row (while connected) before a message is failed. */
  maxAckTimeouts?: number;
  random?: () => number;
}

export interface OutboxWorker {
  /**
   * Re-queues messages a killed process left in "sending", then starts delivering. Several nodes: may be
   * called again after close(), when this node owns the session again.
   */
  start(): Promise<void>;
  /** Look at the queue again now (a message was queued, settings changed, a day began). */
  wake(): void;
  /**
   * Reserves the idle worker for the message being accepted (hand-off.ts), or null when it must be
   * queued. Synchronous: the answer holds until the reservation is handed over or released.
   */
  reserveHandOff(): HandOff | null;
  /** Ends a 463 pause before its cool-down is over. */
  resume(): void;
  /** Pauses until resumeByHand, also across restarts. */
  pauseByHand(reason: string): Promise<void>;
  /** Ends the pause by hand and the 463 pause. */
  resumeByHand(): Promise<void>;
  pausedReason(): string | null;
  /** The same reason with its code and parameters, for the panel to translate. */
  pausedDescribed(): Described | null;
  isPausedByHand(): boolean;
  /** Send attempt → first ack: the last 1000 samples, for a panel. */
  latencySamples(): number[];
  /** The same, cumulative since start, for /metrics. */
  latencyHistogram(): LatencyHistogram;
  close(): Promise<void>;
}

const MAX_REMEMBERED_RECIPIENTS = 1000;
// A database that comes back should not wait long for the worker to notice.
const MAX_STEP_BACKOFF_MS = 10_000;

export function createOutboxWorker(options: OutboxWorkerOptions): OutboxWorker {
  const { repository, session, clock, logger } = options;
  const random = options.random ?? Math.random;
  const lastToRecipient = new Map<string, number>();
  const latency = createSendLatency(options.port, () => clock.now());
  const cleanups: (() => void)[] = [];
  let globalNextAt = 0;
  let acks: ReturnType<typeof applyAcks> | null = null;
  let closed = false;
  let running: Promise<void> | null = null;
  let wasConnected = false;
  let inflightAbort: ((outcome: SendOutcome) => void) | null = null;
  // wake() during a step must not be lost: the flag makes the next idle wait return at once.
  let wakePending = false;
  let wakeIdle: (() => void) | null = null;
  let endBackOff: (() => void) | null = null;
  // What the worker knows of the queue for a hand-off (hand-off.ts): "none" unfinished at all (it
  // idles), only the message in "flight" (nothing waits behind it), or "unknown". Known only from a
  // look at the queue, or a hand-off, with no wake() since: a wake means something else changed.
  let known: "none" | "flight" | "unknown" = "unknown";
  let reservation: Reservation | null = null;
  const pause = new OutboxPause(options, () => wake());
  const holds = createRecipientHolds(options, pause, () => wake());
  const settler = createSettler({
    ...options,
    maxAckTimeouts: options.maxAckTimeouts ?? 10,
    random,
    holds,
  });

  function wake(): void {
    wakePending = true;
    known = "unknown";
    wakeIdle?.();
  }

  function idle(until: number | null): Promise<void> {
    if (wakePending || closed) {
      wakePending = false;
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => {
      const timer = until === null ? null : setTimeout(done, Math.max(0, until - clock.now()));
      function done(): void {
        if (timer) clearTimeout(timer);
        wakeIdle = null;
        wakePending = false;
        resolve();
      }
      wakeIdle = done;
    });
  }

  async function backOff(ms: number): Promise<void> {
    if (closed) return;
    const wait = interruptibleDelay(ms);
    endBackOff = wait.cut;
    await wait.done;
    endBackOff = null;
  }

  function isConnected(): boolean {
    return session.status().state === "connected" && session.activeSessionId() !== null;
  }

  function onConnectionChange(): void {
    const connected = isConnected();
    if (connected && !wasConnected) {
      // A fresh connection is the reason to try now: backoffs earned while the socket was dying
      // would only delay the queue.
      settler.forgetAckTimeouts();
    }
    if (!connected) inflightAbort?.({ kind: "disconnected" });
    wasConnected = connected;
    wake();
  }

  function reserveHandOff(): HandOff | null {
    if (closed || reservation !== null || wakePending) return null;
    // Idle with nothing unfinished, or sending the only unfinished message: nothing can go before.
    if (!(known === "flight" || (known === "none" && wakeIdle !== null))) return null;
    if (!isConnected() || pause.isByHand() || pause.until() !== null) return null;
    if (!handOffAllowed(options.settings.current(), globalNextAt, clock.now())) return null;
    known = "unknown";
    // Not wake(): a pending wake means "something else changed" and would cost a queue read.
    const reserved = createReservation(() => wakeIdle?.());
    reservation = { handed: reserved.handed, behindFailure: false };
    return reserved.handOff;
  }

  /** A message handed off: inserted as "sending", so it goes out like a claimed one. */
  async function sendHanded(
    { row, timeline }: Handed,
    behindFailure: boolean,
  ): Promise<number | null | "again"> {
    publishStatus(options, row, { publish: "sending", event: { detail: null } });
    if (behindFailure || !isConnected() || pause.isByHand() || pause.until() !== null) {
      // Not sent: its lines first, so the timeline stays in order (a failed line fails the step).
      const timelineError = await timeline;
      if (timelineError !== null && timelineError !== undefined) throw timelineError;
    }
    // The message sent before it was not acknowledged and goes out again: this one waits its turn.
    if (behindFailure) return backToQueue(row, described("handoff_behind_resend", {}));
    if (pause.isByHand() || pause.until() !== null) return backToQueue(row, described("handoff_paused", {}));
    const sessionId = session.activeSessionId();
    if (sessionId === null || !isConnected()) {
      await settler.settle(row, { kind: "disconnected" });
      return "again";
    }
    // Reserved while another message was in flight: that send set the global gap.
    const gap = globalNextAt - clock.now();
    if (gap > 0) await backOff(gap);
    if (!wakePending) known = "flight";
    const outcome = await sendClaimed(row, sessionId, null, timeline);
    if (outcome.kind !== "acked" || reservation !== null) return "again";
    // A message accepted meanwhile went to the queue; if it is to the same recipient, it waits
    // behind this one until the ack's "sent" is written (as in step()).
    if (wakePending) {
      await acks?.settled();
      return "again";
    }
    known = "none";
    return null;
  }

  /** Undoes a hand-off's claim: the message waits in the queue, in its place (seq). */
  async function backToQueue(row: OutboxRow, why: Described): Promise<"again"> {
    await changeStatus(options, row, {
      from: ["sending"],
      data: { status: "queued", attempts: { decrement: 1 } },
      event: eventFor("retry", why),
      publish: "queued",
    });
    return "again";
  }

  async function step(): Promise<number | null | "again"> {
    known = "unknown";
    if (!isConnected() || pause.isByHand()) return null;
    const pausedUntil = pause.until();
    if (pausedUntil !== null) return pausedUntil;
    const { heads, followed, unfinished } = await repository.queuedHeads();
    if (heads.length === 0) {
      if (unfinished === 0 && !wakePending) known = "none";
      return null;
    }
    const now = clock.now();
    const settings = options.settings.current();
    const decision = decideNextSend({
      now,
      settings,
      globalNextAt,
      heads: heads.map((row) => ({ ...row, nextAttemptAt: row.nextAttemptAt.getTime() })),
      lastToRecipientAt: await lastSentToEach(heads, settings.perRecipientGapMs),
      sentToday: settings.dailyCap > 0 ? await sentToday(now, settings.timeZone) : 0,
      startOfTomorrow: startOfNextDay(now, settings.timeZone),
    });
    if (decision.kind === "wait") return decision.until;
    const row = heads.find((head) => head.id === decision.head.id);
    if (!row) return "again";
    if (decision.kind === "daily_cap") {
      await holdForDailyCap(row, decision.until, settings.dailyCap);
      return decision.until;
    }
    const sessionId = session.activeSessionId();
    if (sessionId === null) return null;
    if (settings.checkOnWhatsApp && !(await isOnWhatsApp(sessionId, row.to))) {
      await changeStatus(options, row, {
        from: ["queued"],
        data: {
          status: "failed",
          failedAt: new Date(now),
          ...lastErrorFor(described("not_on_whatsapp", {})),
        },
        event: eventFor("failed", described("not_on_whatsapp", {})),
        publish: "failed",
      });
      return "again";
    }
    // Off by default; when on, fetched before the claim: the message stays cancellable meanwhile.
    const linkPreview =
      settings.linkPreviews && row.type === "text" && row.text !== null
        ? await buildLinkPreview(row.text, options.linkPreview)
        : null;
    // The claim is written before the send (a cancel after it finds the message no longer queued);
    // its timeline line is written while the message goes out, and awaited before settling.
    const claimTimeline = await changeStatusBeforeTimeline(options, row, {
      from: ["queued"],
      data: { status: "sending", attempts: { increment: 1 } },
      event:
        row.attempts > 0
          ? eventFor("sending", described("attempt", { attempt: row.attempts + 1 }))
          : { status: "sending", detail: null },
      publish: "sending",
    });
    if (claimTimeline === null) return "again";
    if (heads.length === 1 && unfinished === 1 && !wakePending) known = "flight";
    const outcome = await sendClaimed(row, sessionId, linkPreview, claimTimeline.timelineError);
    // A message handed off meanwhile (hand-off.ts) goes next.
    if (outcome.kind !== "acked" || reservation !== null) return "again";
    // The ack's "sent" is written on the ack path; until then this message still holds back its
    // recipient's next one: wait for that write only when there is one.
    if (followed.has(row.to)) {
      await acks?.settled();
      return "again";
    }
    // Nothing else was queued: a new message, a released hold or a setting wakes the worker.
    if (heads.length > 1) return "again";
    if (known === "flight") known = "none";
    return null;
  }

  /** The send of a claimed message, and what its outcome does to it; the claim's line awaited before settling. */
  async function sendClaimed(
    row: OutboxRow,
    sessionId: string,
    linkPreview: Awaited<ReturnType<typeof buildLinkPreview>>,
    claimTimelineError: Promise<unknown> | null,
  ): Promise<SendOutcome> {
    const settings = options.settings.current();
    latency.attemptStarted(row.waMessageId);
    const attempted = await attemptSend(
      options,
      sessionId,
      row,
      options.ackTimeoutMs,
      (abort) => {
        inflightAbort = abort;
        // The socket may have dropped, or close() been called, while the claim was being written.
        if (closed || !isConnected()) abort({ kind: "disconnected" });
      },
      linkPreview,
    );
    inflightAbort = null;
    // A send that failed because the socket went away is a disconnect, not a failed attempt: a
    // flapping connection must not use up a message's attempts.
    const outcome: SendOutcome =
      attempted.kind === "transient" && !isConnected() ? { kind: "disconnected" } : attempted;
    const sentAt = clock.now();
    globalNextAt = sentAt + drawGapMs(settings, random);
    // The per-recipient gap is about what reached the person: a message WhatsApp refused (463, an
    // error ack, a send that threw) did not, and must not delay the held message once they write.
    if (mayHaveReached(outcome)) {
      lastToRecipient.set(row.to, sentAt);
      forgetPastRecipientGaps(sentAt, settings.perRecipientGapMs);
    }
    // A failed line is a failed step: the loop re-queues what is left in "sending" (same id).
    const timelineError = await claimTimelineError;
    if (timelineError !== null) throw timelineError;
    await settler.settle(row, outcome);
    if (outcome.kind !== "acked") {
      known = "unknown";
      // A hand-off reserved during this send must not overtake it to its recipient.
      if (reservation !== null) reservation.behindFailure = true;
    }
    return outcome;
  }

  /** Last attempt or ack per recipient: this process's memory, or the database's sentAt (an earlier process). */
  async function lastSentToEach(heads: readonly OutboxRow[], gapMs: number): Promise<Map<string, number>> {
    // No per-recipient gap: when each recipient was last written to cannot hold anything back.
    if (gapMs <= 0) return new Map();
    const lastTo = await repository.lastSentToEach(heads.map((head) => head.to));
    for (const head of heads) {
      const remembered = lastToRecipient.get(head.to);
      if (remembered !== undefined && remembered > (lastTo.get(head.to) ?? Number.NEGATIVE_INFINITY))
        lastTo.set(head.to, remembered);
    }
    return lastTo;
  }

  /** Messages sent since midnight; counted only once every ack so far is written (sentAt rows). */
  async function sentToday(now: number, timeZone: string): Promise<number> {
    await acks?.settled();
    return repository.sentSince(new Date(startOfDay(now, timeZone)));
  }

  // One entry per recipient ever sent to would grow with every participant: an entry whose gap is
  // over can no longer hold a message back (the database's sentAt still covers a longer new gap).
  function forgetPastRecipientGaps(now: number, gapMs: number): void {
    if (lastToRecipient.size < MAX_REMEMBERED_RECIPIENTS) return;
    for (const [to, at] of lastToRecipient) if (at + gapMs <= now) lastToRecipient.delete(to);
  }

  async function holdForDailyCap(row: OutboxRow, until: number, cap: number): Promise<void> {
    if (row.nextAttemptAt.getTime() >= until) return;
    const reason = described("daily_cap", { cap, until: new Date(until).toISOString() });
    await changeStatus(options, row, {
      from: ["queued"],
      data: { nextAttemptAt: new Date(until), ...lastErrorFor(reason) },
      event: eventFor("paused", reason),
      publish: "queued",
    });
  }

  async function isOnWhatsApp(sessionId: string, number: string): Promise<boolean> {
    const cached = await repository.cachedOnWhatsApp(number);
    if (cached !== null && isOnWhatsAppAnswerFresh(cached, clock.now())) return cached.exists;
    const exists = await options.port.isOnWhatsApp(sessionId, number);
    await repository.cacheOnWhatsApp(number, exists, new Date(clock.now()));
    return exists;
  }

  async function loop(): Promise<void> {
    // Database errors in a row: the loop backs off and tries again, it never ends before close().
    let failures = 0;
    while (!closed) {
      let next: number | null | "again";
      try {
        // A step that failed may have left its message in "sending" (a claim written whose timeline line
        // was not, a send whose settle was not): nothing is in flight now, so it goes back to the queue
        // and out again with the same id.
        if (failures > 0) await repository.requeueInterrupted(described("requeued_after_database_error", {}));
        const reserved = reservation;
        reservation = null;
        const handed = reserved === null ? null : await reserved.handed;
        next =
          handed === null || reserved === null
            ? await step()
            : await sendHanded(handed, reserved.behindFailure);
        failures = 0;
      } catch (error) {
        failures += 1;
        // What was in flight goes back to the queue below; a hand-off reserved meanwhile follows it.
        known = "unknown";
        if (reservation !== null) reservation.behindFailure = true;
        const delay = backoffMs(failures, random, MAX_STEP_BACKOFF_MS);
        logger.error({ err: error, failures }, `outbox step failed; trying again in ${delay} ms`);
        // not idle(): every accepted message wakes the worker, which would cut the backoff short
        await backOff(delay);
        continue;
      }
      // A hand-off reserved during the step is taken at once; otherwise its handOver wakes the idle wait.
      if (next !== "again" && reservation === null) await idle(next);
    }
  }

  return {
    async start() {
      // Before anything awaits: the session is already connecting, and receipts WhatsApp held while
      // this process was down arrive right after login; an ack for a row still in "sending" is
      // simply applied before that row is re-queued.
      if (running !== null) await running;
      closed = false;
      acks = applyAcks(options);
      const interrupted = await repository.requeueInterrupted(described("requeued_after_restart", {}));
      if (interrupted.length > 0)
        logger.warn({ count: interrupted.length }, "re-queued messages left in sending");
      const pausedByHand = await repository.handPause();
      if (pausedByHand !== null) pause.pauseByHand(pausedByHand);
      const seed = await repository.lastSentAt();
      if (seed) globalNextAt = seed.getTime() + drawGapMs(options.settings.current(), random);
      options.port.setMessageLookup?.(outboxMessageLookup(options));
      cleanups.push(
        () => options.port.setMessageLookup?.(null),
        acks.off,
        latency.off,
        session.onStatus(() => onConnectionChange()),
        options.settings.onChange(() => wake()),
        holds.listen(),
      );
      wasConnected = isConnected();
      running = loop();
    },
    wake,
    reserveHandOff,
    resume: () => pause.end(),
    async pauseByHand(reason) {
      // Stored first: a pause the panel showed must not vanish with a restart.
      await repository.setHandPause(reason);
      pause.pauseByHand(reason);
    },
    async resumeByHand() {
      await repository.setHandPause(null);
      pause.resumeByHand();
    },
    pausedReason: () => pause.reason(),
    pausedDescribed: () => pause.described(),
    isPausedByHand: () => pause.isByHand(),
    latencySamples: () => latency.recentSamples(),
    latencyHistogram: () => latency.histogram(),
    async close() {
      closed = true;
      pause.dispose();
      for (const cleanup of cleanups.splice(0)) cleanup();
      inflightAbort?.({ kind: "disconnected" });
      wakeIdle?.();
      endBackOff?.();
      await running;
    },
  };
}

interface Reservation {
  handed: Promise<Handed | null>;
  /** The send in flight when it was reserved was not acknowledged: it goes back to the queue. */
  behindFailure: boolean;
}

function mayHaveReached(outcome: SendOutcome): boolean {
  return outcome.kind === "acked" || outcome.kind === "timeout" || outcome.kind === "disconnected";
}

/** 1 s, 2 s, 4 s … capped at 60 s, with ±20 % jitter so retries of many clients do not line up. */
export function backoffMs(attempt: number, random: () => number, maxMs = 60_000): number {
  const base = Math.min(maxMs, 1000 * 2 ** Math.max(0, attempt - 1));
  return Math.round(base * (0.8 + 0.4 * random()));
}
