/**
 * (3) Open-loop load: requests start on a fixed schedule (rate per second for `seconds`), whether or
 * not earlier ones answered, so a slow server shows as latency and errors, not as a lower rate.
 */
import { recipient } from "@kabar/system-tests";
import { type LatencySummary, since, summarize } from "./stats.js";

export interface LoadResult extends LatencySummary {
  target: "rest" | "trpc";
  ratePerSecond: number;
  sent: number;
  errors: number;
  achievedPerSecond: number;
}

function requestFor(
  target: "rest" | "trpc",
  baseUrl: string,
  token: string,
  index: number,
): () => Promise<Response> {
  const headers = { authorization: `Bearer ${token}`, "content-type": "application/json" };
  const input = { to: recipient(index), message: `Load #${index}` };
  const url = target === "rest" ? `${baseUrl}/api/messages` : `${baseUrl}/trpc/messages.send`;
  return () => fetch(url, { method: "POST", headers, body: JSON.stringify(input) });
}

export async function openLoopLoad(
  target: "rest" | "trpc",
  baseUrl: string,
  token: string,
  ratePerSecond: number,
  seconds: number,
  offset = 0,
): Promise<LoadResult> {
  const total = Math.round(ratePerSecond * seconds);
  const samples: number[] = [];
  let errors = 0;
  const pending: Promise<void>[] = [];
  const start = performance.now();
  for (let index = 0; index < total; index += 1) {
    const due = start + (index * 1_000) / ratePerSecond;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    const send = requestFor(target, baseUrl, token, offset + index);
    const sentAt = performance.now();
    pending.push(
      send()
        .then(async (response) => {
          await response.arrayBuffer();
          if (response.status >= 400) errors += 1;
          else samples.push(since(sentAt));
        })
        .catch(() => {
          errors += 1;
        }),
    );
  }
  const elapsed = since(start) / 1_000;
  // Bounded in time: a request still open 30 s after the schedule ended counts as an error.
  await Promise.race([Promise.all(pending), new Promise((resolve) => setTimeout(resolve, 30_000).unref())]);
  const unanswered = total - samples.length - errors;
  return {
    target,
    ratePerSecond,
    sent: total,
    errors: errors + unanswered,
    achievedPerSecond: Math.round(total / elapsed),
    ...summarize(samples),
  };
}
