/**
 * (2) Outbox accept rate: durable sends accepted per second (row written, id returned), with the
 * session created but not connected so the worker sends nothing while we measure.
 */
import type { Kabar } from "@kabar/core";
import { recipient } from "@kabar/system-tests";
import { since } from "./stats.js";

export interface AcceptRateResult {
  sequentialPerSecond: number;
  concurrentPerSecond: number;
  concurrency: number;
  count: number;
  /** Sends that threw (e.g. SQLITE_BUSY with many in flight), with the first message. */
  errors: number;
  firstError: string | null;
}

export async function benchAcceptRate(
  kabar: Kabar,
  count: number,
  concurrency = 50,
): Promise<AcceptRateResult> {
  await kabar.sessions.create({ name: "Bench", sessionId: "bench_accept" });
  for (let index = 0; index < 50; index += 1)
    await kabar.messages.send({ to: recipient(index), message: `warm ${index}` });
  let start = performance.now();
  for (let index = 0; index < count; index += 1) {
    await kabar.messages.send({ to: recipient(index), message: `Accept #${index}` });
  }
  const sequentialPerSecond = count / (since(start) / 1_000);
  let next = 0;
  let errors = 0;
  let firstError: string | null = null;
  start = performance.now();
  // Every send settles before this returns: an error is counted, never left running past close().
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let index = next++; index < count; index = next++) {
        await kabar.messages
          .send({ to: recipient(index), message: `Accept concurrent #${index}` })
          .catch((error: unknown) => {
            errors += 1;
            firstError ??= String(error).slice(0, 200);
          });
      }
    }),
  );
  const concurrentPerSecond = count / (since(start) / 1_000);
  return {
    sequentialPerSecond: Math.round(sequentialPerSecond),
    concurrentPerSecond: Math.round(concurrentPerSecond),
    concurrency,
    count,
    errors,
    firstError,
  };
}
