/**
 * (1) Core's send path against wa-multi-session's own sendTextMessage, on the same linked socket
 * and simulator. Both are timed from the call to the library receiving WhatsApp's server ack:
 * core via send(…, { waitFor: "sent" }), direct via Baileys' messages.update (status ≥ SERVER_ACK).
 */
import { createRequire } from "node:module";
import type { Kabar } from "@kabar/core";
import { recipient, SESSION_ID } from "@kabar/system-tests";
import { type LatencySummary, since, summarize } from "./stats.js";

type WaMultiSession = typeof import("wa-multi-session");
// The CommonJS instance core's adapter uses (an ESM import would be a second copy of the module state).
const library = createRequire(import.meta.url)("wa-multi-session") as WaMultiSession;

interface AckUpdate {
  key: { id?: string | null };
  update: { status?: number | null };
}

export interface SendPathResult {
  core: LatencySummary & { throughputPerSecond: number };
  direct: LatencySummary & { throughputPerSecond: number };
  ratioP50: number;
  ratioP95: number;
}

/** Resolves ids as the library hears their server ack. */
function ackWatcher() {
  const socket = library.getSession(SESSION_ID);
  if (!socket) throw new Error(`wa-multi-session has no socket for ${SESSION_ID}`);
  const waiting = new Map<string, () => void>();
  const acked = new Set<string>();
  const onUpdate = (updates: AckUpdate[]) => {
    for (const { key, update } of updates) {
      if (!key.id || (update.status ?? 0) < 2) continue;
      acked.add(key.id);
      waiting.get(key.id)?.();
    }
  };
  socket.ev.on("messages.update", onUpdate);
  return {
    /** Rejects when no ack came within timeoutMs, so a lost ack shows as an error, not a hang. */
    ack(id: string, timeoutMs = 30_000): Promise<void> {
      if (acked.has(id)) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiting.delete(id);
          reject(new Error(`no server ack for ${id} within ${timeoutMs} ms`));
        }, timeoutMs);
        waiting.set(id, () => {
          clearTimeout(timer);
          resolve();
        });
      });
    },
    close: () => socket.ev.off("messages.update", onUpdate),
  };
}

async function directSend(watcher: ReturnType<typeof ackWatcher>, index: number): Promise<void> {
  const sent = await library.sendTextMessage({
    sessionId: SESSION_ID,
    to: recipient(index),
    text: `Direct #${index}`,
  });
  const id = sent?.key.id;
  if (!id) throw new Error("sendTextMessage returned no id");
  await watcher.ack(id);
}

export async function benchSendPath(
  kabar: Kabar,
  sequential: number,
  burst: number,
): Promise<SendPathResult> {
  const watcher = ackWatcher();
  try {
    // Warm both paths (Signal sessions with every recipient, JIT) before timing.
    for (let index = 0; index < 12; index += 1) {
      await kabar.messages.send({ to: recipient(index), message: `warm ${index}` }, { waitFor: "sent" });
      await directSend(watcher, index);
    }
    const coreSamples: number[] = [];
    const directSamples: number[] = [];
    // Interleaved, so load changes on the machine hit both sides alike.
    for (let index = 0; index < sequential; index += 1) {
      let start = performance.now();
      const result = await kabar.messages.send(
        { to: recipient(index), message: `Core #${index}` },
        { waitFor: "sent" },
      );
      if (result.status !== "sent" && result.status !== "delivered" && result.status !== "read")
        throw new Error(`core send ended ${result.status}`);
      coreSamples.push(since(start));
      start = performance.now();
      await directSend(watcher, index);
      directSamples.push(since(start));
    }
    let start = performance.now();
    await Promise.all(
      Array.from({ length: burst }, (_, index) =>
        kabar.messages.send(
          { to: recipient(index), message: `Core burst #${index}` },
          { waitFor: "sent", timeoutMs: 120_000 },
        ),
      ),
    );
    const coreThroughput = burst / (since(start) / 1_000);
    start = performance.now();
    let directErrors = 0;
    await Promise.all(
      Array.from({ length: burst }, (_, index) =>
        directSend(watcher, index).catch(() => {
          directErrors += 1;
        }),
      ),
    );
    if (directErrors > 0) process.stderr.write(`bench: direct burst: ${directErrors} of ${burst} without an ack\n`);
    const directThroughput = burst / (since(start) / 1_000);
    const core = { ...summarize(coreSamples), throughputPerSecond: Math.round(coreThroughput) };
    const direct = { ...summarize(directSamples), throughputPerSecond: Math.round(directThroughput) };
    return {
      core,
      direct,
      ratioP50: Math.round((core.p50 / direct.p50) * 100) / 100,
      ratioP95: Math.round((core.p95 / direct.p95) * 100) / 100,
    };
  } finally {
    watcher.close();
  }
}
