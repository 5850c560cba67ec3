/**
 * Wires broadcasts: creating from a list, the controls (start, pause, resume, cancel, schedule), the
 * feeder that hands rows to the outbox, and the schedule timer. Status changes are conditional on the
 * status they leave, and run in the feeder's queue, so a control and a feed never interleave.
 */
import type { Logger } from "pino";
import type { BroadcastProgress, BroadcastService, ChangeFeed, SendResult, Settings } from "../contract.js";
import { BroadcastStateError, InvalidInputError, MessageNotCancellableError } from "../errors.js";
import type { PublishingEventBus } from "../events/event-bus.js";
import type { Clock } from "../outbox/outbox-context.js";
import { broadcastIdInput, previewBroadcastInput, scheduleBroadcastInput } from "../schemas.js";
import { parseInput } from "../session/parse-input.js";
import type { Timers } from "../session/timers.js";
import { createBroadcastFeeder } from "./broadcast-feeder.js";
import { readProgress, toBroadcastRecord } from "./broadcast-records.js";
import { broadcastReport } from "./broadcast-report.js";
import { createBroadcastRepository } from "./broadcast-repository.js";
import { createBroadcastSchedule } from "./broadcast-schedule.js";
import { createBroadcast, uploadToBroadcast } from "./create-broadcast.js";
import type { CsvLimits } from "./csv-reader.js";
import { compileTemplate, renderTemplate } from "./template.js";

const LEAVES_QUEUE: ReadonlySet<string> = new Set(["sent", "failed", "held", "cancelled"]);

export interface BroadcastsOptions {
  db: import("@kabar/db").PrismaClient;
  events: PublishingEventBus;
  logger: Logger;
  clock: Clock;
  timers: Timers;
  settings(): Settings;
  isOptedOut(phone: string): Promise<boolean>;
  send(input: { to: string; message: string; idempotencyKey: string }): Promise<SendResult>;
  requeueCancelled(id: string): Promise<boolean>;
  /** Cancels a waiting message; `why` names the control, for its timeline. */
  cancelMessage(id: string, why: "broadcast_paused" | "broadcast_cancelled"): Promise<unknown>;
  sentSince(since: Date): Promise<number>;
  limits?: CsvLimits;
  /**
   * Several nodes: a broadcast started, resumed or scheduled on any node is announced here, and the node
   * that owns the session (the only one feeding and keeping the schedule) looks again.
   */
  changes?: ChangeFeed;
}

export interface Broadcasts extends BroadcastService {
  /** Re-arms the schedule and resumes feeding what was running before a restart. */
  startService(): Promise<void>;
  /** Several nodes: the feeder and the schedule stop when this node stops owning the session. */
  stopService(): Promise<void>;
  close(): Promise<void>;
}

