/**
 * The single worker that delivers the outbox: strictly in order, one message in flight, waiting
 * for the server ack before the next. One in flight is what makes "same WhatsApp id on retry"
 * cheap to reason about and keeps the rhythm WhatsApp sees human.
 */
import { type OutboxDependencies, changeStatus } from "./outbox-context.js";
import { applyAcks } from "./apply-acks.js";
import { attemptSend, outboxMessageLookup, type SendOutcome } from "./attempt-send.js";
import { createSendLatency, type LatencyHistogram } from "./send-latency.js";
import type { OutboxRow } from "./outbox-repository.js";
import { decidePacing, drawGapMs, startOfDay, startOfNextDay } from "./pacing.js";
import { interruptibleDelay } from "./interruptible-delay.js";
import { OutboxPause } from "./outbox-pause.js";

export interface OutboxWorkerOptions extends OutboxDependencies {
  /** No server ack within this time → re-send with the same WhatsApp id. */
  ackTimeoutMs: number;
  /** How long a 463 "restricted" answer pauses the outbox. */
  restrictedCooldownMs: number;
  /** Ack timeouts in a row (while connected) before a message is failed. */
  maxAckTimeouts?: number;
  random?: () => number;
}

export interface OutboxWorker {
  /** Re-queues messages a killed process left in "sending", then starts delivering. */
  start(): Promise<void>;
  /** Look at the queue again now (a message was queued, settings changed, a day began). */
  wake(): void;
  /** Ends a 463 pause before its cool-down is over. */
  resume(): void;
  pausedReason(): string | null;
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
  const maxAckTimeouts = options.maxAckTimeouts ?? 10;
  const ackTimeouts = new Map<string, number>();
  // Backoff lives in memory: after a restart or a fresh connection, trying at once is right.
  const retryAt = new Map<string, number>();
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
  const pause = new OutboxPause(options, () => wake());

