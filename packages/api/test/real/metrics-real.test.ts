/**
 * /metrics around 1,500 sends through the real library and the simulator: Prometheus needs every
 * histogram cumulative (count and sum only grow, or rate() breaks), the send latency must measure
 * what its help says (send attempt → server ack, not the time a message waited in the queue), and
 * label values must be codes, never WhatsApp's free text.
 */
import { startSimulator, type WhatsAppSimulator } from "@kabar/whatsapp-simulator";
import { afterAll, beforeAll, expect, it } from "vitest";
import { CLUSTER_NODE_ID_PATTERN } from "../../src/env.js";
import type { Kabar } from "../../src/kabar.js";
import { simulatedKabar } from "../../src/testing/start-test-server.js";
import { request } from "../support/http.js";
import { createTestApi, type TestApi } from "../support/test-api.js";

const SENDS = 1_500;
const CONTACTS = ["6281234567890", "6281234567891", "6281234567892"];
let simulator: WhatsAppSimulator;
let api: TestApi<Kabar>;
let baseUrl: string;
let token: string;

beforeAll(async () => {
  simulator = await startSimulator({ port: 0, host: "127.0.0.1" });
  api = await createTestApi<Kabar>({ kabar: simulatedKabar(simulator) });
  baseUrl = await api.listen();
  token = (await api.deps.auth.createToken("metrics test", "read")).token;
}, 60_000);

afterAll(async () => {
  await api?.cleanup();
  await simulator?.close();
});

/** Histogram series (`_bucket{le}`, `_sum`, `_count`) by their full name with labels. */
function histogramSeries(text: string): Map<string, number> {
  const families = [...text.matchAll(/^# TYPE (\S+) histogram$/gm)].map((match) => match[1] ?? "");
  const series = new Map<string, number>();
  for (const line of text.split("\n")) {
    const match = /^(\S+?)(\{[^}]*\})? (\S+)$/.exec(line);
    if (!match?.[1] || !families.some((family) => match[1]?.startsWith(`${family}_`))) continue;
    series.set(`${match[1]}${match[2] ?? ""}`, Number(match[3]));
  }
  return series;
}

async function scrape(): Promise<string> {
  const response = await request(baseUrl, "GET", "/metrics", { token });
  expect(response.status).toBe(200);
  return String(response.body);
}

async function link(): Promise<void> {
  const kabar = api.kabar;
  await kabar.sessions.create({ name: "Panitia Lari", sessionId: "panitia_lari" });
  await new Promise<void>((resolve, reject) => {
    let hasScanned = false;
    // Subscribe before connecting so no status is missed.
    const off = kabar.events.on(({ event }) => {
      if (event.type !== "session.state") return;
      const { status } = event;
      if (status.state === "waiting_qr" && status.qr && !hasScanned) {
        hasScanned = true;
        simulator.phone.scan(status.qr.value).catch(reject);
      }
      if (status.state === "connected") {
        off();
        resolve();
      }
    });
    kabar.sessions.connect().catch(reject);
  });
}

async function sendBurst(count: number, from: number): Promise<void> {
  let last: Promise<unknown> = Promise.resolve();
  for (let index = from; index < from + count; index += 1) {
    const to = CONTACTS[index % CONTACTS.length] ?? "";
    const isLast = index === from + count - 1;
    // Accept the whole burst first: most messages then wait in the queue before their attempt.
    const sent = api.kabar.messages.send(
      { to, message: `Nomor BIB ${index}` },
      isLast ? { waitFor: "sent", timeoutMs: 240_000 } : undefined,
    );
    if (isLast) last = sent;
    else await sent;
  }
  await last;
}

it("keeps every histogram cumulative around 1,500 sends, timed from attempt to ack, with code labels", async () => {
  await link();
  const before = await scrape();
  await sendBurst(SENDS / 2, 0);
  const middle = await scrape();
  await sendBurst(SENDS / 2, SENDS / 2);
  const after = await scrape();

  const scrapes = [before, middle, after].map(histogramSeries);
  expect(scrapes[0]?.has("kabar_send_latency_ms_count")).toBe(true);
  for (const [name, first] of scrapes[0] ?? []) {
    const values = scrapes.map((series) => series.get(name));
    expect(values[1], name).toBeGreaterThanOrEqual(first);
    expect(values[2], name).toBeGreaterThanOrEqual(values[1] ?? Number.NaN);
  }
  const count = (index: number) => scrapes[index]?.get("kabar_send_latency_ms_count") ?? Number.NaN;
  const sum = (index: number) => scrapes[index]?.get("kabar_send_latency_ms_sum") ?? Number.NaN;
  // Every send is one sample, also past the 1,000 a window would hold.
  expect(count(2) - count(0)).toBe(SENDS);

  // What it measures: the attempt → ack mean is a small part of accepted → ack, which includes
  // the wait behind hundreds of queued messages.
  const rows = await api.db.outboxMessage.findMany({ select: { createdAt: true, sentAt: true } });
  expect(rows).toHaveLength(SENDS);
  const queuedToAckMean =
    rows.reduce(
      (total, row) => total + ((row.sentAt?.getTime() ?? Number.NaN) - row.createdAt.getTime()),
      0,
    ) / rows.length;
  const attemptToAckMean = (sum(2) - sum(0)) / SENDS;
  expect(attemptToAckMean).toBeLessThan(queuedToAckMean / 4);

  // Label values are codes: lowercase words, numbers, or +Inf — never a sentence from WhatsApp.
  // no free text in a label value: codes, bucket bounds, and the node's name (CLUSTER_NODE_ID, validated)
  for (const text of [before, middle, after]) {
    for (const [, label, value] of text.matchAll(/(\w+)="([^"]*)"/g)) {
      expect(value).toMatch(label === "node" ? CLUSTER_NODE_ID_PATTERN : /^([a-z0-9_]+|\+Inf|[0-9.]+)$/);
    }
  }
  expect(after).toContain('kabar_last_disconnect_info{reason="none"} 1');
}, 300_000);
