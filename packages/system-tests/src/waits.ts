/** Event-driven waits on core's bus: subscribe first, then check the current state, so nothing is missed. */
import type { Kabar, MessageStatus, SessionStatus } from "@kabar/core";

export function sessionReaches(
  kabar: Kabar,
  matches: (status: SessionStatus) => boolean,
  timeoutMs = 30_000,
): Promise<SessionStatus> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(
        new Error(
          `session did not reach the awaited state in ${timeoutMs} ms (now ${kabar.sessions.status().state})`,
        ),
      );
    }, timeoutMs);
    const off = kabar.events.on(({ event }) => {
      if (event.type === "session.state" && matches(event.status)) done(event.status);
    });
    function done(status: SessionStatus): void {
      clearTimeout(timer);
      off();
      resolve(status);
    }
    const current = kabar.sessions.status();
    if (matches(current)) done(current);
  });
}

const SENT_OR_LATER = new Set<MessageStatus>(["sent", "delivered", "read"]);

/** Resolves once `count` distinct messages reached sent (or later). Call before the sends. */
export function countSent(kabar: Kabar, count: number, timeoutMs: number): Promise<void> {
  const ids = new Set<string>();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`only ${ids.size} of ${count} messages were sent within ${timeoutMs} ms`));
    }, timeoutMs);
    const off = kabar.events.on(({ event }) => {
      if (event.type !== "message.status" || !SENT_OR_LATER.has(event.message.status)) return;
      ids.add(event.message.id);
      if (ids.size < count) return;
      clearTimeout(timer);
      off();
      resolve();
    });
  });
}

/** Resolves once the outbox holds nothing queued or sending, checked after every status change. */
export function outboxDrained(kabar: Kabar, timeoutMs = 120_000): Promise<void> {
  return new Promise((resolve, reject) => {
    let isDone = false;
    let isChecking = false;
    let again = false;
    const timer = setTimeout(
      () => finish(new Error(`the outbox did not drain within ${timeoutMs} ms`)),
      timeoutMs,
    );
    const off = kabar.events.on(({ event }) => {
      if (event.type === "message.status") void check();
    });
    function finish(error?: Error): void {
      if (isDone) return;
      isDone = true;
      clearTimeout(timer);
      off();
      if (error) reject(error);
      else resolve();
    }
    async function check(): Promise<void> {
      // A change during a check must be looked at again, or the last one could be missed.
      if (isChecking) {
        again = true;
        return;
      }
      isChecking = true;
      do {
        again = false;
        if ((await kabar.health()).outboxDepth === 0) finish();
      } while (again && !isDone);
      isChecking = false;
    }
    void check();
  });
}