  function wake(): void {
    wakePending = true;
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
      ackTimeouts.clear();
      retryAt.clear();
    }
    if (!connected) inflightAbort?.({ kind: "disconnected" });
    wasConnected = connected;
    wake();
  }

  async function step(): Promise<number | null | "again"> {
    if (!isConnected()) return null;
    const pausedUntil = pause.until();
    if (pausedUntil !== null) return pausedUntil;
    const row = await repository.nextQueued();
    if (!row) return null;
    const now = clock.now();
    if (row.nextAttemptAt.getTime() > now) return row.nextAttemptAt.getTime();
    const retry = retryAt.get(row.id);
    if (retry !== undefined && retry > now) return retry;
    const settings = options.settings.current();
    const lastSent = (await repository.lastSentTo(row.to))?.getTime() ?? null;
    const remembered = lastToRecipient.get(row.to) ?? null;
    const decision = decidePacing({
      now,
      settings,
      globalNextAt,
      lastToRecipientAt: Math.max(
        lastSent ?? Number.NEGATIVE_INFINITY,
        remembered ?? Number.NEGATIVE_INFINITY,
      ),
      sentToday: settings.dailyCap > 0 ? await repository.sentSince(new Date(startOfDay(now))) : 0,
      startOfTomorrow: startOfNextDay(now),
    });
    if (decision.kind === "wait") {
      if (decision.reason === "daily_cap") await holdForDailyCap(row, decision.until, settings.dailyCap);
      return decision.until;
    }
    const sessionId = session.activeSessionId();
    if (sessionId === null) return null;
    if (settings.checkOnWhatsApp && !(await isOnWhatsApp(sessionId, row.to))) {
      await changeStatus(options, row, {
        from: ["queued"],
        data: { status: "failed", failedAt: new Date(now), lastError: "not on WhatsApp" },
        event: { status: "failed", detail: "not on WhatsApp" },
        publish: "failed",
      });
      return "again";
    }
    const claimed = await changeStatus(options, row, {
      from: ["queued"],
      data: { status: "sending", attempts: { increment: 1 } },
      event: { status: "sending", detail: row.attempts > 0 ? `attempt ${row.attempts + 1}` : null },
      publish: "sending",
    });
    if (!claimed) return "again";
    latency.attemptStarted(row.waMessageId);
    const outcome = await attemptSend(options, sessionId, row, options.ackTimeoutMs, (abort) => {
      inflightAbort = abort;
      // The socket may have dropped, or close() been called, while the claim was being written.
      if (closed || !isConnected()) abort({ kind: "disconnected" });
    });
    inflightAbort = null;
    const sentAt = clock.now();
    globalNextAt = sentAt + drawGapMs(settings, random);
    lastToRecipient.set(row.to, sentAt);
    forgetPastRecipientGaps(sentAt, settings.perRecipientGapMs);
    await settle(row, outcome);
    return "again";
  }

  // One entry per recipient ever sent to would grow with every participant: an entry whose gap is
  // over can no longer hold a message back (the database's sentAt still covers a longer new gap).
  function forgetPastRecipientGaps(now: number, gapMs: number): void {
    if (lastToRecipient.size < MAX_REMEMBERED_RECIPIENTS) return;
    for (const [to, at] of lastToRecipient) if (at + gapMs <= now) lastToRecipient.delete(to);
  }

  async function settle(row: OutboxRow, outcome: SendOutcome): Promise<void> {
    const now = new Date(clock.now());
    const requeue = (detail: string, nextAttemptAt: Date, status: "retry" | "paused" = "retry") =>
      changeStatus(options, row, {
        from: ["sending"],
        data: { status: "queued", nextAttemptAt, lastError: detail },
        event: { status, detail },
        publish: "queued",
      });
    const fail = (reason: string) =>
      changeStatus(options, row, {
        from: ["sending"],
        data: { status: "failed", failedAt: now, lastError: reason },
        event: { status: "failed", detail: reason },
        publish: "failed",
      });
    switch (outcome.kind) {
      case "acked":
        ackTimeouts.delete(row.id);
        retryAt.delete(row.id);
        // The daily cap counts sentAt rows: wait until this one is written before the next count.
        await acks?.settled();
        return;
      case "disconnected":
        await requeue("the session disconnected before the server ack; re-sending with the same id", now);
        return;
      case "timeout": {
        const count = (ackTimeouts.get(row.id) ?? 0) + 1;
        ackTimeouts.set(row.id, count);
        if (count >= maxAckTimeouts) {
          ackTimeouts.delete(row.id);
          await fail(`no server ack after ${count} attempts of ${options.ackTimeoutMs} ms`);
          return;
        }
        await requeue(`no server ack within ${options.ackTimeoutMs} ms; re-sending with the same id`, now);
        return;
      }
      case "transient": {
        const delay = backoffMs(row.attempts + 1, random);
        retryAt.set(row.id, now.getTime() + delay);
        await requeue(`${outcome.detail}; retrying in ${Math.round(delay / 1000)} s`, now);
        return;
      }
      case "refused":
        if (outcome.code === 463) {
          const reason = pause.begin(`WhatsApp answered 463 (restricted) to ${row.id}`);
          await requeue(reason, now, "paused");
          return;
        }
        await fail(
          `WhatsApp refused the message${outcome.code === null ? "" : ` (${outcome.code})`}: ${outcome.detail}`,
        );
        return;
    }
  }

  async function holdForDailyCap(row: OutboxRow, until: number, cap: number): Promise<void> {
    if (row.nextAttemptAt.getTime() >= until) return;
    const detail = `daily cap of ${cap} messages reached; waits until ${new Date(until).toISOString()}`;
    await changeStatus(options, row, {
      from: ["queued"],
      data: { nextAttemptAt: new Date(until), lastError: detail },
      event: { status: "paused", detail },
      publish: "queued",
    });
  }

  async function isOnWhatsApp(sessionId: string, number: string): Promise<boolean> {
    const cached = await repository.cachedOnWhatsApp(number);
    if (cached !== null) return cached;
    const exists = await options.port.isOnWhatsApp(sessionId, number);
    await repository.cacheOnWhatsApp(number, exists);
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
        if (failures > 0)
          await repository.requeueInterrupted("re-sent with the same id after a database error");
        next = await step();
        failures = 0;
      } catch (error) {
        failures += 1;
        const delay = backoffMs(failures, random, MAX_STEP_BACKOFF_MS);
        logger.error({ err: error, failures }, `outbox step failed; trying again in ${delay} ms`);
        // not idle(): every accepted message wakes the worker, which would cut the backoff short
        await backOff(delay);
        continue;
      }
      if (next !== "again") await idle(next);
    }
  }

  return {
    async start() {
      const interrupted = await repository.requeueInterrupted("re-sent with the same id after a restart");
      if (interrupted.length > 0)
        logger.warn({ count: interrupted.length }, "re-queued messages left in sending");
      const seed = await repository.lastSentAt();
      if (seed) globalNextAt = seed.getTime() + drawGapMs(options.settings.current(), random);
      acks = applyAcks(options);
      options.port.setMessageLookup?.(outboxMessageLookup(repository));
      cleanups.push(
        () => options.port.setMessageLookup?.(null),
        acks.off,
        latency.off,
        session.onStatus(() => onConnectionChange()),
        options.settings.onChange(() => wake()),
      );
      wasConnected = isConnected();
      running = loop();
    },
    wake,
    resume: () => pause.end(),
    pausedReason: () => pause.reason(),
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

/** 1 s, 2 s, 4 s … capped at 60 s, with ±20 % jitter so retries of many clients do not line up. */
export function backoffMs(attempt: number, random: () => number, maxMs = 60_000): number {
  const base = Math.min(maxMs, 1000 * 2 ** Math.max(0, attempt - 1));
  return Math.round(base * (0.8 + 0.4 * random()));
}
