/**
 * Hands a running broadcast's rows to the outbox a few at a time: at most WINDOW of its messages wait
 * in the outbox, so single sends queued meanwhile go out after a handful of broadcast messages, not
 * after 50,000; a pause takes back what waits (only the one message being sent still goes); and a
 * cancel leaves every row not yet sent `cancelled`. Feeding and the controls share one queue
 * (`serial`), so a pause can never race a feed that is putting a message in.
 */
import type { Logger } from "pino";
import type { SendResult } from "../contract.js";
import { KabarError, OptedOutError } from "../errors.js";
import type { BroadcastRepository } from "./broadcast-repository.js";

export const FEED_WINDOW = 3;

export interface FeederDependencies {
  repository: BroadcastRepository;
  logger: Logger;
  now(): number;
  isOptedOut(phone: string): Promise<boolean>;
  send(input: { to: string; message: string; idempotencyKey: string }): Promise<SendResult>;
  /** Puts a message a pause cancelled back in the queue (same WhatsApp id). */
  requeueCancelled(id: string): Promise<boolean>;
  /** Cancels a queued or held message; false when the worker already took it. */
  cancelMessage(id: string): Promise<boolean>;
  changed(id: string): void;
}

/** The outbox idempotency key of a broadcast's message to a number: one message per number per broadcast. */
export function broadcastMessageKey(broadcastId: string, phone: string): string {
  return `broadcast:${broadcastId}:${phone}`;
}

export function createBroadcastFeeder(deps: FeederDependencies) {
  const { repository } = deps;
  let tail: Promise<unknown> = Promise.resolve();
  let isFeedRequested = false;
  let isClosed = false;
  // The last look found no running broadcast. Only start and resume make one run (both ask for a
  // feed), so until then a message leaving the queue needs no query: that was one read per "sent".
  let isNoneRunning = false;

  /** Runs `task` after everything queued before it; a failure does not stop the queue. */
  function serial<T>(task: () => Promise<T>): Promise<T> {
    const run = tail.then(task);
    tail = run.catch(() => undefined);
    return run;
  }

  async function feedBroadcast(id: string): Promise<void> {
    const inFlight = await repository.inFlight(id);
    const rows = inFlight < FEED_WINDOW ? await repository.pendingRows(id, FEED_WINDOW - inFlight) : [];
    for (const row of rows) {
      if (row.phone === null || row.text === null) continue;
      if (await deps.isOptedOut(row.phone)) {
        await repository.setRowStatus(row.id, "opted_out", "opted out: the number asked not to be messaged");
        continue;
      }
      try {
        const result = await deps.send({
          to: row.phone,
          message: row.text,
          idempotencyKey: broadcastMessageKey(id, row.phone),
        });
        // a message a pause took back comes back under its key, cancelled: queue it again
        if (result.duplicate && result.status === "cancelled") await deps.requeueCancelled(result.id);
        await repository.linkRow(row.id, result.id);
      } catch (error) {
        if (error instanceof OptedOutError) {
          await repository.setRowStatus(
            row.id,
            "opted_out",
            "opted out: the number asked not to be messaged",
          );
        } else if (error instanceof KabarError && error.code === "INVALID_INPUT") {
          // e.g. a rendered text over WhatsApp's length: this row fails, the others go on
          await repository.setRowStatus(row.id, "failed", error.message);
        } else {
          throw error;
        }
      }
    }
    if (rows.length > 0) deps.changed(id);
    if (!(await repository.hasPending(id)) && (await repository.inFlight(id)) === 0) {
      const finished = await repository.transition(id, ["running"], {
        status: "completed",
        finishedAt: new Date(deps.now()),
      });
      if (finished) {
        deps.logger.info({ broadcastId: id }, "broadcast completed");
        deps.changed(id);
      }
    }
  }

  /** One pass over the running broadcasts; a feed requested meanwhile is a new pass at the queue's end. */
  async function feedAll(): Promise<void> {
    isFeedRequested = false;
    if (isClosed) return;
    const running = await repository.withStatus("running");
    // A start or resume asks for a feed again, so a pass queued after this one looks once more.
    isNoneRunning = running.length === 0;
    for (const broadcast of running) await feedBroadcast(broadcast.id);
  }

  function request(): void {
    if (isClosed || isFeedRequested) return;
    isFeedRequested = true;
    // Behind what is queued already: a pause asked for during a pass goes before the next pass.
    // (Looping inside one task while sends kept asking starved a pause until the list was done
    // whenever a pass took longer than the gap between sends, as on PostgreSQL under load.)
    serial(feedAll).catch((error: unknown) => {
      // not known to be none: the next message looks again
      isNoneRunning = false;
      deps.logger.error({ err: error }, "feeding broadcasts failed; trying again at the next message");
    });
  }

  return {
    serial,
    /** Looks at the running broadcasts again soon (a broadcast started or resumed, the service started). */
    requestFeed(): void {
      if (isClosed) return;
      isNoneRunning = false;
      request();
    },
    /** A message left the queue: room for a running broadcast's next row, if one runs. */
    messageLeftQueue(): void {
      if (isClosed || isNoneRunning) return;
      request();
    },
    /** Takes the broadcast's waiting messages back out of the outbox; their rows wait for resume. */
    async takeBack(id: string): Promise<void> {
      const ids = await repository.queuedMessageIds(id);
      const taken: string[] = [];
      for (const messageId of ids) if (await deps.cancelMessage(messageId)) taken.push(messageId);
      await repository.unlinkRows(id, taken);
    },
    close(): Promise<unknown> {
      isClosed = true;
      return tail;
    },
    /** Several nodes: feeds again once this node owns the session again. */
    reopen(): void {
      isClosed = false;
    },
  };
}
