/**
 * The schedule: one timer for the earliest scheduled broadcast, re-armed at every start of the
 * process (schedules are rows, so they survive restarts) and after every change. A time that passed
 * while the server was down starts at boot.
 */
import type { Logger } from "pino";
import type { Clock } from "../outbox/outbox-context.js";
import type { Timers } from "../session/timers.js";
import type { BroadcastRepository } from "./broadcast-repository.js";

// setTimeout holds at most ~24.8 days; a later schedule re-arms when that timer ends
const MAX_TIMER_MS = 2 ** 31 - 1;

export function createBroadcastSchedule(deps: {
  repository: BroadcastRepository;
  clock: Clock;
  timers: Timers;
  logger: Logger;
  startDue(id: string): Promise<void>;
}) {
  let timer: unknown = null;
  let isClosed = false;
  let checking: Promise<void> = Promise.resolve();

  async function check(): Promise<void> {
    for (;;) {
      if (isClosed) return;
      const next = await deps.repository.nextScheduled();
      // closed while reading: a timer armed now would outlive this process's Kabar
      if (isClosed || !next?.scheduledAt) return;
      const wait = next.scheduledAt.getTime() - deps.clock.now();
      if (wait > 0) {
        if (timer !== null) deps.timers.clearTimeout(timer);
        timer = deps.timers.setTimeout(
          () => {
            timer = null;
            arm();
          },
          Math.min(wait, MAX_TIMER_MS),
        );
        return;
      }
      await deps.startDue(next.id);
    }
  }

  function arm(): void {
    checking = checking.then(check).catch((error: unknown) => {
      deps.logger.error({ err: error }, "checking scheduled broadcasts failed");
    });
  }

  return {
    async start(): Promise<void> {
      // several nodes: started again when this node owns the session again
      isClosed = false;
      arm();
      await checking;
    },
    arm,
    async close(): Promise<void> {
      isClosed = true;
      if (timer !== null) deps.timers.clearTimeout(timer);
      timer = null;
      await checking;
    },
  };
}
