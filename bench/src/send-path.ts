/**
 * (1) Core's send path against wa-multi-session's own send calls, on the same linked socket and
 * simulator, one message at a time, interleaved so load changes hit both sides alike. Both sides are
 * timed from the call to the same two events (arrivals.ts): the server ack as the library receives
 * it, and the simulated contact having decrypted the message (end to end). Core's own "sent"
 * (`waitFor: "sent"`: the ack written to the database) is reported beside them.
 * Texts, and an image of 200 KB: core's `messages.sendMedia("image", …)` against the library's
 * `sendImage`.
 */
import { randomBytes } from "node:crypto";
import type { Kabar } from "@kabar/core";
import { NO_PACING, recipient, SESSION_ID } from "@kabar/system-tests";
import type { WhatsAppSimulator } from "@kabar/whatsapp-simulator";
import { type Arrivals, library, watchArrivals } from "./arrivals.js";
import { type LatencySummary, since, summarize } from "./stats.js";

export const IMAGE_BYTES = 200 * 1024;

interface Timed {
  serverAck: number;
  decrypted: number;
}

export interface SideSummary {
  serverAck: LatencySummary;
  decrypted: LatencySummary;
}

export interface KindResult {
  count: number;
  core: SideSummary & { stored: LatencySummary };
  direct: SideSummary;
  /** core / direct, p50 and p95, per event */
  ratio: { serverAck: [number, number]; decrypted: [number, number] };
}

export interface SendPathResult {
  settings: string;
  text: KindResult;
  image: KindResult;
  throughput: { burst: number; corePerSecond: number; directPerSecond: number; directWithoutAck: number };
}

const round2 = (value: number) => Math.round(value * 100) / 100;

/** A JPEG start marker and random bytes: the contact checks hashes and MAC, not pixels. */
function fakeJpeg(size: number): Buffer {
  return Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), randomBytes(size - 4)]);
}

async function timedFrom(arrivals: Arrivals, start: number, waMessageId: string): Promise<Timed> {
  const serverAck = (await arrivals.at("serverAck", waMessageId)) - start;
  const decrypted = (await arrivals.at("decrypted", waMessageId)) - start;
  return { serverAck, decrypted };
}

type Send = (index: number) => Promise<{ waMessageId: string; stored?: number }>;

function coreSend(kabar: Kabar, kind: "text" | "image", image: Buffer): Send {
  return async (index) => {
    const to = recipient(index);
    const start = performance.now();
    const result =
      kind === "text"
        ? await kabar.messages.send({ to, message: `Core #${index}` }, { waitFor: "sent" })
        : await kabar.messages.sendMedia(
            "image",
            { to, file: image, mimeType: "image/jpeg", fileName: "rute.jpg", caption: `Core #${index}` },
            { waitFor: "sent", timeoutMs: 60_000 },
          );
    const stored = since(start);
    if (result.status !== "sent" && result.status !== "delivered" && result.status !== "read")
      throw new Error(`core ${kind} send ended ${result.status}`);
    const record = await kabar.messages.get(result.id);
    if (!record) throw new Error(`core lost message ${result.id}`);
    return { waMessageId: record.waMessageId, stored };
  };
}

function directSend(kind: "text" | "image", image: Buffer): Send {
  return async (index) => {
    const to = recipient(index);
    const sent =
      kind === "text"
        ? await library.sendTextMessage({ sessionId: SESSION_ID, to, text: `Direct #${index}` })
        : await library.sendImage({ sessionId: SESSION_ID, to, media: image, text: `Direct #${index}` });
    const id = sent?.key.id;
    if (!id) throw new Error(`the library's ${kind} send returned no id`);
    return { waMessageId: id };
  };
}

async function interleaved(
  arrivals: Arrivals,
  sendCore: Send,
  sendDirect: Send,
  count: number,
  warmUp: number,
): Promise<KindResult> {
  for (let index = 0; index < warmUp; index += 1) {
    for (const send of [sendCore, sendDirect]) {
      const sent = await send(index);
      await arrivals.at("decrypted", sent.waMessageId);
    }
  }
  const samples = { core: [] as Timed[], stored: [] as number[], direct: [] as Timed[] };
  for (let index = 0; index < count; index += 1) {
    let start = performance.now();
    const coreSent = await sendCore(index);
    samples.core.push(await timedFrom(arrivals, start, coreSent.waMessageId));
    samples.stored.push(coreSent.stored ?? Number.NaN);
    start = performance.now();
    const directSent = await sendDirect(index);
    samples.direct.push(await timedFrom(arrivals, start, directSent.waMessageId));
  }
  const side = (timed: Timed[]): SideSummary => ({
    serverAck: summarize(timed.map((sample) => sample.serverAck)),
    decrypted: summarize(timed.map((sample) => sample.decrypted)),
  });
  const core = { ...side(samples.core), stored: summarize(samples.stored) };
  const direct = side(samples.direct);
  const ratio = (event: keyof SideSummary): [number, number] => [
    round2(core[event].p50 / direct[event].p50),
    round2(core[event].p95 / direct[event].p95),
  ];
  return { count, core, direct, ratio: { serverAck: ratio("serverAck"), decrypted: ratio("decrypted") } };
}

