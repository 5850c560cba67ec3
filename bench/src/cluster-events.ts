/**
 * `pnpm --filter @kabar/bench bench:cluster-events`: what the PostgreSQL event bus costs (issue 16,
 * events across nodes). Two nodes on one throwaway PostgreSQL (Debian's package, fsync off, loopback):
 *   1. publish() on the hot path: the synchronous call the outbox makes per status change, beside the
 *      in-memory bus's (the append itself happens after, batched);
 *   2. a burst of N events published on node A until node B delivered the last: events/s;
 *   3. one event at a time, publish on A → delivered on B (and on A itself): latency percentiles.
 * Prints the figures with their settings and the load average (a shared 2-core machine moves them).
 */
import os from "node:os";
import { freshDatabase, startNode } from "@kabar/core/cluster-testing";
import { startPostgres } from "@kabar/db/testing";
import { InMemoryEventBus, type CoreEvent, type TrackedEvent } from "@kabar/core";
import { summarize } from "./stats.js";

const BURST = Number(process.env.BURST ?? 5_000);
const SINGLES = Number(process.env.SINGLES ?? 300);

const statusEvent = (index: number): CoreEvent => ({
  type: "message.status",
  message: { id: `m${index}`, to: "6281234567", status: "sent", detail: null, at: new Date().toISOString() },
});

function until(on: (listener: (event: TrackedEvent) => void) => () => void, count: number): Promise<void> {
  let seen = 0;
  return new Promise((resolve) => {
    const off = on(() => {
      seen += 1;
      if (seen === count) {
        off();
        resolve();
      }
    });
  });
}

const server = await startPostgres();
try {
  const url = await freshDatabase(server);
  const a = await startNode(url, "bench-a");
  const b = await startNode(url, "bench-b");

  // 1. the synchronous call (each bus warmed up first, so neither pays for the JIT)
  const memory = new InMemoryEventBus();
  for (let index = 0; index < BURST; index += 1) memory.publish(statusEvent(index));
  const warmedUp = until((listener) => b.bus.on(listener), BURST);
  for (let index = 0; index < BURST; index += 1) a.bus.publish(statusEvent(index));
  await warmedUp;
  let started = performance.now();
  for (let index = 0; index < BURST; index += 1) memory.publish(statusEvent(index));
  const memoryMicros = ((performance.now() - started) * 1000) / BURST;
  const burstOnB = until((listener) => b.bus.on(listener), BURST);
  started = performance.now();
  for (let index = 0; index < BURST; index += 1) a.bus.publish(statusEvent(index));
  const publishMicros = ((performance.now() - started) * 1000) / BURST;
  // 2. the burst reaching the other node
  await burstOnB;
  const burstMs = performance.now() - started;

  // 3. one at a time
  const toB: number[] = [];
  const toA: number[] = [];
  for (let index = 0; index < SINGLES; index += 1) {
    const onB = until((listener) => b.bus.on(listener), 1);
    const onA = until((listener) => a.bus.on(listener), 1);
    const sent = performance.now();
    a.bus.publish(statusEvent(index));
    await onA.then(() => toA.push(performance.now() - sent));
    await onB.then(() => toB.push(performance.now() - sent));
  }
  await a.close();
  await b.close();

  const oneLine = (label: string, value: string, settings: string) =>
    console.log(`${label.padEnd(44)} ${value.padEnd(26)} ${settings}`);
  oneLine("1. publish() call, PostgreSQL bus", `${publishMicros.toFixed(2)} µs/event`, `${BURST} in a loop`);
  oneLine("   publish() call, in-memory bus", `${memoryMicros.toFixed(2)} µs/event`, `${BURST} in a loop`);
  oneLine(
    "2. burst A → delivered on B",
    `${Math.round((BURST / burstMs) * 1000)} events/s`,
    `${BURST} events, ${Math.round(burstMs)} ms`,
  );
  const toBSummary = summarize(toB);
  const toASummary = summarize(toA);
  oneLine(
    "3. one event, A → delivered on B",
    `p50 ${toBSummary.p50} ms p95 ${toBSummary.p95} ms`,
    `${SINGLES} events`,
  );
  oneLine(
    "   one event, A → delivered on A",
    `p50 ${toASummary.p50} ms p95 ${toASummary.p95} ms`,
    `${SINGLES} events`,
  );
  console.log(
    `load average ${os
      .loadavg()
      .map((value) => value.toFixed(2))
      .join(" ")}, ${os.cpus().length} cores`,
  );
} finally {
  await server.stop();
}