export function createBroadcasts(options: BroadcastsOptions): Broadcasts {
  const repository = createBroadcastRepository(options.db);
  const now = () => options.clock.now();
  const listeners = new Set<(id: string) => void>();
  const changed = (id: string) => {
    for (const listener of listeners) listener(id);
  };
  const feeder = createBroadcastFeeder({
    repository,
    logger: options.logger,
    now,
    isOptedOut: options.isOptedOut,
    send: options.send,
    requeueCancelled: options.requeueCancelled,
    async cancelMessage(id) {
      try {
        await options.cancelMessage(id, "broadcast_paused");
        return true;
      } catch (error) {
        if (error instanceof MessageNotCancellableError) return false;
        throw error;
      }
    },
    changed,
  });
  const progress = (id: string) =>
    readProgress({ repository, settings: options.settings, now, sentSince: options.sentSince }, id);
  const createDeps = {
    repository,
    now,
    defaultCountry: () => options.settings().defaultCountry,
    ...(options.limits ? { limits: options.limits } : {}),
  };

  /** Moves the broadcast from one of `from` to `to`, or explains why it cannot. */
  async function move(
    id: string,
    action: string,
    from: readonly string[],
    data: Parameters<typeof repository.transition>[2],
  ): Promise<void> {
    const moved = await repository.transition(id, from, data);
    if (!moved) {
      const current = await progress(id);
      throw new BroadcastStateError(id, current.broadcast.status, action, from);
    }
    changed(id);
  }

  async function startNow(id: string): Promise<BroadcastProgress> {
    await feeder.serial(() =>
      move(id, "start", ["draft", "scheduled"], { status: "running", startedAt: new Date(now()) }),
    );
    options.logger.info({ broadcastId: id }, "broadcast started");
    wake();
    return progress(id);
  }

  const schedule = createBroadcastSchedule({
    repository,
    clock: options.clock,
    timers: options.timers,
    logger: options.logger,
    startDue: async (id) => {
      await startNow(id);
    },
  });

  // Only while this node feeds (the owner; always on SQLite): a follower's schedule stays unarmed.
  let isServing = false;
  /** A broadcast may be running now: feed here (when serving) and tell the other nodes. */
  function wake(): void {
    feeder.requestFeed();
    options.changes?.announce("broadcasts");
  }
  /** A schedule changed: re-arm here (when serving) and tell the other nodes. */
  function rearm(): void {
    if (isServing) schedule.arm();
    options.changes?.announce("broadcasts");
  }
  const offChanges = options.changes?.on("broadcasts", () => {
    if (!isServing) return;
    schedule.arm();
    feeder.requestFeed();
  });

  const offEvents = options.events.on(({ event }) => {
    // a message that left the queue (sent, failed, held, cancelled) may make room for the next row;
    // delivered and read come later and change nothing for the feed
    if (event.type === "message.status" && LEAVES_QUEUE.has(event.message.status)) feeder.messageLeftQueue();
  });

  return {
    async create(input, csv) {
      const { startNow: isStartNow, ...created } = await createBroadcast(createDeps, input, csv);
      if (created.broadcast.status === "scheduled") rearm();
      if (isStartNow) created.broadcast = (await startNow(created.id)).broadcast;
      changed(created.id);
      return created;
    },
    async upload(input, csv) {
      const created = await feeder.serial(() =>
        uploadToBroadcast(createDeps, parseInput(broadcastIdInput, input), csv),
      );
      changed(created.id);
      return created;
    },
    async preview(input) {
      const parsed = parseInput(previewBroadcastInput, input);
      const { broadcast } = await progress(parsed.id);
      const rows = await repository.firstValidRows(parsed.id, 5);
      if (parsed.template === undefined) {
        return rows.map((row) => ({ line: row.line, to: row.phone ?? "", text: row.text ?? "" }));
      }
      const template = compileTemplate(parsed.template, broadcast.columns);
      return rows.map((row) => {
        const data: unknown = JSON.parse(row.data);
        const values = broadcast.columns.map((column) =>
          typeof data === "object" && data !== null ? String(Reflect.get(data, column) ?? "") : "",
        );
        return { line: row.line, to: row.phone ?? "", text: renderTemplate(template, values) };
      });
    },
    async list() {
      const rows = await repository.list([
        "draft",
        "scheduled",
        "running",
        "paused",
        "completed",
        "cancelled",
      ]);
      return rows.map(toBroadcastRecord);
    },
    get: (input) => progress(parseInput(broadcastIdInput, input).id),
    async running() {
      const [first] = await repository.withStatus("running");
      return first ? progress(first.id) : null;
    },
    start: (input) => startNow(parseInput(broadcastIdInput, input).id),
    async schedule(input) {
      const parsed = parseInput(scheduleBroadcastInput, input);
      const at = new Date(parsed.scheduledAt);
      if (at.getTime() <= now()) {
        throw new InvalidInputError("scheduledAt", `scheduledAt: ${parsed.scheduledAt} is in the past.`);
      }
      await feeder.serial(() =>
        move(parsed.id, "scheduling", ["draft", "scheduled"], { status: "scheduled", scheduledAt: at }),
      );
      rearm();
      return progress(parsed.id);
    },
    async pause(input) {
      const { id } = parseInput(broadcastIdInput, input);
      await feeder.serial(async () => {
        await move(id, "pause", ["running"], { status: "paused" });
        await feeder.takeBack(id);
      });
      options.logger.info({ broadcastId: id }, "broadcast paused");
      return progress(id);
    },
    async resume(input) {
      const { id } = parseInput(broadcastIdInput, input);
      await feeder.serial(() => move(id, "resume", ["paused"], { status: "running" }));
      wake();
      return progress(id);
    },
    async cancel(input) {
      const { id } = parseInput(broadcastIdInput, input);
      await feeder.serial(async () => {
        await move(id, "cancel", ["draft", "scheduled", "running", "paused"], {
          status: "cancelled",
          finishedAt: new Date(now()),
        });
        // what waits in the outbox is cancelled there (its row reads cancelled through it)
        for (const messageId of await repository.queuedMessageIds(id)) {
          await options.cancelMessage(messageId, "broadcast_cancelled").catch((error: unknown) => {
            if (!(error instanceof MessageNotCancellableError)) throw error;
          });
        }
        await repository.cancelPending(id);
      });
      options.logger.info({ broadcastId: id }, "broadcast cancelled");
      changed(id);
      return progress(id);
    },
    async *report(input) {
      const { id } = parseInput(broadcastIdInput, input);
      await progress(id);
      yield* broadcastReport(repository, id);
    },
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async startService() {
      isServing = true;
      feeder.reopen();
      await schedule.start();
      feeder.requestFeed();
    },
    async stopService() {
      isServing = false;
      await schedule.close();
      await feeder.close();
    },
    async close() {
      isServing = false;
      offEvents();
      offChanges?.();
      await schedule.close();
      await feeder.close();
    },
  };
}