export async function benchSendPath(
  kabar: Kabar,
  simulator: WhatsAppSimulator,
  sizes: { sequential: number; images: number; burst: number },
): Promise<SendPathResult> {
  const arrivals = watchArrivals(simulator, SESSION_ID);
  const image = fakeJpeg(IMAGE_BYTES);
  try {
    // Warm both paths (Signal sessions with every recipient, JIT) before timing.
    const text = await interleaved(
      arrivals,
      coreSend(kabar, "text", image),
      directSend("text", image),
      sizes.sequential,
      12,
    );
    const images = await interleaved(
      arrivals,
      coreSend(kabar, "image", image),
      directSend("image", image),
      sizes.images,
      3,
    );
    const throughput = await burstThroughput(kabar, arrivals, sizes.burst);
    return {
      settings: `pacing off (gaps ${NO_PACING.minGapMs}/${NO_PACING.maxGapMs}/${NO_PACING.perRecipientGapMs} ms, cap ${NO_PACING.dailyCap}), one at a time, same socket`,
      text,
      image: images,
      throughput,
    };
  } finally {
    arrivals.close();
  }
}

/**
 * A burst of N at once on each side, until every server ack. Core's outbox sends one message at a time
 * and waits for its ack before the next (the order guarantee and the same-id retry rest on that); the
 * direct burst fires all at once.
 */
async function burstThroughput(
  kabar: Kabar,
  arrivals: Arrivals,
  burst: number,
): Promise<SendPathResult["throughput"]> {
  let start = performance.now();
  await Promise.all(
    Array.from({ length: burst }, (_, index) =>
      kabar.messages.send(
        { to: recipient(index), message: `Core burst #${index}` },
        { waitFor: "sent", timeoutMs: 120_000 },
      ),
    ),
  );
  const corePerSecond = Math.round(burst / (since(start) / 1_000));
  start = performance.now();
  let directWithoutAck = 0;
  const direct = directSend("text", Buffer.alloc(0));
  await Promise.all(
    Array.from({ length: burst }, async (_, index) => {
      try {
        const { waMessageId } = await direct(index);
        await arrivals.at("serverAck", waMessageId);
      } catch {
        directWithoutAck += 1;
      }
    }),
  );
  const directPerSecond = Math.round(burst / (since(start) / 1_000));
  return { burst, corePerSecond, directPerSecond, directWithoutAck };
}

const triple = (summary: LatencySummary) => `${summary.p50} / ${summary.p95} / ${summary.p99} ms`;

/** Figure 1's rows of the printed table, the settings beside each. */
export function sendPathRows(result: SendPathResult): [string, string, string][] {
  const rows: [string, string, string][] = [];
  for (const [kind, measured] of [
    ["text", result.text],
    [`image ${IMAGE_BYTES / 1024} KB`, result.image],
  ] as const) {
    const n = `${measured.count} each side, interleaved`;
    rows.push(
      [`1 ${kind}: call → server ack, core (p50/p95/p99)`, triple(measured.core.serverAck), n],
      [
        `1 ${kind}: call → server ack, direct`,
        triple(measured.direct.serverAck),
        "library's ws CB:ack, both sides",
      ],
      [
        `1 ${kind}: ratio core/direct, server ack`,
        `×${measured.ratio.serverAck[0]} p50 (×${measured.ratio.serverAck[1]} p95)`,
        measured.ratio.serverAck[0] <= 1.15 ? "≤1.15 met" : "≤1.15 MISSED",
      ],
      [
        `1 ${kind}: call → decrypted by contact, core`,
        triple(measured.core.decrypted),
        "simulator's message event",
      ],
      [`1 ${kind}: call → decrypted by contact, direct`, triple(measured.direct.decrypted), ""],
      [
        `1 ${kind}: ratio core/direct, end to end`,
        `×${measured.ratio.decrypted[0]} p50 (×${measured.ratio.decrypted[1]} p95)`,
        measured.ratio.decrypted[0] <= 1.15 ? "≤1.15 met" : "≤1.15 MISSED",
      ],
      [`1 ${kind}: core call → "sent" stored`, triple(measured.core.stored), "waitFor: sent (ack written)"],
    );
  }
  rows.push([
    "1 throughput core / direct",
    `${result.throughput.corePerSecond} / ${result.throughput.directPerSecond} msg/s`,
    `burst of ${result.throughput.burst}${result.throughput.directWithoutAck > 0 ? `, direct ${result.throughput.directWithoutAck} without ack` : ""}`,
  ]);
  rows.push(["1 settings", result.settings, ""]);
  return rows;
}
