/**
 * A fake clock for the connection supervisor only: its reconnect timers run when the test advances
 * time, while the real library and simulator keep running in real time. Lets a test assert "no
 * attempt in the next 10 minutes" without waiting 10 minutes.
 */
import { EventEmitter } from "node:events";
import type { Timers } from "../../src/session/timers.js";

interface Pending {
  id: number;
  dueAt: number;
  callback: () => void;
}

export class ManualTimers implements Timers {
  private now = 0;
  private nextId = 1;
  private pending: Pending[] = [];
  /** Emits "scheduled" with the delay each time the supervisor starts a timer. */
  readonly events = new EventEmitter<{ scheduled: [number] }>();

  setTimeout(callback: () => void, ms: number): unknown {
    const timer = { id: this.nextId++, dueAt: this.now + ms, callback };
    this.pending.push(timer);
    this.events.emit("scheduled", ms);
    return timer.id;
  }

  clearTimeout(handle: unknown): void {
    this.pending = this.pending.filter((timer) => timer.id !== handle);
  }

  /** Moves the clock forward, running every timer that falls due, in order. */
  advance(ms: number): void {
    const until = this.now + ms;
    for (;;) {
      const due = this.pending.filter((timer) => timer.dueAt <= until).sort((a, b) => a.dueAt - b.dueAt)[0];
      if (!due) break;
      this.pending = this.pending.filter((timer) => timer !== due);
      this.now = due.dueAt;
      due.callback();
    }
    this.now = until;
  }

  /** Delays (from now) of the timers still waiting. */
  waiting(): number[] {
    return this.pending.map((timer) => timer.dueAt - this.now);
  }

  /** Resolves with the delay of the next timer the supervisor starts (or one already waiting). */
  nextScheduled(timeoutMs = 20_000): Promise<number> {
    const [already] = this.waiting();
    if (already !== undefined) return Promise.resolve(already);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.events.off("scheduled", onScheduled);
        reject(new Error(`the supervisor started no timer within ${timeoutMs} ms`));
      }, timeoutMs);
      const onScheduled = (ms: number) => {
        clearTimeout(timer);
        resolve(ms);
      };
      this.events.once("scheduled", onScheduled);
    });
  }
}
