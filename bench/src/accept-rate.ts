/**
 * (2) Outbox accept rate: durable sends accepted per second (row written, id returned), with the
 * session created but not connected so the worker sends nothing while we measure.
 */
import type { Kabar } from "@kabar/core";
import { recipient } from "@kabar/system-tests";
import { since } from "./stats.js";

export interface ConcurrentAcceptRate {
  concurrency: number;
  perSecond: number;
  /** Sends that threw (e.g. SQLITE_BUSY with many in flight), with the first message. */
  errors: number;
  firstError: string | null;
}

export interface AcceptRateResult {
  sequentialPerSecond: number;
  /** One entry per concurrency asked for, in that order. */
  concurrent: ConcurrentAcceptRate[];
  count: number;
}

export async function benchAcceptRate(
  kabar: Kabar,
  count: number,
  concurrencies: readonly number[] = [50, 200],
): Promise<AcceptRateResult> {
  await kabar.sessions.create({ name: "Bench", sessionId: "bench_accept" });
  for (let index = 0; index < 50; index += 1)
    await kabar.messages.send({ to: recipient(index), message: `warm ${index}` });
  const start = performance.now();
  for (let index = 0; index < count; index += 1) {
    await kabar.messages.send({ to: recipient(index), message: `Accept #${index}` });
  }
  const sequentialPerSecond = count / (since(start) / 1_000);
  const concurrent: ConcurrentAcceptRate[] = [];
  for (const concurrency of concurrencies)
    concurrent.push(await acceptConcurrently(kabar, count, concurrency));
  return { sequentialPerSecond: Math.round(sequentialPerSecond), concurrent, count };
}

/** `count` sends with `concurrency` in flight at every moment (a new one starts as one settles). */
async function acceptConcurrently(
  kabar: Kabar,
  count: number,
  concurrency: number,
): Promise<ConcurrentAcceptRate> {
  let next = 0;
  let errors = 0;
  let firstError: string | null = null;
  const start = performance.now();
  // Every send settles before this returns: an error is counted, never left running past close().
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let index = next++; index < count; index = next++) {
        await kabar.messages
          .send({ to: recipient(index), message: `Accept ${concurrency} in flight #${index}` })
          .catch((error: unknown) => {
            errors += 1;
            firstError ??= String(error).slice(0, 200);
          });
      }
    }),
  );
  return { concurrency, perSecond: Math.round(count / (since(start) / 1_000)), errors, firstError };
}
