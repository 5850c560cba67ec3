/**
 * The send-latency histogram of /metrics: from each send attempt to WhatsApp's first ack for that
 * message id (the server ack; a delivery receipt when it overtakes it). Cumulative for the life of
 * the process, as Prometheus expects: `count` and `sum` only grow, so `rate()` works. The panel's
 * window of recent samples is kept apart.
 */
import type { WhatsAppPort } from "../whatsapp/port.js";

/** Milliseconds; a send is "fast" under a second and suspicious beyond 30 s (the ack timeout). */
export const SEND_LATENCY_BUCKETS_MS = [50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000] as const;

export interface LatencyHistogram {
  /** Cumulative, Prometheus-style: sends that took at most `le` ms. */
  buckets: { le: number; count: number }[];
  count: number;
  sum: number;
}

const MAX_RECENT_SAMPLES = 1000;
// Attempts that never get an ack (the message failed) must not pile up.
const MAX_OPEN_ATTEMPTS = 1000;

export interface SendLatency {
  /** Call right before the message goes to the library; a retry restarts the clock. */
  attemptStarted(messageId: string): void;
  histogram(): LatencyHistogram;
  /** The last 1000 samples, for a panel's window. */
  recentSamples(): number[];
  off(): void;
}

export function createSendLatency(port: Pick<WhatsAppPort, "on">, now: () => number): SendLatency {
  const startedAt = new Map<string, number>();
  const bucketCounts = SEND_LATENCY_BUCKETS_MS.map(() => 0);
  const recent: number[] = [];
  let count = 0;
  let sum = 0;

  const off = port.on("ack", ({ messageId }) => {
    const start = startedAt.get(messageId);
    if (start === undefined) return;
    startedAt.delete(messageId);
    const ms = Math.max(0, now() - start);
    count += 1;
    sum += ms;
    SEND_LATENCY_BUCKETS_MS.forEach((bound, index) => {
      if (ms <= bound) bucketCounts[index] = (bucketCounts[index] ?? 0) + 1;
    });
    recent.push(ms);
    if (recent.length > MAX_RECENT_SAMPLES) recent.shift();
  });

  return {
    attemptStarted(messageId) {
      startedAt.delete(messageId);
      startedAt.set(messageId, now());
      if (startedAt.size > MAX_OPEN_ATTEMPTS) {
        const oldest = startedAt.keys().next();
        if (!oldest.done) startedAt.delete(oldest.value);
      }
    },
    histogram: () => ({
      buckets: SEND_LATENCY_BUCKETS_MS.map((le, index) => ({ le, count: bucketCounts[index] ?? 0 })),
      count,
      sum,
    }),
    recentSamples: () => [...recent],
    off,
  };
}
